/**
 * The pool of decode workers (`worker_threads`, image_worker.ts) of image folders: the data step's
 * pass over a folder sends files to it (`decode`, promises), and the training loop's batches of a
 * folder decoded on demand fill shared slots (`fill`, waited for with Atomics; batch_slot.ts).
 *
 * One pool per process, started on first use with one worker per core the engine's threads leave
 * free (at least 1, at most 8): decoding overlaps training without taking the engine's cores.
 * Workers are unreferenced while nothing awaits them, so a pool never keeps the process alive;
 * closeDecodePool (decode_pool_slot.ts) ends them.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { getNumThreads } from '../../backends/select.js';
import type { Image } from '../image/decode.js';
import { loadSharp } from '../image/native_decode.js';
import { errorOfFailure, type BatchSlot, type SlotFailure } from './batch_slot.js';
import { setStartedPool, startedPool } from './decode_pool_slot.js';
import type { FillRequest, WorkerRequest } from './image_worker.js';

/** Most decode workers. */
const MAX_WORKERS = 8;

/** Workers for `cores` cores when the engine runs `engineThreads` threads: the cores left, 1 to 8. */
export function decodeWorkerCount(cores = availableParallelism(), engineThreads = getNumThreads()): number {
  return Math.max(1, Math.min(MAX_WORKERS, cores - engineThreads));
}

/**
 * A worker of the pool. From TypeScript sources (tests, benches under tsx) the worker registers
 * tsx's loader first, as the main thread did; from dist/ it is the compiled file.
 */
function startWorker(): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./image_worker.js', self));
  const entry = JSON.stringify(new URL('./image_worker.ts', self).href);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then((m) => { m.register(); return import(${entry}); })`, { eval: true });
}

interface Pending {
  resolve: (image: Image) => void;
  reject: (e: Error) => void;
}

/** Decode workers; see the module notes. */
export class DecodePool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private turn = 0;
  private broken: Error | null = null;
  /** Resolves when every worker has loaded its modules (the main thread may block from then on). */
  readonly ready: Promise<void>;

  constructor(readonly size: number) {
    this.workers = Array.from({ length: size }, () => startWorker());
    this.ready = Promise.all(this.workers.map((w) => this.watch(w))).then(() => this.idle());
  }

  /** Resolves once `w` is ready; routes its replies and failures. */
  private watch(w: Worker): Promise<void> {
    return new Promise((resolve, reject) => {
      w.on('message', (m: { ready?: true; id?: number; image?: Image; failure?: SlotFailure }) => {
        if (m.ready === true) return resolve();
        const p = this.pending.get(m.id!);
        if (p === undefined) return;
        this.pending.delete(m.id!);
        if (m.failure !== undefined) p.reject(errorOfFailure(m.failure)); else p.resolve(m.image!);
        if (this.pending.size === 0) this.idle();
      });
      w.on('error', (e) => { this.fail(new Error(`a decode worker failed: ${e.message}`)); reject(this.broken); });
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a decode worker exited with code ${code}`));
        reject(this.broken ?? new Error('a decode worker ended before it was ready')); // a no-op once ready
      });
    });
  }

  private fail(e: Error): void {
    this.broken ??= e;
    for (const p of this.pending.values()) p.reject(this.broken);
    this.pending.clear();
  }

  /** Lets the process exit while nothing awaits the workers. */
  private idle(): void {
    for (const w of this.workers) w.unref();
  }

  /** Decodes `file` as RGB in a worker. @throws DataError naming a file that cannot be read or decoded. */
  decode(file: string): Promise<Image> {
    if (this.broken !== null) return Promise.reject(this.broken);
    const id = this.nextId++;
    const w = this.workers[this.turn++ % this.size];
    for (const worker of this.workers) worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ type: 'decode', id, file } satisfies WorkerRequest);
    });
  }

  /**
   * Hands the examples `files` (rows 0.. of `slot`) to the workers, a contiguous share each; the
   * caller waits on the slot. The pool must be {@link ready}.
   */
  fill(slot: BatchSlot, files: readonly string[], job: Omit<FillRequest, 'type' | 'buffers' | 'items'>): void {
    if (this.broken !== null) throw this.broken;
    slot.reset();
    const share = Math.ceil(files.length / this.size);
    for (let k = 0; k * share < files.length; k++) {
      const items = files.slice(k * share, (k + 1) * share).map((file, i) => ({ file, row: k * share + i }));
      this.workers[k].postMessage({ type: 'fill', buffers: slot.buffers, items, ...job } satisfies WorkerRequest);
    }
  }

  /**
   * Ends the workers once they finish what they hold (terminating one mid-decode can take the
   * process down with libvips, lovell/sharp#2263); one that has not ended after 10 s is terminated.
   */
  async close(): Promise<void> {
    this.fail(new Error('the decode pool is closed'));
    await Promise.all(this.workers.map(async (w) => {
      if (w.threadId === -1) return; // already ended
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.ref();
      w.postMessage({ type: 'close' } satisfies WorkerRequest);
      const late = setTimeout(() => void w.terminate(), 10_000);
      await exited;
      clearTimeout(late);
    }));
  }
}

/**
 * The process's decode pool, started (and made ready) on first use and held in
 * decode_pool_slot.ts (closeDecodePool there ends it). sharp is loaded here first: on glibc its
 * libraries must stay loaded in the main thread while workers use them (lovell/sharp#2263).
 */
export async function decodePool(): Promise<DecodePool> {
  let pool = startedPool() as DecodePool | null;
  if (pool === null) {
    await loadSharp();
    pool = (startedPool() as DecodePool | null) ?? new DecodePool(decodeWorkerCount());
    setStartedPool(pool);
  }
  await pool.ready;
  return pool;
}

export { closeDecodePool } from './decode_pool_slot.js';
