/**
 * `nn.parallel.DistributedDataParallel`: data-parallel training over a process group, with
 * PyTorch's semantics.
 *
 * Every rank holds a full replica. At wrap time rank 0's parameters and buffers are broadcast,
 * so all replicas start equal (and the parameter shapes are checked to agree across ranks).
 * The gradients are grouped into buckets in reverse parameter order — the order backward
 * produces them — capped at `bucketCapMb` (the first bucket at 1 MiB, as PyTorch does, so that
 * communication starts early). A post-accumulate-grad hook on each parameter marks its gradient
 * final; when every gradient of a bucket is, the bucket is flattened into one buffer and
 * all-reduced asynchronously while backward goes on. Buckets are launched strictly in index
 * order, so every rank issues the same collectives in the same order. A callback queued on the
 * backward pass waits for all of them, divides by the world size and copies the averages back
 * into `.grad` before `backward()` returns.
 *
 * `noSync(fn)`: forwards inside `fn` do not arm the reduction, so their backward passes only
 * accumulate locally; the next synchronised backward all-reduces the accumulated sums.
 *
 * Parameters that get no gradient in a backward pass: with `findUnusedParameters` they count
 * as ready with a zero contribution (a parameter unused on every rank keeps its `.grad`
 * untouched, as PyTorch's globally-unused map does); without it, the backward pass ends with an
 * error naming them (PyTorch raises the same at the next forward).
 *
 * The state dict has PyTorch's keys: the wrapped model is the child `module`, so keys read
 * `module.fc.weight` (load a bare model from `ddp.module.stateDict()`).
 */
import { isGradEnabled, noGrad } from '../../autograd/grad_mode.js';
import { queueBackwardCallback } from '../../autograd/engine.js';
import { tidy, type Tensor } from '../../core/tensor.js';
import { keep } from '../../core/scope.js';
import { tensor, zeros } from '../../ops/creation.js';
import { fnv1a31 } from '../../base/hash.js';
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import { Module } from '../module.js';
import { defaultProcessGroup, waitWork, type ProcessGroup, type Work } from './group.js';

const DDP_OPTIONS = defineOptions('DistributedDataParallel', {
  /** The group to average over (default: the world group of `dl.distributed.initProcessGroup`, else a local group of one). */
  processGroup: option.custom<ProcessGroup>('a ProcessGroup', (v): v is ProcessGroup => typeof v === 'object' && v !== null && typeof (v as ProcessGroup).allReduceAsync === 'function'),
  /** Bucket size cap in MiB (default 25, PyTorch's). */
  bucketCapMb: option.number({ default: 25, min: 0 }),
  /** Broadcast rank 0's buffers (BatchNorm statistics) before each training forward (default true). */
  broadcastBuffers: option.boolean(true),
  /** Treat parameters without a gradient in a backward pass as ready with a zero gradient (default false: an error). */
  findUnusedParameters: option.boolean(false),
});

export type DistributedDataParallelOptions = OptionsInput<typeof DDP_OPTIONS>;

/** PyTorch's dedicated first bucket (torch.distributed's _DEFAULT_FIRST_BUCKET_BYTES). */
const FIRST_BUCKET_BYTES = 1024 * 1024;

interface Bucket {
  /** Parameter indices, in the order their slices sit in the flat buffer. */
  readonly members: number[];
  readonly offsets: number[];
  readonly numel: number;
  /** The flat buffer (allocated on first use, reused every step). */
  buffer: Tensor | null;
  /** Gradients still to come in the pass in progress. */
  pending: number;
  work: Work | null;
}

/**
 * Wraps a module for data-parallel training: `forward` is the module's; backward averages the
 * gradients over the process group. See the module notes.
 *
 * @example
 * const group = await dl.distributed.initProcessGroup({ backend: 'mpi' });
 * const model = new nn.parallel.DistributedDataParallel(new nn.Linear(4, 2), { processGroup: group });
 * model.forward(x).square().mean().backward(); // .grad is the mean over all ranks' batches
 * model.noSync(() => model.forward(x).sum().backward()); // accumulate locally only
 */
export class DistributedDataParallel extends Module {
  readonly module: Module;
  readonly processGroup: ProcessGroup;
  readonly bucketCapMb: number;
  readonly broadcastBuffers: boolean;
  readonly findUnusedParameters: boolean;
  private readonly params: Tensor[];
  private readonly paramNames: string[];
  private readonly buckets: Bucket[];
  /** Parameter index → its bucket and its slot there. */
  private readonly place: { bucket: number; slot: number }[];
  private readonly indexOf = new Map<Tensor, number>();
  private readonly hookHandles: { remove(): void }[] = [];
  /** Per parameter: a gradient became final in the pass in progress. */
  private readyFlags: Uint8Array;
  /** Whether the pass in progress is to be reduced (a forward armed it). */
  private armed = false;
  private requireSync = true;
  private finishQueued = false;
  private nextBucket = 0;

  constructor(module: Module, options: DistributedDataParallelOptions = {}) {
    super();
    const opts = DDP_OPTIONS.parse(options);
    if (!(module instanceof Module)) throw new TypeError('DistributedDataParallel: expected a Module to wrap');
    this.module = module;
    this.processGroup = opts.processGroup ?? defaultProcessGroup();
    this.bucketCapMb = opts.bucketCapMb;
    this.broadcastBuffers = opts.broadcastBuffers;
    this.findUnusedParameters = opts.findUnusedParameters;
    const named = module.namedParameters().filter(([, p]) => p.requiresGrad);
    this.paramNames = named.map(([n]) => n);
    this.params = named.map(([, p]) => p);
    this.params.forEach((p, i) => this.indexOf.set(p, i));
    this.readyFlags = new Uint8Array(this.params.length);
    this.checkShapesAgree();
    this.syncModuleStates();
    const { buckets, place } = planBuckets(this.params, this.bucketCapMb * 1024 * 1024);
    this.buckets = buckets;
    this.place = place;
    for (const p of this.params) this.hookHandles.push(p.registerPostAccumulateGradHook((t) => this.onGradReady(t)));
  }

  override forward(...inputs: any[]): any {
    this.armed = this.requireSync && isGradEnabled();
    if (this.armed) this.startPass();
    if (this.broadcastBuffers && this.training && isGradEnabled() && this.processGroup.size > 1) this.syncBuffers();
    return this.module.forward(...inputs);
  }

  /**
   * Runs `fn` without gradient synchronisation: backward passes of forwards inside it only
   * accumulate `.grad` locally (PyTorch's `no_sync()` context). An async `fn` keeps the scope
   * until its promise settles.
   *
   * @example
   * ddp.noSync(() => ddp.forward(x1).sum().backward()); // local accumulation
   * ddp.forward(x2).sum().backward();                    // all-reduces the sum of both
   */
  noSync<T>(fn: () => T): T {
    const prev = this.requireSync;
    this.requireSync = false;
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.requireSync = prev;
      throw e;
    }
    if (result instanceof Promise) return result.finally(() => { this.requireSync = prev; }) as T;
    this.requireSync = prev;
    return result;
  }

  /**
   * Removes the gradient hooks and frees the bucket buffers; unlike Module.dispose it leaves the
   * wrapped module's parameters alone, so the module can be used (or wrapped) again unwrapped.
   */
  override dispose(): void {
    for (const h of this.hookHandles) h.remove();
    this.hookHandles.length = 0;
    for (const b of this.buckets) { b.buffer?.dispose(); b.buffer = null; }
  }

  override extraRepr(): string {
    return `world_size=${this.processGroup.size}, buckets=${this.buckets.length}`;
  }

  /** The bucket layout (parameter names per bucket, in all-reduce order), for inspection and tests. */
  bucketNames(): string[][] {
    return this.buckets.map((b) => b.members.map((i) => this.paramNames[i]));
  }

  // ---------------------------------------------------------------- the reduction

  private startPass(): void {
    this.readyFlags.fill(0);
    for (const b of this.buckets) { b.pending = b.members.length; b.work = null; }
    this.nextBucket = 0;
    this.finishQueued = false;
  }

  private onGradReady(p: Tensor): void {
    if (!this.armed) return;
    const i = this.indexOf.get(p)!;
    if (this.readyFlags[i] === 1) return;
    if (!this.finishQueued) {
      this.finishQueued = true;
      queueBackwardCallback(() => this.finishPass());
    }
    this.markReady(i);
    this.launchReadyBuckets();
    // MPI progresses a non-blocking collective inside MPI calls: testing the ones in flight moves them on.
    for (let b = 0; b < this.nextBucket; b++) this.buckets[b].work?.isCompleted();
  }

  private markReady(i: number): void {
    this.readyFlags[i] = 1;
    this.buckets[this.place[i].bucket].pending--;
  }

  /** Launches the buckets whose gradients are all final, in index order. */
  private launchReadyBuckets(): void {
    while (this.nextBucket < this.buckets.length && this.buckets[this.nextBucket].pending === 0) {
      this.launch(this.buckets[this.nextBucket++]);
    }
  }

  private launch(b: Bucket): void {
    if (b.buffer === null) b.buffer = keep(noGrad(() => zeros([b.numel])));
    const buffer = b.buffer;
    noGrad(() => tidy(() => {
      b.members.forEach((i, k) => {
        const slice = buffer.narrow(0, b.offsets[k], this.params[i].numel());
        const g = this.params[i].grad;
        if (g === null) slice.zero_();
        else slice.copy_(g.reshape([-1]));
      });
    }));
    b.work = this.processGroup.allReduceAsync(buffer, 'sum');
  }

  /** After the sweep: unused parameters, the remaining buckets, then wait and copy the averages back. */
  private finishPass(): void {
    this.armed = false;
    const unused: number[] = [];
    for (let i = 0; i < this.params.length; i++) if (this.readyFlags[i] === 0) unused.push(i);
    if (unused.length > 0 && !this.findUnusedParameters) {
      for (let b = 0; b < this.nextBucket; b++) waitWork(this.buckets[b].work!);
      const names = unused.map((i) => this.paramNames[i]).join(', ');
      throw new Error(`DistributedDataParallel: parameters received no gradient in this backward pass on rank ${this.processGroup.rank}: ${names}. ` +
        'Every parameter must take part in computing the loss, or pass findUnusedParameters: true to reduce them as zero gradients.');
    }
    for (const i of unused) this.markReady(i);
    this.launchReadyBuckets();
    const used = unused.length > 0 || this.findUnusedParameters ? this.globallyUsed() : null;
    const size = this.processGroup.size;
    for (const b of this.buckets) {
      waitWork(b.work!);
      b.work = null;
      const buffer = b.buffer!;
      noGrad(() => tidy(() => {
        if (size > 1) buffer.div_(size);
        b.members.forEach((i, k) => {
          const p = this.params[i];
          if (used !== null && used[i] === 0) return;
          const avg = buffer.narrow(0, b.offsets[k], p.numel()).view(p.shape);
          if (p.grad === null) p.grad = avg.clone();
          else p.grad.copy_(avg);
        });
      }));
    }
  }

  /** Per parameter, the number of ranks where it got a gradient (one int32 all-reduce). */
  private globallyUsed(): Int32Array {
    const flags = noGrad(() => tensor(Int32Array.from(this.params, (p) => (p.grad === null ? 0 : 1))));
    try {
      this.processGroup.allReduce(flags, 'sum');
      return Int32Array.from(flags.dataSync() as Int32Array);
    } finally {
      flags.dispose();
    }
  }

  // ---------------------------------------------------------------- replica consistency

  /** Parameter count and shapes must agree across ranks (different models would exchange garbage). */
  private checkShapesAgree(): void {
    const g = this.processGroup;
    if (g.size === 1) return;
    const sig = shapeSignature(this.params, this.paramNames);
    const mine = tensor(Int32Array.from([this.params.length, sig]));
    const all = Array.from({ length: g.size }, () => zeros([2], { dtype: 'int32' }));
    try {
      g.allGather(all, mine);
      const seen = all.map((t) => Array.from(t.dataSync() as Int32Array));
      const bad = seen.findIndex((s) => s[0] !== this.params.length || s[1] !== sig);
      if (bad >= 0) {
        throw new Error(`DistributedDataParallel: rank ${bad} has a different model (${seen[bad][0]} parameters) than rank ${g.rank} (${this.params.length} parameters, ` +
          'or the same count with different shapes): every rank must wrap the same architecture');
      }
    } finally {
      mine.dispose();
      for (const t of all) t.dispose();
    }
  }

  /** Rank 0's parameters and buffers to every rank. */
  private syncModuleStates(): void {
    if (this.processGroup.size === 1) return;
    noGrad(() => {
      for (const p of this.module.parameters()) broadcastInPlace(this.processGroup, p);
      for (const b of this.module.buffers()) broadcastInPlace(this.processGroup, b);
    });
  }

  private syncBuffers(): void {
    noGrad(() => { for (const b of this.module.buffers()) broadcastInPlace(this.processGroup, b); });
  }
}

/** Broadcasts from rank 0 into `t`; dtypes and layouts the collectives do not take go through a float32/int32 copy. */
function broadcastInPlace(group: ProcessGroup, t: Tensor): void {
  if ((t.dtype === 'float32' || t.dtype === 'int32') && t.isContiguous()) {
    group.broadcast(t, 0);
    return;
  }
  tidy(() => {
    const tmp = t.to(t.dtype === 'float32' ? 'float32' : 'int32').contiguous().clone();
    group.broadcast(tmp, 0);
    t.copy_(tmp.to(t.dtype));
  });
}

/** A 31-bit hash of the parameters' names and shapes. */
function shapeSignature(params: readonly Tensor[], names: readonly string[]): number {
  return fnv1a31(params.map((p, i) => `${names[i]}:${p.shape.join('x')}`).join(';'));
}

/** Buckets over the parameters in reverse order, the first capped at 1 MiB, the others at `capBytes`. */
function planBuckets(params: readonly Tensor[], capBytes: number): { buckets: Bucket[]; place: { bucket: number; slot: number }[] } {
  const buckets: Bucket[] = [];
  const place: { bucket: number; slot: number }[] = new Array(params.length);
  let members: number[] = [];
  let offsets: number[] = [];
  let numel = 0;
  const close = (): void => {
    if (members.length === 0) return;
    buckets.push({ members, offsets, numel, buffer: null, pending: members.length, work: null });
    members = []; offsets = []; numel = 0;
  };
  for (let i = params.length - 1; i >= 0; i--) {
    const n = params[i].numel();
    const cap = buckets.length === 0 ? Math.min(FIRST_BUCKET_BYTES, capBytes) : capBytes;
    if (members.length > 0 && (numel + n) * 4 > cap) close();
    place[i] = { bucket: buckets.length, slot: members.length };
    members.push(i);
    offsets.push(numel);
    numel += n;
  }
  close();
  return { buckets, place };
}
