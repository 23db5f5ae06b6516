/**
 * Datasets: anything with a length and an item getter. Items that are plain
 * host data (numbers, typed arrays, {@link ArrayItem}s, arrays and objects of
 * them) are batched by the default collate into tensors; {@link TensorDataset}
 * is batched by one native gather per tensor.
 */
import type { Tensor } from '../../core/tensor.js';

/** A map-style dataset. */
export interface Dataset<T = unknown> {
  /** Number of items. */
  readonly length: number;
  /** Item `i`, 0 ≤ i < length. */
  getItem(i: number): T;
  /** Optional asynchronous getter (file reads off the main thread); used by `for await` loaders. */
  getItemAsync?(i: number): Promise<T>;
  /** Optional: items `indices` at once (a dataset decoding files does them in parallel); loaders use it instead of `getItem`. */
  getItems?(indices: Int32Array): T[];
  /**
   * Optional: the items of a batch a loader will ask for soon, in the order it will ask, so a
   * dataset reading files can start on them while the current batch trains.
   */
  willNeed?(indices: Int32Array): void;
}

/** A float32 array with its shape (an image [C, H, W], a window [T, F], ...). */
export interface ArrayItem {
  data: Float32Array;
  shape: readonly number[];
}

/** True for an {@link ArrayItem}. */
export function isArrayItem(v: unknown): v is ArrayItem {
  return typeof v === 'object' && v !== null && (v as ArrayItem).data instanceof Float32Array && Array.isArray((v as ArrayItem).shape);
}

/** Tensors sharing their first dimension; item i is the i-th row of each. */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];

  /** @throws RangeError when first dimensions differ. */
  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new RangeError('TensorDataset: give at least one tensor');
    const n = tensors[0].shape[0];
    tensors.forEach((t, k) => {
      if (t.ndim === 0 || t.shape[0] !== n) throw new RangeError(`TensorDataset: tensor ${k} has shape [${t.shape.join(', ')}], expected first dimension ${n}`);
    });
    this.tensors = tensors;
  }

  get length(): number { return this.tensors[0].shape[0]; }

  /** Row `i` of each tensor (views). */
  getItem(i: number): Tensor[] {
    return this.tensors.map((t) => t.select(0, i));
  }
}

/** A dataset restricted to `indices` of another (what the split functions return). */
export class Subset<T> implements Dataset<T> {
  constructor(readonly dataset: Dataset<T>, readonly indices: Int32Array) {
    for (const i of indices) if (i < 0 || i >= dataset.length) throw new RangeError(`Subset: index ${i} outside 0..${dataset.length - 1}`);
  }

  get length(): number { return this.indices.length; }

  getItem(i: number): T { return this.dataset.getItem(this.indices[i]); }
}

/** Items computed by a function (for generated data and adapters). */
export class FunctionDataset<T> implements Dataset<T> {
  constructor(readonly length: number, private readonly fn: (i: number) => T) {}

  getItem(i: number): T { return this.fn(i); }
}
