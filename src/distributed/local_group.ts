/**
 * A process group of one: rank 0 of a world of size 1 (backend 'local'). Every collective is
 * what it is for a single rank — all-reduce, broadcast and barrier leave the data as it is,
 * all-gather and reduce-scatter copy — but with the argument checks of the MPI group
 * (contiguous float32/int32 tensors, ranks in range, list lengths), so code written against
 * `ProcessGroup` runs and fails the same way in one process, in tests and in single-process runs.
 */
import { noGrad } from '../autograd/grad_mode.js';
import { formatShape } from '../base/shape.js';
import { isTensor } from '../core/tensor.js';
import { REDUCE_OPS, type CollectiveData, type ProcessGroup, type ReduceOp, type Work } from './process_group.js';

/** The handle of a collective that finished when it was issued. */
const DONE: Work = { wait: () => Promise.resolve(), isCompleted: () => true };

type Buffer = CollectiveData;

/**
 * @example
 * const group = new LocalGroup();
 * const t = dl.tensor([1, 2], { dtype: 'float32' });
 * group.allReduce(t, 'sum'); // t is unchanged: the sum over one rank
 * group.size; // 1
 */
export class LocalGroup implements ProcessGroup {
  readonly rank = 0;
  readonly size = 1;
  readonly backend = 'local' as const;
  private destroyed = false;

  allReduce(t: CollectiveData, op: ReduceOp = 'sum'): void {
    this.check('allReduce', t);
    if (!REDUCE_OPS.includes(op)) throw new RangeError(`allReduce: op must be one of ${REDUCE_OPS.join(', ')}, got ${JSON.stringify(op)}`);
  }

  allReduceAsync(t: CollectiveData, op: ReduceOp = 'sum'): Work {
    this.allReduce(t, op);
    return DONE;
  }

  broadcast(t: CollectiveData, src: number): void {
    this.check('broadcast', t);
    this.checkRank('broadcast', src);
  }

  broadcastAsync(t: CollectiveData, src: number): Work {
    this.broadcast(t, src);
    return DONE;
  }

  allGather(out: CollectiveData[], t: CollectiveData): void {
    this.check('allGather', t);
    if (!Array.isArray(out) || out.length !== 1) throw new RangeError(`allGather: expected an output list of ${this.size} tensor(s) (one per rank), got ${Array.isArray(out) ? out.length : typeof out}`);
    this.check('allGather', out[0]);
    copyInto('allGather', out[0], t);
  }

  reduceScatter(out: CollectiveData, inputs: CollectiveData[], op: ReduceOp = 'sum'): void {
    this.check('reduceScatter', out);
    if (!REDUCE_OPS.includes(op)) throw new RangeError(`reduceScatter: op must be one of ${REDUCE_OPS.join(', ')}, got ${JSON.stringify(op)}`);
    if (!Array.isArray(inputs) || inputs.length !== 1) throw new RangeError(`reduceScatter: expected ${this.size} input tensor(s) (one per rank), got ${Array.isArray(inputs) ? inputs.length : typeof inputs}`);
    this.check('reduceScatter', inputs[0]);
    copyInto('reduceScatter', out, inputs[0]);
  }

  barrier(): void {
    this.checkAlive('barrier');
  }

  newGroup(ranks: number[]): ProcessGroup {
    this.checkAlive('newGroup');
    if (!Array.isArray(ranks) || ranks.length !== 1 || ranks[0] !== 0) throw new RangeError(`newGroup: a world of size 1 has only rank 0, got ranks ${JSON.stringify(ranks)}`);
    return new LocalGroup();
  }

  destroy(): void {
    this.destroyed = true;
  }

  private checkAlive(op: string): void {
    if (this.destroyed) throw new Error(`${op}: the process group was destroyed`);
  }

  private checkRank(op: string, rank: number): void {
    if (!Number.isInteger(rank) || rank < 0 || rank >= this.size) throw new RangeError(`${op}: rank ${rank} is out of range for a group of size ${this.size}`);
  }

  private check(op: string, t: Buffer): void {
    this.checkAlive(op);
    if (t instanceof Float32Array || t instanceof Int32Array) return;
    if (!isTensor(t)) throw new TypeError(`${op}: expected a tensor, a Float32Array or an Int32Array, got ${typeof t}`);
    if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new TypeError(`${op}: expected a float32 or int32 tensor, got ${t.dtype}`);
    if (!t.isContiguous()) throw new Error(`${op}: expected a contiguous tensor, got shape ${formatShape(t.shape)} with strides [${t.strides.join(', ')}]`);
  }
}

/** out ← src (same element count and dtype). */
function copyInto(op: string, out: Buffer, src: Buffer): void {
  if (out === src) return;
  const count = (b: Buffer): number => (isTensor(b) ? b.numel() : b.length);
  if (count(out) !== count(src)) throw new RangeError(`${op}: output has ${count(out)} elements, input ${count(src)}`);
  if (!isTensor(out) && !isTensor(src)) { out.set(src as never); return; }
  if (isTensor(out) && isTensor(src)) { noGrad(() => out.copy_(src.reshape(out.shape))); return; }
  throw new TypeError(`${op}: output and input must both be tensors or both typed arrays`);
}
