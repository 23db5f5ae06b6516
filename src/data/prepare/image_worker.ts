/**
 * A decode worker of {@link DecodePool} (image_pool.ts): a worker thread that decodes image files
 * for the main thread. Two requests: `decode` (one file, RGB pixels sent back; the data step's
 * pass over a folder) and `fill` (examples of a batch read, resized, channel-first and scaled into
 * a shared {@link BatchSlot}; the training loop's batches). Every module it needs is loaded
 * before it says `ready`, so the main thread may then block on a slot.
 */
import { parentPort } from 'node:worker_threads';
import { readImageAsync } from '../image/decode.js';
import { loadSharp } from '../image/native_decode.js';
import { failureOf, finishExample, type SlotBuffers, type SlotFailure } from './batch_slot.js';
import { CHANNELS, readExample } from './image_example.js';
import { scaleImagesInto } from './preprocessing.js';

/** A file to decode; the reply is `{ id, image }` or `{ id, failure }`. */
export interface DecodeRequest {
  type: 'decode';
  id: number;
  file: string;
}

/** Examples of a batch: each `file` goes to row `row` of the slot, at `[height, width]`, scaled by `mean` and `std`. */
export interface FillRequest {
  type: 'fill';
  buffers: SlotBuffers;
  items: { file: string; row: number }[];
  height: number;
  width: number;
  mean: number;
  std: number;
}

/** Finish the requests in hand, then exit (never cut off mid-decode: libvips must not be torn down while it works). */
export interface CloseRequest {
  type: 'close';
}

export type WorkerRequest = DecodeRequest | FillRequest | CloseRequest;

/** Examples decoded at once by one worker: sharp runs each on a thread of libuv's pool. */
const IN_FLIGHT = 2;

async function fill(r: FillRequest): Promise<void> {
  const floats = new Float32Array(r.buffers.floats);
  const units = CHANNELS * r.height * r.width;
  let next = 0;
  const run = async (): Promise<void> => {
    for (let k = next++; k < r.items.length; k = next++) {
      const { file, row } = r.items[k];
      let failure: SlotFailure | null = null;
      try {
        scaleImagesInto(r, await readExample(file, r.height, r.width), floats, row * units);
      } catch (e) {
        failure = failureOf(file, e);
      }
      finishExample(r.buffers, failure);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, run));
}

async function decode(r: DecodeRequest): Promise<void> {
  try {
    const image = await readImageAsync(r.file, CHANNELS);
    parentPort!.postMessage({ id: r.id, image }, [image.data.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id: r.id, failure: failureOf(r.file, e) });
  }
}

/** Requests in hand, and whether the pool asked this worker to close. */
let active = 0;
let closing = false;

/** Runs a request, closing the port after the last one once asked to close. */
async function serve(r: DecodeRequest | FillRequest): Promise<void> {
  active++;
  try {
    await (r.type === 'fill' ? fill(r) : decode(r));
  } finally {
    if (--active === 0 && closing) parentPort!.close();
  }
}

if (parentPort !== null) {
  await loadSharp();
  parentPort.on('message', (r: WorkerRequest) => {
    if (r.type !== 'close') return void serve(r);
    closing = true;
    if (active === 0) parentPort!.close();
  });
  parentPort.postMessage({ ready: true });
}
