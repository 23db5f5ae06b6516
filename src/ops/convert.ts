/** Dtype conversion and copying tensor data out to JavaScript. */
import { viewOf } from '../core/dispatch.js';
import type { AnyTypedArray, DType } from '../base/dtype.js';
import { formatShape, numel } from '../base/shape.js';
import type { NestedArray, Tensor } from '../core/tensor.js';
import { apply } from './apply.js';

/** `x` itself when it already has `dtype`, else a converted copy (float→int truncates toward zero). */
export function castTo(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  return copy(x, dtype, 'Cast');
}

/** A contiguous copy of x converted to `dtype` (the copy kernel), not recorded. */
function copy(x: Tensor, dtype: DType, name: string): Tensor {
  return apply({ name, kind: 'copy', inputs: [x], out: { shape: x.shape, dtype }, args(out) { return { x: viewOf(x), out: viewOf(out) }; } });
}

/** `x.to(dtype)`: a copy when the dtype changes; gradients flow through float→float only. */
export function toDType(x: Tensor, dtype: DType): Tensor {
  x.assertAlive();
  if (x.dtype === dtype) return x;
  return castTo(x, dtype);
}

/** The elements in row-major order, as a fresh typed array. */
export function dataSync(x: Tensor): AnyTypedArray {
  x.assertAlive();
  const n = numel(x.shape);
  if (x.isContiguous()) return x.storage.backend.read(x.storage.handle, x.dtype, x.offset, n);
  const c = contiguousCopy(x);
  const data = c.storage.backend.read(c.storage.handle, c.dtype, 0, n);
  c.dispose();
  return data;
}

export async function data(x: Tensor): Promise<AnyTypedArray> {
  x.assertAlive();
  const n = numel(x.shape);
  if (x.isContiguous()) return x.storage.backend.readAsync(x.storage.handle, x.dtype, x.offset, n);
  const c = contiguousCopy(x);
  try {
    return await c.storage.backend.readAsync(c.storage.handle, c.dtype, 0, n);
  } finally {
    c.dispose();
  }
}

/** A contiguous copy, not recorded by autograd. */
export function contiguousCopy(x: Tensor): Tensor {
  return copy(x, x.dtype, 'Copy');
}

function elementToJs(v: number | bigint | boolean, dtype: DType): number | boolean {
  if (dtype === 'bool') return v !== 0;
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

/** Nested arrays of numbers (booleans for bool tensors); a 0-d tensor gives a number. */
export function toArray(x: Tensor): NestedArray {
  const flat = dataSync(x);
  const shape = x.shape;
  if (shape.length === 0) return elementToJs(flat[0], x.dtype);
  let pos = 0;
  const build = (d: number): NestedArray[] => {
    const out: NestedArray[] = new Array(shape[d]);
    for (let i = 0; i < shape[d]; i++) {
      out[i] = d === shape.length - 1 ? elementToJs(flat[pos++], x.dtype) : build(d + 1);
    }
    return out;
  };
  return build(0);
}

/** The single value of a one-element tensor. */
export function item(x: Tensor): number {
  if (numel(x.shape) !== 1) {
    throw new Error(`item: a tensor with ${numel(x.shape)} elements (shape ${formatShape(x.shape)}) cannot be converted to a number`);
  }
  const v = dataSync(x)[0];
  return typeof v === 'bigint' ? Number(v) : v;
}

/** Differentiable copy to a contiguous layout (used by `contiguous` and `clone`). */
export function copyRecorded(x: Tensor, name: string): Tensor {
  return apply({
    name, kind: 'copy', inputs: [x], out: { shape: x.shape, dtype: x.dtype },
    args(out) { return { x: viewOf(x), out: viewOf(out) }; },
    gradient() { return { saved: [], backward: (g) => [g] }; },
  });
}
