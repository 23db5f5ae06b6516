/**
 * Indexing kernels with torch's semantics: gather, scatter_add_, index_select and index_add_.
 * Index tensors are int32 or int64; a negative or too-large index is a RangeError. The two
 * in-place kernels check every index before writing anything, so a bad index leaves `out` as it
 * was.
 */
import type { OpArgs, View } from '../ops.js';
import { binaryElementFunction } from './element_functions.js';
import { slots, StridedWalker, withoutDim, type ArrayOf, type Slots, type KernelTable } from './strided.js';

/** Size and stride of `dim` (a rank-0 view acts as one element along dim 0). */
function along(view: View, dim: number): { size: number; stride: number } {
  return view.shape.length === 0 ? { size: 1, stride: 0 } : { size: view.shape[dim], stride: view.strides[dim] };
}

/** The index stored at `offset`, checked against a dim of size `size`. */
function indexAt(index: Slots, offset: number, dim: number, size: number): number {
  const raw = index[offset];
  const v = Number(raw);
  if (!(v >= 0 && v < size)) throw new RangeError(`index ${raw} is out of bounds for dimension ${dim} with size ${size}`);
  return v;
}

/** Checks every element of an index view before an in-place kernel writes anything. */
function checkAll(index: View, ix: Slots, dim: number, size: number): void {
  const w = new StridedWalker(index.shape, [index]);
  for (let i = 0; i < w.size; i++, w.next()) indexAt(ix, w.offsets[0], dim, size);
}

/** out[p] = x[p with p[dim] replaced by index[p]], over index's shape (torch.gather). */
export function gatherKernel({ x, dim, index, out }: OpArgs['gather'], arrayOf: ArrayOf): void {
  const ix = slots(arrayOf(index));
  const src = slots(arrayOf(x));
  const dst = slots(arrayOf(out));
  const { size, stride } = along(x, dim);
  const w = new StridedWalker(index.shape, [index, out, withoutDim(x, dim)]);
  const o = w.offsets;
  for (let i = 0; i < w.size; i++, w.next()) dst[o[1]] = src[o[2] + indexAt(ix, o[0], dim, size) * stride];
}

/** out[p with p[dim] replaced by index[p]] += src[p], over index's shape (scatter_add_). */
export function scatterAddKernel({ out, dim, index, src }: OpArgs['scatterAdd'], arrayOf: ArrayOf): void {
  const ix = slots(arrayOf(index));
  const s = slots(arrayOf(src));
  const dst = slots(arrayOf(out));
  const { size, stride } = along(out, dim);
  checkAll(index, ix, dim, size);
  const add = binaryElementFunction('add', out.dtype);
  const w = new StridedWalker(index.shape, [index, src, withoutDim(out, dim)]);
  const o = w.offsets;
  for (let i = 0; i < w.size; i++, w.next()) {
    const at = o[2] + indexAt(ix, o[0], dim, size) * stride;
    dst[at] = add(dst[at], s[o[1]]);
  }
}

/** out = x.index_select(dim, index): out[p] = x[p with p[dim] replaced by index[p[dim]]]. */
export function indexSelectKernel({ x, dim, index, out }: OpArgs['indexSelect'], arrayOf: ArrayOf): void {
  const ix = slots(arrayOf(index));
  const src = slots(arrayOf(x));
  const dst = slots(arrayOf(out));
  const { size, stride } = along(x, dim);
  const indexStride = index.shape.length === 0 ? 0 : index.strides[0];
  const w = new StridedWalker(out.shape, [out, withoutDim(x, dim)]);
  const o = w.offsets;
  for (let i = 0; i < w.size; i++, w.next()) {
    const k = w.coords[dim] ?? 0;
    dst[o[0]] = src[o[1] + indexAt(ix, index.offset + k * indexStride, dim, size) * stride];
  }
}

/** out[p with p[dim] replaced by index[p[dim]]] += src[p], over src's shape (index_add_). */
export function indexAddKernel({ out, dim, index, src }: OpArgs['indexAdd'], arrayOf: ArrayOf): void {
  const ix = slots(arrayOf(index));
  const s = slots(arrayOf(src));
  const dst = slots(arrayOf(out));
  const { size, stride } = along(out, dim);
  checkAll(index, ix, dim, size);
  const indexStride = index.shape.length === 0 ? 0 : index.strides[0];
  const add = binaryElementFunction('add', out.dtype);
  const w = new StridedWalker(src.shape, [src, withoutDim(out, dim)]);
  const o = w.offsets;
  for (let i = 0; i < w.size; i++, w.next()) {
    const k = w.coords[dim] ?? 0;
    const at = o[1] + indexAt(ix, index.offset + k * indexStride, dim, size) * stride;
    dst[at] = add(dst[at], s[o[0]]);
  }
}

/** This family's kernels, by op kind. */
export const INDEX_KERNELS: KernelTable<'gather' | 'scatterAdd' | 'indexSelect' | 'indexAdd'> = { gather: gatherKernel, scatterAdd: scatterAddKernel, indexSelect: indexSelectKernel, indexAdd: indexAddKernel };
