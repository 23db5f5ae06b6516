/** Copy-out helpers shared by the backends whose buffers live in host memory. */
import type { AnyTypedArray, DType } from '../base/dtype.js';
import type { HostMemoryBackend } from './backend.js';
import type { BufferHandle } from './ops.js';

/** A copy of `length` elements of `dtype` from element `offset`, bounds-checked against the buffer. */
export function readHostBuffer(backend: HostMemoryBackend, buffer: BufferHandle, dtype: DType, offset: number, length: number): AnyTypedArray {
  const whole = backend.hostArray(buffer, dtype);
  if (!(Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 && offset + length <= whole.length)) {
    throw new RangeError(`${backend.name} backend: reading ${length} ${dtype} elements at ${offset} overruns buffer ${buffer} of ${whole.length}`);
  }
  return whole.slice(offset, offset + length);
}

/** `read` as a promise: host memory is ready as soon as `run` returns. */
export function readHostBufferAsync(backend: HostMemoryBackend, buffer: BufferHandle, dtype: DType, offset: number, length: number): Promise<AnyTypedArray> {
  try {
    return Promise.resolve(readHostBuffer(backend, buffer, dtype, offset, length));
  } catch (e) {
    return Promise.reject(e);
  }
}
