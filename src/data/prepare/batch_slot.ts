/**
 * The shared memory of one batch decoded by worker threads: its float32 examples, a count of the
 * examples finished and the first failure. The training loop is synchronous (each step takes its
 * batch inside `tidy`), so the main thread waits for a batch with `Atomics.wait` instead of an
 * event: the workers write the examples into this memory and count each one with
 * `Atomics.add` + `Atomics.notify`. Both sides use this file, so the layout is stated once.
 */
import { DataError, dataErrorDetail } from '../errors.js';

/** The buffers a worker writes (structured-cloned as shared memory, not copied). */
export interface SlotBuffers {
  floats: SharedArrayBuffer;
  control: SharedArrayBuffer;
  message: SharedArrayBuffer;
}

/** A failed example: a DataError's file and detail, or another error's message (a bug). */
export interface SlotFailure {
  file: string;
  detail: string;
  dataError: boolean;
}

/** How an error crosses the thread boundary: a DataError's file and detail, or a bug's stack. */
export function failureOf(file: string, e: unknown): SlotFailure {
  if (e instanceof DataError) return { file: e.file, detail: dataErrorDetail(e), dataError: true };
  return { file, detail: (e as Error)?.stack ?? String(e), dataError: false };
}

/** The error a failure stands for on the main thread: the DataError naming the file, or a bug's Error. */
export function errorOfFailure(f: SlotFailure): Error {
  return f.dataError ? new DataError(f.file, undefined, undefined, f.detail) : new Error(`decoding ${f.file}: ${f.detail}`);
}

/** control[DONE]: examples finished (written or failed); control[FAILED]: bytes of the failure message, 0 when none. */
const DONE = 0;
const FAILED = 1;
const MESSAGE_BYTES = 8192;

/** Milliseconds without a finished example after which waiting is an error (a worker died). */
const STALL_MS = 120_000;

/** One batch's shared memory, as the main thread sees it. */
export class BatchSlot {
  readonly buffers: SlotBuffers;
  readonly floats: Float32Array;
  private readonly control: Int32Array;

  /** Room for `capacity` examples of `units` values each. */
  constructor(readonly capacity: number, readonly units: number) {
    this.buffers = {
      floats: new SharedArrayBuffer(capacity * units * 4),
      control: new SharedArrayBuffer(8),
      message: new SharedArrayBuffer(MESSAGE_BYTES),
    };
    this.floats = new Float32Array(this.buffers.floats);
    this.control = new Int32Array(this.buffers.control);
  }

  /** Clears the counts before the slot is handed to the workers again. */
  reset(): void {
    Atomics.store(this.control, DONE, 0);
    Atomics.store(this.control, FAILED, 0);
  }

  /**
   * Blocks until `count` examples are finished. @throws Error when none finishes for
   * {@link STALL_MS} (a worker that died cannot say so to a blocked thread).
   */
  wait(count: number): void {
    let last = Atomics.load(this.control, DONE);
    let since = performance.now();
    while (last < count) {
      Atomics.wait(this.control, DONE, last, 1000);
      const now = Atomics.load(this.control, DONE);
      if (now !== last) { last = now; since = performance.now(); continue; }
      if (performance.now() - since > STALL_MS) throw new Error(`image decoding stalled: no image decoded for ${STALL_MS / 1000} s (a decode worker stopped)`);
    }
  }

  /** The first failure among the finished examples, as the error to raise; null when none failed. */
  failure(): Error | null {
    const length = Atomics.load(this.control, FAILED);
    if (length === 0) return null;
    let f: SlotFailure;
    try {
      f = JSON.parse(new TextDecoder().decode(new Uint8Array(this.buffers.message).slice(0, length))) as SlotFailure;
    } catch {
      return new Error('a decode worker failed; its message did not fit the shared buffer');
    }
    return errorOfFailure(f);
  }
}

/**
 * Worker side: marks one example of the slot finished, recording `failure` when it is the first.
 * The failure is written before the count, so a woken main thread sees it.
 */
export function finishExample(buffers: SlotBuffers, failure: SlotFailure | null): void {
  const control = new Int32Array(buffers.control);
  if (failure !== null) {
    const short = { ...failure, file: failure.file.slice(0, 1500), detail: failure.detail.slice(0, 600) }; // ≤ 3 UTF-8 bytes a character, JSON escapes aside: < MESSAGE_BYTES
    const bytes = new TextEncoder().encode(JSON.stringify(short)).subarray(0, MESSAGE_BYTES);
    // the first failure wins: claim the message area with a placeholder length, then fill it
    if (Atomics.compareExchange(control, FAILED, 0, -1) === 0) {
      new Uint8Array(buffers.message).set(bytes);
      Atomics.store(control, FAILED, bytes.length);
    }
  }
  Atomics.add(control, DONE, 1);
  Atomics.notify(control, DONE);
}
