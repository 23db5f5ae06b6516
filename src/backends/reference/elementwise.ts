/**
 * Elementwise kernels: fill, copy (with dtype conversion), unary, binary, binaryScalar, clamp
 * and where. Each is one strided walk over the output's shape; the per-element work is a
 * function chosen once per call by dtype (see `element_functions.ts`).
 */
import type { DType } from '../../base/dtype.js';
import type { BinaryOp, OpArgs, View } from '../ops.js';
import { castFunction, numberToDType } from './cast.js';
import {
  binaryElementFunction, binaryResultDType, unaryElementFunction, unaryResultDType,
  type BinaryElementFunction, type UnaryElementFunction,
} from './element_functions.js';
import { slots, StridedWalker, type ArrayOf, type Scalar, type KernelTable } from './strided.js';

/** Walks x and out together over `shape`, calling `body` with their element offsets. */
function forEachElement2(shape: readonly number[], x: View, out: View, body: (xi: number, oi: number) => void): void {
  const w = new StridedWalker(shape, [x, out]);
  const o = w.offsets;
  for (let i = 0; i < w.size; i++, w.next()) body(o[0], o[1]);
}

/** `f` followed by the conversion from `from` to `to` (f itself when they agree). */
function unaryThenCast(f: UnaryElementFunction, from: DType, to: DType): UnaryElementFunction {
  if (from === to) return f;
  const cast = castFunction(from, to);
  return (x) => cast(f(x));
}

/** `unaryThenCast` for a binary function. */
function binaryThenCast(f: BinaryElementFunction, from: DType, to: DType): BinaryElementFunction {
  if (from === to) return f;
  const cast = castFunction(from, to);
  return (a, b) => cast(f(a, b));
}

/** out[i] = value, converted to out's dtype. */
export function fillKernel({ out, value }: OpArgs['fill'], arrayOf: ArrayOf): void {
  const o = slots(arrayOf(out));
  const v = numberToDType(value, out.dtype);
  const w = new StridedWalker(out.shape, [out]);
  for (let i = 0; i < w.size; i++, w.next()) o[w.offsets[0]] = v;
}

/** out[i] = x[i] converted to out's dtype; both views may be strided. */
export function copyKernel({ x, out }: OpArgs['copy'], arrayOf: ArrayOf): void {
  const src = slots(arrayOf(x));
  const dst = slots(arrayOf(out));
  if (x.dtype === out.dtype) {
    forEachElement2(out.shape, x, out, (xi, oi) => { dst[oi] = src[xi]; });
    return;
  }
  const cast = castFunction(x.dtype, out.dtype);
  forEachElement2(out.shape, x, out, (xi, oi) => { dst[oi] = cast(src[xi]); });
}

/** out[i] = op(x[i]); out is x's dtype, or bool for predicates. */
export function unaryKernel({ op, x, out }: OpArgs['unary'], arrayOf: ArrayOf): void {
  const f = unaryThenCast(unaryElementFunction(op, x.dtype), unaryResultDType(op, x.dtype), out.dtype);
  const src = slots(arrayOf(x));
  const dst = slots(arrayOf(out));
  forEachElement2(out.shape, x, out, (xi, oi) => { dst[oi] = f(src[xi]); });
}

/** The element function for `op` on `dtype` inputs, delivering out's dtype. */
function binaryFor(op: BinaryOp, dtype: DType, out: View): BinaryElementFunction {
  return binaryThenCast(binaryElementFunction(op, dtype), binaryResultDType(op, dtype), out.dtype);
}

/** out[i] = a[i] op b[i] (broadcast already applied through strides). */
export function binaryKernel({ op, a, b, out }: OpArgs['binary'], arrayOf: ArrayOf): void {
  if (a.dtype !== b.dtype) throw new Error(`binary ${op}: operands must share a dtype, got ${a.dtype} and ${b.dtype}`);
  const f = binaryFor(op, a.dtype, out);
  const av = slots(arrayOf(a));
  const bv = slots(arrayOf(b));
  const dst = slots(arrayOf(out));
  const w = new StridedWalker(out.shape, [a, b, out]);
  const o = w.offsets;
  for (let i = 0; i < w.size; i++, w.next()) dst[o[2]] = f(av[o[0]], bv[o[1]]);
}

/** out[i] = a[i] op scalar, or scalar op a[i] when `reverse`; the scalar takes a's dtype. */
export function binaryScalarKernel({ op, a, scalar, reverse, out }: OpArgs['binaryScalar'], arrayOf: ArrayOf): void {
  const f = binaryFor(op, a.dtype, out);
  const s = numberToDType(scalar, a.dtype);
  const src = slots(arrayOf(a));
  const dst = slots(arrayOf(out));
  if (reverse) forEachElement2(out.shape, a, out, (ai, oi) => { dst[oi] = f(s, src[ai]); });
  else forEachElement2(out.shape, a, out, (ai, oi) => { dst[oi] = f(src[ai], s); });
}

/** A clamp bound in x's dtype; infinite bounds stay numbers (JS compares bigints with them). */
function clampBound(value: number, dtype: DType): Scalar {
  return Number.isFinite(value) ? numberToDType(value, dtype) : value;
}

/**
 * out = min(max(x, lo), hi): NaN in x stays NaN, a NaN bound makes everything NaN (as in
 * PyTorch), and lo > hi gives hi everywhere.
 */
export function clampKernel({ x, lo, hi, out }: OpArgs['clamp'], arrayOf: ArrayOf): void {
  const low = clampBound(lo, x.dtype);
  const high = clampBound(hi, x.dtype);
  const nanBound = Number.isNaN(lo) || Number.isNaN(hi);
  const cast = castFunction(x.dtype, out.dtype);
  const src = slots(arrayOf(x));
  const dst = slots(arrayOf(out));
  forEachElement2(out.shape, x, out, (xi, oi) => {
    let v = src[xi];
    if (nanBound) v = NaN;
    else if (v === v) { // skip NaN, which no comparison would move
      if (v < low) v = low;
      if (v > high) v = high;
    }
    dst[oi] = cast(v);
  });
}

/** out[i] = cond[i] ? a[i] : b[i]; cond is bool (any nonzero element counts as true). */
export function whereKernel({ cond, a, b, out }: OpArgs['where'], arrayOf: ArrayOf): void {
  const c = slots(arrayOf(cond));
  const av = slots(arrayOf(a));
  const bv = slots(arrayOf(b));
  const dst = slots(arrayOf(out));
  const castA = castFunction(a.dtype, out.dtype);
  const castB = castFunction(b.dtype, out.dtype);
  const w = new StridedWalker(out.shape, [cond, a, b, out]);
  const o = w.offsets;
  for (let i = 0; i < w.size; i++, w.next()) {
    const t = c[o[0]];
    dst[o[3]] = t !== 0 && t !== 0n ? castA(av[o[1]]) : castB(bv[o[2]]);
  }
}

/** This family's kernels, by op kind. */
export const ELEMENTWISE_KERNELS: KernelTable<'fill' | 'copy' | 'unary' | 'binary' | 'binaryScalar' | 'clamp' | 'where'> = { fill: fillKernel, copy: copyKernel, unary: unaryKernel, binary: binaryKernel, binaryScalar: binaryScalarKernel, clamp: clampKernel, where: whereKernel };
