/**
 * The single path from the front end to a backend: allocate outputs, describe tensors as views,
 * run kernels (falling back to the host for ops the backend does not run). Nothing above this
 * file talks to a backend directly.
 */
import type { Backend } from '../backends/backend.js';
import { opQueryOf, type OpArgs, type OpKind, type View } from '../backends/ops.js';
import { getBackend } from '../backends/select.js';
import { BYTES_PER_ELEMENT, type DType } from '../base/dtype.js';
import { contiguousStrides, formatShape, numel, type Shape } from '../base/shape.js';
import { runOnHost } from './host_fallback.js';
import { Storage } from './storage.js';
import { backendSupports } from './support_cache.js';
import { Tensor } from './tensor.js';

/** A new contiguous tensor with unspecified contents. */
export function emptyTensor(shape: Shape, dtype: DType, backend: Backend = getBackend()): Tensor {
  const n = numel(shape);
  if (!Number.isSafeInteger(n) || n * BYTES_PER_ELEMENT[dtype] > 2 ** 40) {
    throw new RangeError(`cannot allocate a tensor of shape ${formatShape(shape)} (${n} elements of ${dtype})`);
  }
  const storage = Storage.create(backend, Math.max(1, n) * BYTES_PER_ELEMENT[dtype]);
  return new Tensor(storage, [...shape], contiguousStrides(shape), 0, dtype);
}

/** The kernel-contract description of a tensor. */
export function viewOf(t: Tensor): View {
  t.assertAlive();
  return { buffer: t.storage.handle, dtype: t.dtype, shape: t.shape, strides: t.strides, offset: t.offset };
}

/** A view of `t` with other shape/strides (for broadcasting an input inside a kernel call). */
export function viewAs(t: Tensor, shape: Shape, strides: readonly number[]): View {
  t.assertAlive();
  return { buffer: t.storage.handle, dtype: t.dtype, shape, strides, offset: t.offset };
}

/**
 * Run one kernel on the backend that holds the tensors: on the backend itself when it supports
 * the op and takes these arguments, else through the host fallback (reference kernels).
 */
export function runKernel<K extends OpKind>(backend: Backend, kind: K, args: OpArgs[K]): void {
  if ((backend.runChecksSupport === true || backendSupports(backend, kind, args)) && backend.run(kind, args)) return;
  runOnHost(backend, kind, args, opQueryOf(kind, args));
}

/** The backend shared by all `tensors`; mixing backends is an error naming the op. */
export function commonBackend(op: string, ...tensors: readonly Tensor[]): Backend {
  const backend = tensors[0].storage.backend;
  for (const t of tensors) {
    if (t.storage.backend !== backend) {
      throw new Error(`${op}: expected all tensors to be on the same backend, found ${backend.name} and ${t.storage.backend.name}`);
    }
  }
  return backend;
}
