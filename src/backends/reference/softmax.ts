/**
 * Softmax and log-softmax along one dim, in double, shifted by each row's max so exp never
 * overflows. The shift also gives PyTorch's answers at the edges without special cases: a row
 * of all −∞ computes exp(−∞ − −∞) = NaN, and a row holding +∞ or NaN makes its sum NaN and so
 * the whole row NaN.
 */
import type { OpArgs } from '../ops.js';
import { slots, StridedWalker, type ArrayOf, type KernelTable } from './strided.js';

/** out = softmax(x) or log_softmax(x) along `dim`. */
export function softmaxKernel({ x, dim, log, out }: OpArgs['softmax'], arrayOf: ArrayOf): void {
  const rank = x.shape.length;
  const d = dim < 0 ? dim + rank : dim;
  const n = rank === 0 ? 1 : x.shape[d];
  const xStep = rank === 0 ? 0 : x.strides[d];
  const oStep = rank === 0 ? 0 : out.strides[d];
  const src = slots(arrayOf(x));
  const dst = slots(arrayOf(out));
  // One walk position per row: with `dim` of size 1 the walk moves along the other dims only.
  const rowShape = x.shape.map((size, i) => (i === d ? 1 : size));
  const rows = new StridedWalker(rowShape, [x, out]);
  for (let r = 0; r < rows.size; r++, rows.next()) {
    const xs = rows.offsets[0];
    const os = rows.offsets[1];
    let m = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = Number(src[xs + i * xStep]);
      if (v > m || v !== v) m = v; // once m is NaN nothing compares greater, so NaN sticks
    }
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(Number(src[xs + i * xStep]) - m);
    if (log) {
      const logSum = Math.log(sum);
      for (let i = 0; i < n; i++) dst[os + i * oStep] = Number(src[xs + i * xStep]) - m - logSum;
    } else {
      for (let i = 0; i < n; i++) dst[os + i * oStep] = Math.exp(Number(src[xs + i * xStep]) - m) / sum;
    }
  }
}

/** This family's kernels, by op kind. */
export const SOFTMAX_KERNELS: KernelTable<'softmax'> = { softmax: softmaxKernel };
