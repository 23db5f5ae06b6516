/**
 * DataLoader: batches of a {@link Dataset}, in order or shuffled each epoch by
 * its own seeded {@link Generator}, with `dropLast`, a custom `collate`, sync
 * (`for of`) and async (`for await`) iteration.
 *
 * - In-memory tensors ({@link TensorDataset}, default collate): each batch is
 *   one native gather per tensor, `t.indexSelect(0, indices)`; no per-row JS.
 * - Prefetching (`for await`, `prefetch` batches ahead, default 1): as soon as
 *   batch i is handed out, the items of batch i+1 are requested, through
 *   `getItemAsync` when the dataset has it (file reads overlap training) or on
 *   `setImmediate` otherwise; collation into tensors happens when the batch is
 *   taken, inside the consumer's `tidy` scope, so prefetched work never leaks
 *   tensors. Sync iteration assembles each batch on demand (on one thread,
 *   assembling ahead cannot overlap anything), but tells a dataset that reads
 *   ahead itself (`willNeed`: decode workers) the `prefetch` batches to come.
 * - Exact resume: {@link DataLoader.getState} holds the generator state at the
 *   start of the current epoch and the batches already served; after
 *   {@link DataLoader.setState} the next epoch replays the same order and skips
 *   the served batches.
 */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import { Generator, type GeneratorState } from '../../core/generator.js';
import type { Tensor } from '../../core/tensor.js';
import { tensor } from '../../ops/creation.js';
import { defaultCollate } from './collate.js';
import { TensorDataset, type Dataset } from './dataset.js';
import type { Sampler } from './distributed_sampler.js';
import { permutation } from './shuffle.js';

const LOADER_OPTIONS = defineOptions('DataLoader', {
  /** Items per batch (default 32). */
  batchSize: option.number({ default: 32, min: 1, integer: true }),
  /** Reshuffle the items every epoch (default false). */
  shuffle: option.boolean(false),
  /** Generator to shuffle with (default: a new one seeded with `seed`). */
  generator: option.custom<Generator>('a Generator', (v): v is Generator => v instanceof Generator),
  /** Seed when no generator is given (default 0). */
  seed: option.number({ default: 0, min: 0, integer: true }),
  /** Drop the last, incomplete batch (default false). */
  dropLast: option.boolean(false),
  /** Items → batch (default {@link defaultCollate}). */
  collate: option.custom<(items: never[]) => unknown>('a function (items) => batch', (v): v is (items: never[]) => unknown => typeof v === 'function'),
  /** Batches requested ahead by `for await`, and announced ahead to a dataset with `willNeed` (default 1; 0 turns prefetching off). */
  prefetch: option.number({ default: 1, min: 0, integer: true }),
  /** The indices of each epoch (e.g. a DistributedSampler); excludes `shuffle`. */
  sampler: option.custom<Sampler>('a sampler (length and indices())', (v): v is Sampler => typeof v === 'object' && v !== null && typeof (v as Sampler).indices === 'function'),
});

/** DataLoader settings; `collate` is typed by the loader's item and batch types. */
export type DataLoaderOptions<T, B> = Omit<OptionsInput<typeof LOADER_OPTIONS>, 'collate'> & { collate?: (items: T[]) => B };

/** Saved position of a loader (JSON-serialisable). */
export interface DataLoaderState {
  /** Generator state at the start of the epoch in progress (or the next epoch). */
  generator: GeneratorState;
  /** Epochs started so far. */
  epoch: number;
  /** Batches already served in the epoch in progress (0 between epochs). */
  served: number;
}

/** Batches of a dataset; see the module notes. */
export class DataLoader<T = unknown, B = unknown> implements Iterable<B>, AsyncIterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator;
  readonly prefetch: number;
  readonly sampler: Sampler | null;
  private readonly collateFn: ((items: T[]) => B) | null;
  private epochStart: GeneratorState;
  private epoch = 0;
  private served = 0;
  private resumeSkip = 0;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const opts = LOADER_OPTIONS.parse(options);
    this.dataset = dataset;
    this.batchSize = opts.batchSize;
    this.shuffle = opts.shuffle;
    this.dropLast = opts.dropLast;
    this.generator = opts.generator ?? new Generator(opts.seed);
    this.prefetch = opts.prefetch;
    this.sampler = opts.sampler ?? null;
    if (this.sampler !== null && this.shuffle) throw new RangeError('DataLoader: the sampler option is mutually exclusive with shuffle (the sampler decides the order)');
    this.collateFn = options.collate ?? null;
    this.epochStart = this.generator.getState();
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.itemCount;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Items per epoch: the sampler's or the dataset's. */
  private get itemCount(): number {
    return this.sampler?.length ?? this.dataset.length;
  }

  /** The loader's position, for checkpoints. */
  getState(): DataLoaderState {
    return { generator: this.served > 0 ? this.epochStart : this.generator.getState(), epoch: this.epoch, served: this.served };
  }

  /** Restore a position from {@link getState}: the next epoch continues where that one stopped. */
  setState(s: DataLoaderState): void {
    this.generator.setState(s.generator);
    this.epochStart = s.generator;
    this.epoch = s.served > 0 ? s.epoch - 1 : s.epoch;
    this.resumeSkip = s.served;
    this.served = 0;
  }

  /** Same as {@link getState} (the name the Trainer's checkpoints use). */
  stateDict(): DataLoaderState { return this.getState(); }

  /** Same as {@link setState}. */
  loadStateDict(s: DataLoaderState): void { this.setState(s); }

  /** Index order of a new epoch, and the first batch to serve. */
  private beginEpoch(): { order: Int32Array | null; first: number } {
    this.epochStart = this.generator.getState();
    this.epoch++;
    const first = this.resumeSkip;
    this.resumeSkip = 0;
    this.served = first;
    const order = this.sampler !== null ? this.sampler.indices() : this.shuffle ? permutation(this.dataset.length, this.generator) : null;
    return { order, first };
  }

  private indicesOf(order: Int32Array | null, b: number): Int32Array {
    const start = b * this.batchSize, end = Math.min(this.itemCount, start + this.batchSize);
    if (order !== null) return order.subarray(start, end);
    const idx = new Int32Array(end - start);
    for (let i = 0; i < idx.length; i++) idx[i] = start + i;
    return idx;
  }

  private finishEpoch(): void {
    this.served = 0;
  }

  /** The dataset's items `indices`: in one call when it reads batches (`getItems`), else one by one. */
  private itemsOf(indices: Int32Array): T[] {
    const ds = this.dataset;
    return ds.getItems !== undefined ? ds.getItems(indices) : Array.from(indices, (i) => ds.getItem(i));
  }

  /** Collate fetched items (or gather rows of in-memory tensors). */
  private assemble(indices: Int32Array, items: T[] | null): B {
    const ds = this.dataset;
    if (items === null && this.collateFn === null && ds instanceof TensorDataset) {
      const index = tensor(Int32Array.from(indices));
      const out = ds.tensors.map((t: Tensor) => t.indexSelect(0, index));
      index.dispose();
      return out as unknown as B;
    }
    const list = items ?? this.itemsOf(indices);
    return this.collateFn !== null ? this.collateFn(list) : (defaultCollate(list) as unknown as B);
  }

  *[Symbol.iterator](): Iterator<B> {
    const { order, first } = this.beginEpoch();
    const nb = this.length;
    const ds = this.dataset;
    let announced = first;
    for (let b = first; b < nb; b++) {
      // batches b..b+prefetch announced, each once and in order, before batch b is taken
      while (ds.willNeed !== undefined && announced < nb && announced <= b + this.prefetch) ds.willNeed(this.indicesOf(order, announced++));
      const batch = this.assemble(this.indicesOf(order, b), null);
      this.served = b + 1 === nb ? 0 : b + 1; // the last batch out ends the epoch
      yield batch;
    }
    this.finishEpoch();
  }

  /** Items of batch b, fetched asynchronously. */
  private fetch(order: Int32Array | null, b: number): Promise<T[]> {
    const idx = this.indicesOf(order, b);
    const ds = this.dataset;
    if (ds.getItemAsync !== undefined) return Promise.all(Array.from(idx, (i) => ds.getItemAsync!(i)));
    return new Promise((resolve, reject) => setImmediate(() => {
      try { resolve(this.itemsOf(idx)); } catch (e) { reject(e); }
    }));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    const { order, first } = this.beginEpoch();
    const nb = this.length;
    const inMemory = this.collateFn === null && this.dataset instanceof TensorDataset;
    const queue: Promise<T[]>[] = [];
    const ahead = Math.max(0, this.prefetch);
    let next = first;
    // requests cover batches b..b+ahead: the current one and `ahead` more in flight
    const request = (b: number): void => { while (!inMemory && next < nb && next <= b + ahead) queue.push(this.fetch(order, next++)); };
    for (let b = first; b < nb; b++) {
      request(b);
      const items = inMemory ? null : await queue.shift()!;
      const batch = this.assemble(this.indicesOf(order, b), items);
      this.served = b + 1 === nb ? 0 : b + 1; // the last batch out ends the epoch
      request(b); // in flight while the consumer trains on batch b: b+1..b+ahead
      yield batch;
    }
    this.finishEpoch();
  }
}
