/**
 * The ProcessGroup over Open MPI (backend 'mpi'). Collectives run on the addon's communication
 * thread in the order they are issued (native/src/mpi.cc), so an async one overlaps with
 * whatever JavaScript does next; a blocking one is the async one waited for. Every wait has a
 * deadline (the group's `timeoutMs`): a peer that died or never calls the collective becomes a
 * DistributedTimeoutError naming the collective and the rank, never a silent hang.
 */
import type { NativeAddon } from '../backends/cpu/addon.js';
import { DTYPE_CODES } from '../backends/cpu/abi.js';
import { formatShape } from '../base/shape.js';
import { isTensor } from '../core/tensor.js';
import { copyIn, copyOut, dataDType, dataLength, describeData, newArray, openSpan, type CollectiveDType, type NativeSpan } from './collective_data.js';
import { DistributedError, DistributedTimeoutError } from './errors.js';
import { REDUCE_OPS, type CollectiveData, type ProcessGroup, type ReduceOp, type Work } from './process_group.js';

/** State shared by the world group and its sub-groups. */
export interface MpiContext {
  readonly native: NativeAddon;
  /** How long any collective may take, from the moment it is issued. */
  readonly timeoutMs: number;
  /** Why the groups are unusable (a timed-out collective is still stuck in MPI), or null. */
  broken: string | null;
}

/** Blocking slices of an async wait: the event loop runs between them. */
const WAIT_SLICE_MS = 20;
/** The tag of MPI_Comm_create_group (members-only sub-groups). */
const CREATE_GROUP_TAG = 7341;

/** An issued collective: its request, the spans it uses and what to do once it is done. */
class MpiWork implements Work {
  private settled = false;
  private failure: Error | null = null;
  private readonly deadline: number;

  constructor(
    private readonly group: MpiProcessGroup,
    private readonly request: number,
    private readonly collective: string,
    private readonly spans: readonly { span: NativeSpan; wrote: boolean }[],
    private readonly after: (() => void) | null = null,
  ) {
    this.deadline = Date.now() + group.context.timeoutMs;
  }

  isCompleted(): boolean {
    if (!this.settled) this.poll(0);
    return this.settled;
  }

  wait(): Promise<void> {
    return this.waitLoop();
  }

  /** Blocks until done; throws on failure or at the deadline. */
  waitSync(): void {
    if (!this.settled && !this.poll(Math.max(0, this.deadline - Date.now()))) this.timeOut();
    if (this.failure !== null) throw this.failure;
  }

  private async waitLoop(): Promise<void> {
    while (!this.settled) {
      const left = this.deadline - Date.now();
      if (this.poll(Math.max(0, Math.min(WAIT_SLICE_MS, left)))) break;
      if (left <= WAIT_SLICE_MS) this.timeOut();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (this.failure !== null) throw this.failure;
  }

  /** Waits up to `ms` for the request; true once settled (successfully or not). */
  private poll(ms: number): boolean {
    let done: boolean;
    try {
      done = this.group.context.native.mpiWait(this.request, ms);
    } catch (e) {
      this.settle(new DistributedError(`${this.collective} failed on ${this.group.where()}: ${(e as Error).message}`));
      return true;
    }
    if (done) this.settle(null);
    return done;
  }

  private settle(failure: Error | null): void {
    this.settled = true;
    this.failure = failure;
    try {
      if (failure === null && this.after !== null) this.after();
    } finally {
      for (const { span, wrote } of this.spans) span.finish(wrote && failure === null);
    }
  }

  private timeOut(): never {
    const g = this.group;
    const error = new DistributedTimeoutError(this.collective, g.rank, g.size, g.context.timeoutMs);
    g.context.broken = error.message;
    throw error;
  }
}

function opCode(op: ReduceOp, dtype: CollectiveDType, collective: string): number {
  const code = REDUCE_OPS.indexOf(op);
  if (code < 0) throw new RangeError(`${collective}: op must be one of ${REDUCE_OPS.map((o) => `'${o}'`).join(', ')}, got ${JSON.stringify(op)}`);
  if (op === 'mean' && dtype !== 'float32') throw new TypeError(`${collective}: op 'mean' needs float32 data, got int32 (use 'sum' and divide)`);
  return code;
}

function sameLayout(a: CollectiveData, b: CollectiveData): boolean {
  if (isTensor(a) && isTensor(b)) return a.dtype === b.dtype && formatShape(a.shape) === formatShape(b.shape);
  return dataDType(a, '') === dataDType(b, '') && dataLength(a) === dataLength(b);
}

/**
 * @example
 * // under `mpirun -np 2 node --import tsx train.ts`
 * const world = await dl.distributed.initProcessGroup({ backend: 'mpi' });
 * const t = dl.tensor([world.rank + 1], { dtype: 'float32' });
 * world.allReduce(t, 'sum'); // t = [3] on both ranks
 */
export class MpiProcessGroup implements ProcessGroup {
  readonly backend = 'mpi' as const;
  private destroyed = false;

  /**
   * @internal Made by initProcessGroup and newGroup. `comm` is the native communicator id (-1:
   * this process is not a member); `worldRanks[i]` is the world rank of group rank i.
   */
  constructor(
    readonly context: MpiContext,
    private readonly comm: number,
    readonly rank: number,
    readonly size: number,
    readonly worldRanks: readonly number[],
  ) {}

  /** This process in messages: `rank 1 of 2 (world ranks [0, 1])`. */
  where(): string {
    return `rank ${this.rank} of ${this.size} (world ranks ${formatShape(this.worldRanks)})`;
  }

  allReduce(t: CollectiveData, op: ReduceOp = 'sum'): void {
    this.allReduceWork(t, op).waitSync();
  }

  allReduceAsync(t: CollectiveData, op: ReduceOp = 'sum'): Work {
    return this.allReduceWork(t, op);
  }

  broadcast(t: CollectiveData, src: number): void {
    this.broadcastWork(t, src).waitSync();
  }

  broadcastAsync(t: CollectiveData, src: number): Work {
    return this.broadcastWork(t, src);
  }

  allGather(out: CollectiveData[], t: CollectiveData): void {
    const name = 'allGather';
    this.usable(name);
    this.checkList(name, 'out', out, t);
    const dtype = dataDType(t, name);
    const count = dataLength(t);
    const recv = newArray(dtype, count * this.size);
    this.issue(name, [{ data: t, wrote: false }], (send) =>
      this.context.native.mpiAllgather(this.comm, send[0].buffer, send[0].offset, recv, 0, count, DTYPE_CODES[dtype]),
    () => out.forEach((o, r) => copyIn(o, recv.subarray(r * count, (r + 1) * count), name))).waitSync();
  }

  reduceScatter(out: CollectiveData, inputs: CollectiveData[], op: ReduceOp = 'sum'): void {
    const name = 'reduceScatter';
    this.usable(name);
    this.checkList(name, 'inputs', inputs, out);
    const dtype = dataDType(out, name);
    const code = opCode(op, dtype, name);
    const count = dataLength(out);
    const send = newArray(dtype, count * this.size);
    inputs.forEach((x, r) => copyOut(x, send, r * count, name));
    this.issue(name, [{ data: out, wrote: true }], (recv) =>
      this.context.native.mpiReduceScatter(this.comm, send, 0, recv[0].buffer, recv[0].offset, count, DTYPE_CODES[dtype], code)).waitSync();
  }

  barrier(): void {
    this.usable('barrier');
    this.issue('barrier', [], () => this.context.native.mpiBarrier(this.comm)).waitSync();
  }

  /**
   * A sub-group of the listed ranks (of this group), ranked in increasing order. As in
   * PyTorch's `new_group`, every member of this group calls it (MPI_Comm_split); a rank not
   * listed gets a group it is not a member of, whose collectives throw. With `membersOnly`,
   * only the listed ranks call it (MPI_Comm_create_group).
   *
   * @example
   * const evens = world.newGroup([0, 2]); // on every rank
   */
  newGroup(ranks: number[], options: { membersOnly?: boolean } = {}): MpiProcessGroup {
    const name = 'newGroup';
    this.usable(name);
    const unknown = Object.keys(options).filter((k) => k !== 'membersOnly');
    if (unknown.length > 0) throw new TypeError(`newGroup: unknown option '${unknown[0]}' (known: membersOnly)`);
    if (!Array.isArray(ranks) || ranks.length === 0) throw new TypeError('newGroup: ranks must be a non-empty array of ranks');
    for (const r of ranks) {
      if (!Number.isInteger(r) || r < 0 || r >= this.size) throw new RangeError(`newGroup: rank ${String(r)} is outside this group of ${this.size} (ranks 0..${this.size - 1})`);
    }
    const sorted = [...new Set(ranks)].sort((a, b) => a - b);
    if (sorted.length !== ranks.length) throw new RangeError(`newGroup: ranks ${formatShape(ranks)} list a rank twice`);
    const member = sorted.includes(this.rank);
    const worldRanks = sorted.map((r) => this.worldRanks[r]);
    if (options.membersOnly === true && !member) {
      throw new DistributedError(`newGroup: with membersOnly only the listed ranks ${formatShape(sorted)} call it, not ${this.where()}`);
    }
    const native = this.context.native;
    const comm = options.membersOnly === true
      ? native.mpiCommCreateGroup(this.comm, sorted, CREATE_GROUP_TAG, this.context.timeoutMs)
      : native.mpiCommSplit(this.comm, member ? 0 : -1, this.rank, this.context.timeoutMs);
    if (comm === -2) {
      const error = new DistributedTimeoutError(name, this.rank, this.size, this.context.timeoutMs);
      this.context.broken = error.message;
      throw error;
    }
    if (comm < 0) return new MpiProcessGroup(this.context, -1, -1, sorted.length, worldRanks);
    const [rank, size] = native.mpiCommInfo(comm);
    return new MpiProcessGroup(this.context, comm, rank, size, worldRanks);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    // The world communicator lives until MPI_Finalize at exit; a sub-group's is freed now.
    if (this.comm > 0 && this.context.broken === null) {
      const request = this.context.native.mpiCommFree(this.comm);
      this.context.native.mpiWait(request, this.context.timeoutMs);
    }
  }

  // ------------------------------------------------------------------------------- internals

  private allReduceWork(t: CollectiveData, op: ReduceOp): MpiWork {
    const name = 'allReduce';
    this.usable(name);
    const dtype = dataDType(t, name);
    const code = opCode(op, dtype, name);
    return this.issue(name, [{ data: t, wrote: true }], ([s]) =>
      this.context.native.mpiAllreduce(this.comm, s.buffer, s.offset, s.count, DTYPE_CODES[dtype], code));
  }

  private broadcastWork(t: CollectiveData, src: number): MpiWork {
    const name = 'broadcast';
    this.usable(name);
    const dtype = dataDType(t, name);
    if (!Number.isInteger(src) || src < 0 || src >= this.size) {
      throw new RangeError(`broadcast: source rank ${String(src)} is outside the group of ${this.size} (ranks 0..${this.size - 1})`);
    }
    return this.issue(name, [{ data: t, wrote: this.rank !== src }], ([s]) =>
      this.context.native.mpiBcast(this.comm, s.buffer, s.offset, s.count, DTYPE_CODES[dtype], src));
  }

  /** Opens the spans, submits the collective, and returns its work (spans closed on any failure). */
  private issue(
    collective: string,
    data: readonly { data: CollectiveData; wrote: boolean }[],
    submit: (spans: NativeSpan[]) => number,
    after: (() => void) | null = null,
  ): MpiWork {
    const opened: { span: NativeSpan; wrote: boolean }[] = [];
    let request: number;
    try {
      for (const d of data) opened.push({ span: openSpan(d.data, collective), wrote: d.wrote });
      request = submit(opened.map((o) => o.span));
    } catch (e) {
      for (const o of opened) o.span.finish(false);
      throw e;
    }
    return new MpiWork(this, request, collective, opened, after);
  }

  /** Throws unless this process can run collectives on this group. */
  private usable(collective: string): void {
    if (this.destroyed) throw new DistributedError(`${collective}: the process group was destroyed`);
    if (this.context.broken !== null) throw new DistributedError(`${collective}: ${this.context.broken}`);
    if (this.comm < 0) {
      throw new DistributedError(`${collective}: this process is not a member of the group of world ranks ${formatShape(this.worldRanks)}`);
    }
  }

  /** A list of `size` tensors laid out like `like` (allGather's out, reduceScatter's inputs). */
  private checkList(collective: string, what: string, list: CollectiveData[], like: CollectiveData): void {
    dataDType(like, collective);
    if (!Array.isArray(list) || list.length !== this.size) {
      throw new RangeError(`${collective}: ${what} must hold one tensor per rank (${this.size}), got ${Array.isArray(list) ? list.length : describeData(list)}`);
    }
    list.forEach((x, r) => {
      openSpan(x, `${collective}: ${what}[${r}]`).finish(false); // alive, contiguous, float32/int32
      if (!sameLayout(x, like)) throw new RangeError(`${collective}: ${what}[${r}] is a ${describeData(x)}, expected a ${describeData(like)}`);
    });
  }
}
