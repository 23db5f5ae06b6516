/**
 * A split's examples ({@link Examples}: arrays in memory, or an image folder decoded on demand) as
 * what loaders take: the in-memory arrays themselves where a caller needs them, or a dataset of
 * `[x as ArrayItem, target]` items either way.
 */
import type { ArrayItem, Dataset } from '../loader/dataset.js';
import { LazyImages } from './lazy_images.js';
import type { Arrays, Examples } from './types.js';

/** The examples' arrays when they are in memory, else null (decoded on demand). */
export function inMemory(e: Examples): Arrays | null {
  return e instanceof LazyImages ? null : e;
}

/** In-memory arrays as items: views of example `i`'s values, shaped `shape`. */
class ArrayExamples implements Dataset<[ArrayItem, number]> {
  private readonly units: number;

  constructor(private readonly arrays: Arrays, private readonly shape: readonly number[]) {
    this.units = shape.reduce((a, b) => a * b, 1);
  }

  get length(): number { return this.arrays.rows; }

  getItem(i: number): [ArrayItem, number] {
    return [{ data: this.arrays.x.subarray(i * this.units, (i + 1) * this.units), shape: this.shape }, this.arrays.y[i]];
  }
}

/**
 * The examples as a dataset of `[x, target]` items, `x` shaped `shape` (the examples' own shape
 * for those decoded on demand).
 *
 * @example
 * const items = exampleItems(data.train, data.inputShape); // items.getItem(0): [{ data, shape: [3, 32, 32] }, 1]
 */
export function exampleItems(e: Examples, shape: readonly number[]): Dataset<[ArrayItem, number]> {
  return e instanceof LazyImages ? e : new ArrayExamples(e, shape);
}
