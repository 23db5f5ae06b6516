/**
 * How a collective reaches a tensor's memory. On the native CPU backend the MPI call gets the
 * buffer's handle (the addon resolves it, zero copy); on another host-memory backend
 * (`reference`) the buffer's typed array; on any other backend a host copy that is written
 * back when the collective is done. Typed arrays are passed as they are.
 */
import { describeValue } from '../base/options.js';
import { formatShape } from '../base/shape.js';
import { CpuBackend } from '../backends/cpu/cpu_backend.js';
import { isTensor, type Tensor } from '../core/tensor.js';
import type { CollectiveData } from './process_group.js';

export type CollectiveDType = 'float32' | 'int32';

/** A collective's view of one tensor or array: what the native call takes, and what to do after. */
export interface NativeSpan {
  /** An addon buffer handle or a typed array. */
  readonly buffer: number | Float32Array | Int32Array;
  /** Element offset into `buffer`. */
  readonly offset: number;
  readonly count: number;
  readonly dtype: CollectiveDType;
  /** Called once the collective is done: writes a staging copy back, marks the tensor as modified, lets its memory go. */
  finish(wrote: boolean): void;
}

/** A tensor's or array's shape as messages say it. */
export function describeData(d: CollectiveData): string {
  if (isTensor(d)) return `${d.dtype} tensor of shape ${formatShape(d.shape)}`;
  return `${d.constructor.name} of length ${d.length}`;
}

/** The element type of a tensor or array, checked: float32 or int32 only. */
export function dataDType(d: CollectiveData, what: string): CollectiveDType {
  if (d instanceof Float32Array) return 'float32';
  if (d instanceof Int32Array) return 'int32';
  if (!isTensor(d)) throw new TypeError(`${what}: expected a Tensor, Float32Array or Int32Array, got ${describeValue(d)}`);
  if (d.dtype !== 'float32' && d.dtype !== 'int32') {
    throw new TypeError(`${what}: collectives take float32 or int32 tensors, got one of dtype ${d.dtype} and shape ${formatShape(d.shape)}`);
  }
  return d.dtype;
}

/** The number of elements of a tensor or array. */
export function dataLength(d: CollectiveData): number {
  return isTensor(d) ? d.numel() : d.length;
}


/**
 * The span of `d` for a native collective. `d` must be alive and contiguous; while the span
 * is open the tensor's storage is retained, so disposing the tensor mid-collective cannot
 * hand its memory to another tensor.
 */
export function openSpan(d: CollectiveData, what: string): NativeSpan {
  const dtype = dataDType(d, what);
  if (!isTensor(d)) return { buffer: d, offset: 0, count: d.length, dtype, finish: () => {} };
  const t: Tensor = d;
  if (t.isDisposed) throw new Error(`${what}: the tensor was disposed`);
  if (!t.isContiguous()) {
    throw new Error(`${what}: collectives work in place on contiguous tensors; this one has shape ` +
      `${formatShape(t.shape)} and strides ${formatShape(t.strides)} (call .contiguous() and use the copy)`);
  }
  const storage = t.storage;
  const backend = storage.backend;
  const count = t.numel();
  storage.retain();
  const release = (wrote: boolean): void => {
    if (wrote) storage.version++; // autograd's saved-tensor check sees the in-place write
    storage.releaseRef();
  };
  if (backend instanceof CpuBackend) {
    return { buffer: storage.handle, offset: t.offset, count, dtype, finish: release };
  }
  if (backend.hostArray !== undefined) {
    const whole = backend.hostArray(storage.handle, dtype) as Float32Array | Int32Array;
    return { buffer: whole, offset: t.offset, count, dtype, finish: release };
  }
  const staging = backend.read(storage.handle, dtype, t.offset, count) as Float32Array | Int32Array;
  return {
    buffer: staging, offset: 0, count, dtype,
    finish: (wrote) => {
      if (wrote && !storage.freed) backend.write(storage.handle, staging, t.offset);
      release(wrote);
    },
  };
}

/** A new typed array of `dtype`. */
export function newArray(dtype: CollectiveDType, length: number): Float32Array | Int32Array {
  return dtype === 'float32' ? new Float32Array(length) : new Int32Array(length);
}

/** Copies `d`'s elements into `dst` at `at` (d contiguous, checked by the caller's openSpan rules). */
export function copyOut(d: CollectiveData, dst: Float32Array | Int32Array, at: number, what: string): void {
  if (!isTensor(d)) {
    dst.set(d, at);
    return;
  }
  const span = openSpan(d, what);
  try {
    const src = d.storage.backend.read(d.storage.handle, span.dtype, d.offset, span.count) as Float32Array | Int32Array;
    dst.set(src, at);
  } finally {
    span.finish(false);
  }
}

/** Writes `src` into `d` (all of it; lengths checked by the caller). */
export function copyIn(d: CollectiveData, src: Float32Array | Int32Array, what: string): void {
  if (!isTensor(d)) {
    d.set(src);
    return;
  }
  const span = openSpan(d, what);
  try {
    d.storage.backend.write(d.storage.handle, src, d.offset);
  } finally {
    span.finish(true);
  }
}
