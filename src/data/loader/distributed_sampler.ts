/**
 * DistributedSampler: the share of a dataset's indices one rank of a data-parallel job reads,
 * with the layout of PyTorch's `torch.utils.data.DistributedSampler`. The epoch's order (the
 * indices in order, or a permutation drawn by a generator seeded `seed + epoch`, so that every
 * rank draws the same one) is padded by repeating its first indices up to a multiple of
 * `numReplicas` (or cut down to one with `dropLast`), and rank r takes `indices[r::numReplicas]`.
 * Every rank therefore gets the same number of indices, and the ranks together cover the
 * dataset. The permutation comes from dlflow's generator, not torch's: the same seed gives a
 * different order than PyTorch, the same layout around it.
 *
 * Call {@link DistributedSampler.setEpoch} before each epoch (the Trainer does) or every epoch
 * repeats the same order.
 */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import { Generator } from '../../core/generator.js';
import { getRank, getWorldSize, isInitialized } from '../../distributed/index.js';
import { permutation } from './shuffle.js';

const SAMPLER_OPTIONS = defineOptions('DistributedSampler', {
  /** Number of ranks sharing the dataset (default: the world size of `dl.distributed`'s default group). */
  numReplicas: option.number({ min: 1, integer: true }),
  /** This rank, 0 ≤ rank < numReplicas (default: the rank in `dl.distributed`'s default group). */
  rank: option.number({ min: 0, integer: true }),
  /** A new permutation every epoch (default true). */
  shuffle: option.boolean(true),
  /** Seed of the permutations; must be the same on every rank (default 0). */
  seed: option.number({ default: 0, min: 0, integer: true }),
  /** Drop the tail that does not divide evenly instead of padding with repeated indices (default false). */
  dropLast: option.boolean(false),
});

export type DistributedSamplerOptions = OptionsInput<typeof SAMPLER_OPTIONS>;

/** What a DataLoader takes as `sampler`: the epoch's indices, and how many there are. */
export interface Sampler {
  readonly length: number;
  indices(): Int32Array;
}

/**
 * @example
 * const sampler = new dl.data.DistributedSampler(dataset, { numReplicas: 2, rank: world.rank, seed: 0 });
 * const loader = new dl.data.DataLoader(dataset, { batchSize: 32, sampler });
 * for (let epoch = 0; epoch < 3; epoch++) {
 *   sampler.setEpoch(epoch);
 *   for (const [x, y] of loader) { ... }
 * }
 */
export class DistributedSampler implements Sampler {
  readonly numReplicas: number;
  readonly rank: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  /** Indices per rank and epoch. */
  readonly numSamples: number;
  /** Indices of all ranks together per epoch (padded or cut). */
  readonly totalSize: number;
  private readonly datasetLength: number;
  private epoch = 0;

  constructor(dataset: { readonly length: number }, options: DistributedSamplerOptions = {}) {
    const o = SAMPLER_OPTIONS.parse(options);
    if ((o.numReplicas === undefined || o.rank === undefined) && !isInitialized()) {
      throw new Error('DistributedSampler: give numReplicas and rank, or call dl.distributed.initProcessGroup() first (they default to its world size and rank)');
    }
    o.numReplicas ??= getWorldSize();
    o.rank ??= getRank();
    if (o.rank >= o.numReplicas) throw new RangeError(`DistributedSampler: invalid rank ${o.rank}, rank should be in the interval [0, ${o.numReplicas - 1}]`);
    const n = dataset.length;
    if (!Number.isInteger(n) || n < 0) throw new TypeError(`DistributedSampler: the dataset must have a length, got ${String(n)}`);
    this.numReplicas = o.numReplicas;
    this.rank = o.rank;
    this.shuffle = o.shuffle;
    this.seed = o.seed;
    this.dropLast = o.dropLast;
    this.datasetLength = n;
    // PyTorch: with drop_last the tail is cut so that every rank gets the same data; else padded
    const R = o.numReplicas;
    this.numSamples = Math.max(0, o.dropLast && n % R !== 0 ? Math.ceil((n - R) / R) : Math.ceil(n / R));
    this.totalSize = this.numSamples * o.numReplicas;
  }

  get length(): number { return this.numSamples; }

  /** The epoch whose order the next {@link indices} gives (PyTorch's `set_epoch`). */
  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`DistributedSampler.setEpoch: expected a non-negative integer, got ${epoch}`);
    this.epoch = epoch;
  }

  /** This rank's indices for the current epoch. */
  indices(): Int32Array {
    const n = this.datasetLength;
    const order = this.shuffle ? permutation(n, new Generator(this.seed + this.epoch)) : Int32Array.from({ length: n }, (_, i) => i);
    const all = new Int32Array(this.totalSize);
    if (this.totalSize <= n) all.set(order.subarray(0, this.totalSize));
    else for (let i = 0; i < this.totalSize; i++) all[i] = order[i % n]; // padding repeats the first indices (more than once if n is small)
    const mine = new Int32Array(this.numSamples);
    for (let i = 0; i < this.numSamples; i++) mine[i] = all[this.rank + i * this.numReplicas];
    return mine;
  }

  [Symbol.iterator](): Iterator<number> {
    return this.indices()[Symbol.iterator]();
  }
}
