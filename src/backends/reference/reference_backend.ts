/**
 * The reference backend: buffers are ArrayBuffers in host memory, kernels are the plain
 * TypeScript ones of `kernels.ts`. Everything runs synchronously, so `synchronize` has nothing
 * to wait for and `readAsync` resolves at once.
 */
import { readHostBuffer, readHostBufferAsync } from '../host_memory.js';
import { BYTES_PER_ELEMENT, typedArrayOver, type AnyTypedArray, type DType } from '../../base/dtype.js';
import type { HostMemoryBackend, MemoryStats } from '../backend.js';
import type { BufferHandle, OpArgs, OpKind, OpQuery } from '../ops.js';
import { runReferenceKernel } from './kernels.js';

/** The widest element (int64): buffers are padded to a multiple of it so every dtype fits. */
const ALIGN = 8;

interface HostBuffer {
  readonly memory: ArrayBuffer;
  /** The size that was asked for (what memoryStats reports). */
  readonly bytes: number;
}

export class ReferenceBackend implements HostMemoryBackend {
  readonly name = 'reference';
  readonly deviceType = 'cpu' as const;
  private readonly buffers = new Map<BufferHandle, HostBuffer>();
  private nextHandle = 1;
  private liveBytes = 0;

  /** A zeroed buffer of `bytes` bytes. */
  allocate(bytes: number): BufferHandle {
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`reference backend: cannot allocate ${bytes} bytes`);
    const handle = this.nextHandle++;
    const padded = Math.ceil(bytes / ALIGN) * ALIGN;
    this.buffers.set(handle, { memory: new ArrayBuffer(padded), bytes });
    this.liveBytes += bytes;
    return handle;
  }

  free(buffer: BufferHandle): void {
    const b = this.lookup(buffer);
    this.buffers.delete(buffer);
    this.liveBytes -= b.bytes;
  }

  /** The whole buffer as the typed array of `dtype`, sharing its memory. */
  hostArray(buffer: BufferHandle, dtype: DType): AnyTypedArray {
    const { memory } = this.lookup(buffer);
    return typedArrayOver(dtype, memory, 0, memory.byteLength / BYTES_PER_ELEMENT[dtype]);
  }

  write(buffer: BufferHandle, data: AnyTypedArray, offset: number): void {
    const { memory } = this.lookup(buffer);
    const bytesPer = data.BYTES_PER_ELEMENT;
    if (offset < 0 || (offset + data.length) * bytesPer > memory.byteLength) {
      throw new RangeError(`reference backend: writing ${data.length} elements at ${offset} overruns buffer ${buffer}`);
    }
    new Uint8Array(memory, offset * bytesPer, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  read(buffer: BufferHandle, dtype: DType, offset: number, length: number): AnyTypedArray {
    return readHostBuffer(this, buffer, dtype, offset, length);
  }

  readAsync(buffer: BufferHandle, dtype: DType, offset: number, length: number): Promise<AnyTypedArray> {
    return readHostBufferAsync(this, buffer, dtype, offset, length);
  }

  /** Always runs: the reference kernels take every argument the contract allows. */
  run<K extends OpKind>(kind: K, args: OpArgs[K]): boolean {
    runReferenceKernel(kind, args, (view) => this.hostArray(view.buffer, view.dtype));
    return true;
  }

  /** Every op and dtype: this is the backend others fall back to. */
  supportsOp(_query: OpQuery): boolean {
    return true;
  }

  synchronize(): void { /* work is done when run returns */ }

  memoryStats(): MemoryStats {
    return { liveBuffers: this.buffers.size, liveBytes: this.liveBytes, cachedBytes: 0 };
  }

  emptyCache(): void { /* nothing is cached */ }

  private lookup(buffer: BufferHandle): HostBuffer {
    const b = this.buffers.get(buffer);
    if (!b) throw new Error(`reference backend: buffer ${buffer} is unknown or already freed`);
    return b;
  }
}
