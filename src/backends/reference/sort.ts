/**
 * Stable sort along one dim. Each row's positions 0..n−1 are sorted by a comparator on the row's
 * values; Array.prototype.sort is stable (required since ES2019), so equal values keep their
 * order in both directions. NaN counts as larger than everything: last ascending, first
 * descending, as in torch.sort. ±0 compare equal.
 */
import { isFloating } from '../../base/dtype.js';
import type { OpArgs } from '../ops.js';
import { slots, StridedWalker, type ArrayOf, type Scalar, type KernelTable } from './strided.js';

/** Ascending order with NaN last; 0 for ties (which the stable sort then leaves in place). */
function compareAscending(a: Scalar, b: Scalar): number {
  if (a !== a) return b !== b ? 0 : 1;
  if (b !== b) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Writes the sorted values and their int64 source positions along `dim`. */
export function sortKernel({ x, dim, descending, values, indices }: OpArgs['sort'], arrayOf: ArrayOf): void {
  const rank = x.shape.length;
  const d = dim < 0 ? dim + rank : dim;
  const n = rank === 0 ? 1 : x.shape[d];
  const step = (view: { strides: readonly number[] }): number => (rank === 0 ? 0 : view.strides[d]);
  const [xStep, vStep, iStep] = [step(x), step(values), step(indices)];
  const src = slots(arrayOf(x));
  const outValues = slots(arrayOf(values));
  const outIndices = arrayOf(indices) as BigInt64Array;
  // Only floats can hold NaN; integers compare directly (bigints exactly, for int64).
  const ascending = isFloating(x.dtype) ? compareAscending : (a: Scalar, b: Scalar) => (a < b ? -1 : a > b ? 1 : 0);
  const row: Scalar[] = new Array<Scalar>(n);
  const order: number[] = new Array<number>(n);
  const byValue = descending
    ? (i: number, j: number) => ascending(row[j], row[i])
    : (i: number, j: number) => ascending(row[i], row[j]);
  const rowShape = x.shape.map((size, i) => (i === d ? 1 : size));
  const rows = new StridedWalker(rowShape, [x, values, indices]);
  const o = rows.offsets;
  for (let r = 0; r < rows.size; r++, rows.next()) {
    for (let i = 0; i < n; i++) {
      row[i] = src[o[0] + i * xStep];
      order[i] = i;
    }
    order.sort(byValue);
    for (let i = 0; i < n; i++) {
      outValues[o[1] + i * vStep] = row[order[i]];
      outIndices[o[2] + i * iStep] = BigInt(order[i]);
    }
  }
}

/** This family's kernels, by op kind. */
export const SORT_KERNELS: KernelTable<'sort'> = { sort: sortKernel };
