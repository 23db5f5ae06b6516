/**
 * A split of an image folder decoded on demand (`data.lazy`): file paths and targets in memory,
 * pixels decoded by the decode workers batch by batch. The DataLoader announces the batches it
 * will ask for next (`willNeed`), so the workers decode batch b + 1 while the model trains on
 * batch b; `getItems` then waits for the batch (blocking: the training loop is synchronous). Each
 * example is what the in-memory path holds: the same decode, resize and scaling
 * (image_example.ts, preprocessing.ts), so training gives the same numbers either way.
 */
import type { ArrayItem, Dataset } from '../loader/dataset.js';
import { BatchSlot } from './batch_slot.js';
import type { DecodePool } from './image_pool.js';

/** Batches decoded ahead of the one asked for, at most. */
const MAX_AHEAD = 2;

/** A batch handed to the workers. */
interface Request {
  indices: Int32Array;
  slot: BatchSlot;
}

const sameIndices = (a: Int32Array, b: Int32Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** One split of an image folder, decoded on demand; see the module notes. */
export class LazyImages implements Dataset<[ArrayItem, number]> {
  private readonly units: number;
  private readonly pending: Request[] = [];
  private readonly free: BatchSlot[] = [];

  /**
   * @param files each example's image file, in split order
   * @param y each example's target
   * @param shape one example, [3, height, width]
   * @param scale the training pixels' mean and std (preprocessing.ts's `scaleImages`)
   * @param pool ready decode workers
   */
  constructor(
    readonly files: readonly string[], readonly y: Float64Array, readonly shape: readonly number[],
    private readonly scale: { mean: number; std: number }, private readonly pool: DecodePool,
  ) {
    this.units = shape.reduce((a, b) => a * b, 1);
  }

  /** Examples in the split. */
  get rows(): number {
    return this.files.length;
  }

  get length(): number {
    return this.files.length;
  }

  getItem(i: number): [ArrayItem, number] {
    return this.getItems(Int32Array.of(i))[0];
  }

  /** Starts decoding examples `indices` (a batch asked for soon), unless enough are in flight. */
  willNeed(indices: Int32Array): void {
    if (this.pending.length < MAX_AHEAD + 1) this.pending.push(this.request(indices));
  }

  /**
   * Examples `indices`, decoded (waiting for them when announced, else decoding them now).
   * @throws DataError naming a file that can no longer be read or decoded.
   */
  getItems(indices: Int32Array): [ArrayItem, number][] {
    const head = this.pending[0];
    if (head === undefined || !sameIndices(head.indices, indices)) this.discardPending();
    const r = this.pending.shift() ?? this.request(indices);
    r.slot.wait(indices.length);
    const failure = r.slot.failure();
    const floats = r.slot.floats.slice(0, indices.length * this.units); // the slot is reused for the next batch
    this.release(r.slot);
    if (failure !== null) throw failure;
    return Array.from(indices, (index, k) => [{ data: floats.subarray(k * this.units, (k + 1) * this.units), shape: this.shape }, this.y[index]]);
  }

  /** Lets announced batches that were not asked for in that order finish, and drops them. */
  private discardPending(): void {
    for (const r of this.pending.splice(0)) {
      r.slot.wait(r.indices.length);
      this.release(r.slot);
    }
  }

  /** Keeps `slot` for a later batch; the smallest goes when more are kept than can be in flight. */
  private release(slot: BatchSlot): void {
    this.free.push(slot);
    this.free.sort((a, b) => b.capacity - a.capacity);
    if (this.free.length > MAX_AHEAD + 1) this.free.pop();
  }

  private request(indices: Int32Array): Request {
    const k = this.free.findIndex((s) => s.capacity >= indices.length);
    const slot = k >= 0 ? this.free.splice(k, 1)[0] : new BatchSlot(indices.length, this.units);
    const [, height, width] = this.shape;
    this.pool.fill(slot, Array.from(indices, (i) => this.files[i]), { height, width, mean: this.scale.mean, std: this.scale.std });
    return { indices: Int32Array.from(indices), slot };
  }
}
