/**
 * The backend contract. A backend owns memory (opaque buffer handles) and runs the kernels of
 * `OpArgs` on views of that memory. It is deliberately small — allocate, free, copy in, copy
 * out, run, synchronize, supportsOp — so that a device backend (CUDA, asynchronous on a stream)
 * fits it without changes to the tensor front end:
 * - `run` may enqueue work and return before it finishes;
 * - `read` is the only place results come back to the host, and it waits for pending work;
 * - `readAsync` lets callers overlap that wait with other JavaScript work;
 * - a backend need not implement every op: what `supportsOp` refuses or `run` declines runs
 *   on the reference kernels through the front end's host fallback.
 */
import type { AnyTypedArray, DType } from '../base/dtype.js';
import type { BufferHandle, OpArgs, OpKind, OpQuery } from './ops.js';

export type DeviceType = 'cpu' | 'cuda';

export interface MemoryStats {
  /** Buffers handed out and not yet freed. */
  liveBuffers: number;
  /** Bytes in those buffers (requested sizes). */
  liveBytes: number;
  /** Bytes held by the size-bucketed cache for reuse. */
  cachedBytes: number;
}

export interface Backend {
  /** Short name used in messages and tests: `cpu`, `reference`, `cuda`. */
  readonly name: string;
  /** The device type tensors on this backend report. */
  readonly deviceType: DeviceType;

  /** Allocate `bytes` bytes (contents unspecified). */
  allocate(bytes: number): BufferHandle;
  /** Return a buffer; its handle becomes invalid. */
  free(buffer: BufferHandle): void;
  /** Copy host data into the buffer starting at element `offset` (of `data`'s element type). */
  write(buffer: BufferHandle, data: AnyTypedArray, offset: number): void;
  /** Copy `length` elements of `dtype` starting at element `offset` out to a new host array. */
  read(buffer: BufferHandle, dtype: DType, offset: number, length: number): AnyTypedArray;
  /** Like `read`, without blocking the event loop on device work. */
  readAsync(buffer: BufferHandle, dtype: DType, offset: number, length: number): Promise<AnyTypedArray>;
  /**
   * Run (or enqueue) one kernel, or decline it. The front end calls `run` only for ops that
   * `supportsOp` accepts (unless `runChecksSupport`); `run` returns false — before writing
   * anything — when it cannot take
   * these particular arguments (a rank above a native limit, an offset it cannot encode, a
   * dtype combination such as a converting `copy`), and the front end then runs the op through
   * its host fallback (`core/host_fallback.ts`). True means the op ran or is enqueued.
   */
  run<K extends OpKind>(kind: K, args: OpArgs[K]): boolean;
  /**
   * Whether `run` implements this (kind, sub-op, compute dtype) at all; the front end routes
   * the others through the host fallback (copy out, reference kernel, copy back), so a new
   * backend may start with a handful of ops. The front end caches the answers per backend, so
   * the same query must always get the same answer.
   */
  supportsOp(query: OpQuery): boolean;
  /**
   * True when `run` itself returns false, before doing anything, for every query `supportsOp`
   * refuses (the CPU addon re-checks the exact dtypes it receives). The front end then skips
   * asking `supportsOp` before each `run`, which saves a lookup on every op; left unset, it asks.
   */
  readonly runChecksSupport?: boolean;
  /**
   * Present only on backends whose buffers live in host memory: the whole buffer as a typed
   * array of `dtype` sharing its memory. The host fallback then runs the reference kernels on
   * the backend's memory directly instead of copying it out and back.
   */
  hostArray?(buffer: BufferHandle, dtype: DType): AnyTypedArray;
  /** Wait until all enqueued work is done. */
  synchronize(): void;
  /** Memory accounting for `dl.memory()`. */
  memoryStats(): MemoryStats;
  /** Release cached free buffers back to the system. */
  emptyCache(): void;
}

/**
 * A backend whose buffers live in host memory lends them as typed arrays without copying, so
 * its host fallback is zero-copy (the CPU backend for ops without a native kernel).
 */
export interface HostMemoryBackend extends Backend {
  hostArray(buffer: BufferHandle, dtype: DType): AnyTypedArray;
}
