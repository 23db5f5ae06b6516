/**
 * The backend contract. A backend owns memory (opaque buffer handles) and runs the kernels of
 * `OpArgs` on views of that memory. It is deliberately small — allocate, free, copy in, copy
 * out, run, synchronize, supportsOp — so that a device backend (CUDA, asynchronous on a stream)
 * fits it without changes to the tensor front end:
 * - `run` may enqueue work and return before it finishes;
 * - `read` is the only place results come back to the host, and it waits for pending work;
 * - `readAsync` lets callers overlap that wait with other JavaScript work.
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
  /** Run (or enqueue) one kernel. */
  run<K extends OpKind>(kind: K, args: OpArgs[K]): void;
  /** Whether `run` handles this op natively; the front end routes others to the reference kernels. */
  supportsOp(query: OpQuery): boolean;
  /** Wait until all enqueued work is done. */
  synchronize(): void;
  /** Memory accounting for `dl.memory()`. */
  memoryStats(): MemoryStats;
  /** Release cached free buffers back to the system. */
  emptyCache(): void;
}

/**
 * A backend whose buffers live in host memory can lend them as typed arrays without copying.
 * The reference kernels then run directly on its memory, which is how the CPU backend falls back
 * for ops it does not implement natively.
 */
export interface HostMemoryBackend extends Backend {
  hostArray(buffer: BufferHandle, dtype: DType): AnyTypedArray;
}
