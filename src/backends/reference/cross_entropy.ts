/**
 * Fused softmax cross-entropy over class indices and its gradient, in double:
 * loss_i = m_i + log Σ_c exp(x_ic − m_i) − x_i,t_i (m_i the row max), and
 * dx_ic = (softmax(x_i)_c − [c = t_i]) · g_i.
 */
import type { LossReduction, OpArgs, View } from '../ops.js';
import type { ArrayOf, KernelTable } from './strided.js';

/** The targets as numbers, each checked to lie in [0, C) before anything is written. */
function checkedTargets(target: View, C: number, arrayOf: ArrayOf): number[] {
  const data = arrayOf(target) as ArrayLike<number | bigint>;
  const out: number[] = [];
  for (let i = 0; i < target.shape[0]; i++) {
    const v = Number(data[target.offset + i * target.strides[0]]);
    if (!(v >= 0 && v < C)) throw new RangeError(`cross entropy: target ${v} is out of bounds for ${C} classes`);
    out.push(v);
  }
  return out;
}

/** Row i of x in double. */
function rowOf(x: View, xs: Float32Array, i: number): number[] {
  const row: number[] = [];
  for (let c = 0; c < x.shape[1]; c++) row.push(xs[x.offset + i * x.strides[0] + c * x.strides[1]]);
  return row;
}

/** max and Σ exp(x − max) of a row (a NaN anywhere makes both NaN). */
function shiftAndSum(row: number[]): { max: number; sum: number } {
  let max = -Infinity;
  for (const v of row) if (v > max || v !== v) max = v;
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  return { max, sum };
}

function checkShapes(x: View, target: View): void {
  if (x.shape.length !== 2 || target.shape.length !== 1 || target.shape[0] !== x.shape[0]) {
    throw new Error('crossEntropy: expected logits [N, C] and targets [N]');
  }
}

export function crossEntropyKernel({ x, target, reduction, out }: OpArgs['crossEntropy'], arrayOf: ArrayOf): void {
  checkShapes(x, target);
  const [N, C] = x.shape;
  const t = checkedTargets(target, C, arrayOf);
  const xs = arrayOf(x) as Float32Array;
  const o = arrayOf(out) as Float32Array;
  let total = 0;
  for (let i = 0; i < N; i++) {
    const row = rowOf(x, xs, i);
    const { max, sum } = shiftAndSum(row);
    const loss = max + Math.log(sum) - row[t[i]];
    if (reduction === 'none') o[out.offset + i * out.strides[0]] = loss;
    total += loss;
  }
  if (reduction !== 'none') o[out.offset] = reduction === 'mean' ? total / N : total;
}

export function crossEntropyBackwardKernel({ x, target, grad, reduction, out }: OpArgs['crossEntropyBackward'], arrayOf: ArrayOf): void {
  checkShapes(x, target);
  const [N, C] = x.shape;
  const t = checkedTargets(target, C, arrayOf);
  const xs = arrayOf(x) as Float32Array;
  const gs = arrayOf(grad) as Float32Array;
  const o = arrayOf(out) as Float32Array;
  const scaleOf = (r: LossReduction, i: number): number =>
    r === 'none' ? gs[grad.offset + i * grad.strides[0]] : r === 'mean' ? gs[grad.offset] / N : gs[grad.offset];
  for (let i = 0; i < N; i++) {
    const row = rowOf(x, xs, i);
    const { max, sum } = shiftAndSum(row);
    const g = scaleOf(reduction, i);
    for (let c = 0; c < C; c++) {
      const p = Math.exp(row[c] - max) / sum;
      o[out.offset + i * out.strides[0] + c * out.strides[1]] = (p - (c === t[i] ? 1 : 0)) * g;
    }
  }
}

/** This family's kernels, by op kind. */
export const LOSS_KERNELS: KernelTable<'crossEntropy' | 'crossEntropyBackward'> = { crossEntropy: crossEntropyKernel, crossEntropyBackward: crossEntropyBackwardKernel };
