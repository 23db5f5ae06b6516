/**
 * The process-group contract shared by every backend of `dl.distributed` (PyTorch's
 * `torch.distributed` ProcessGroup, in dlflow's spelling): one communicator of `size`
 * processes, this one being `rank`. Collectives work in place on contiguous float32 or int32
 * tensors (or Float32Array / Int32Array), and every member must call them in the same order.
 */
import type { Tensor } from '../core/tensor.js';

/** How a collective combines the members' values; `mean` is `sum` divided by the group size (float32 only). */
export type ReduceOp = 'sum' | 'mean' | 'max' | 'min';

/** The reduce ops, in the order of their native codes. */
export const REDUCE_OPS: readonly ReduceOp[] = ['sum', 'mean', 'max', 'min'];

/** What a collective works on: a tensor, or a typed array of the same element type. */
export type CollectiveData = Tensor | Float32Array | Int32Array;

/** The handle of an asynchronous collective (PyTorch's `Work`). */
export interface Work {
  /** Resolves when the collective is done (its tensor then holds the result); rejects on failure or timeout. */
  wait(): Promise<void>;
  /** Whether the collective has finished, without waiting. */
  isCompleted(): boolean;
}

/** One communicator. */
export interface ProcessGroup {
  readonly rank: number;
  readonly size: number;
  readonly backend: 'mpi' | 'local';
  /** Reduce `t` over the group, in place: every member ends with the same result. */
  allReduce(t: CollectiveData, op?: ReduceOp): void;
  allReduceAsync(t: CollectiveData, op?: ReduceOp): Work;
  /** Copy rank `src`'s `t` into every member's `t`. */
  broadcast(t: CollectiveData, src: number): void;
  broadcastAsync(t: CollectiveData, src: number): Work;
  /** `out[r]` receives rank r's `t` (out has `size` tensors shaped like t). */
  allGather(out: CollectiveData[], t: CollectiveData): void;
  /** `out` receives the reduction over ranks of every member's `inputs[rank]`. */
  reduceScatter(out: CollectiveData, inputs: CollectiveData[], op?: ReduceOp): void;
  /** Returns once every member has called it. */
  barrier(): void;
  /** A sub-group of the listed ranks of this group (every member calls it, as in PyTorch's new_group). */
  newGroup(ranks: number[]): ProcessGroup;
  /** Release the communicator; the group is unusable afterwards. */
  destroy(): void;
}
