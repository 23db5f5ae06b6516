/**
 * TensorLoader: batches over in-memory tensors, shuffled each epoch by its own seeded generator
 * (whose state checkpoints save, so resumed training sees the same order). A small stand-in with
 * the shape of dl.data's DataLoader (`generator`, `length`, iteration yielding `[x, y]`).
 */
import { Generator } from '../core/generator.js';
import { keep } from '../core/scope.js';
import type { Tensor } from '../core/tensor.js';
import { randperm } from '../ops/creation.js';

export interface TensorLoaderOptions {
  batchSize?: number;
  shuffle?: boolean;
  /** Seed of the shuffling generator (default 0). */
  seed?: number;
  dropLast?: boolean;
}

/**
 * @example
 * const loader = new TensorLoader(x, y, { batchSize: 32, shuffle: true, seed: 1 });
 * for (const [xb, yb] of loader) console.log(xb.shape, yb.shape);
 */
export class TensorLoader implements Iterable<[Tensor, Tensor]> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator;

  constructor(readonly x: Tensor, readonly y: Tensor, options: TensorLoaderOptions = {}) {
    if (x.shape[0] !== y.shape[0]) throw new RangeError(`TensorLoader: x has ${x.shape[0]} rows but y has ${y.shape[0]}`);
    this.batchSize = options.batchSize ?? 32;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.generator = new Generator(options.seed ?? 0);
  }

  /** Rows in the data. */
  get size(): number { return this.x.shape[0]; }

  /** Batches per epoch. */
  get length(): number {
    return this.dropLast ? Math.floor(this.size / this.batchSize) : Math.ceil(this.size / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<[Tensor, Tensor]> {
    const n = this.size;
    // kept: the first batch is drawn inside the caller's tidy scope, the permutation outlives it.
    const order = this.shuffle ? keep(randperm(n, { generator: this.generator })) : null;
    try {
      for (let start = 0; start < n; start += this.batchSize) {
        const end = Math.min(n, start + this.batchSize);
        if (this.dropLast && end - start < this.batchSize) break;
        if (order === null) {
          yield [this.x.narrow(0, start, end - start), this.y.narrow(0, start, end - start)];
        } else {
          const idx = order.narrow(0, start, end - start);
          yield [this.x.indexSelect(0, idx), this.y.indexSelect(0, idx)];
        }
      }
    } finally {
      order?.dispose();
    }
  }
}
