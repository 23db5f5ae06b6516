/**
 * From model outputs to what metrics take: class scores (probabilities) and predicted labels
 * for classification, values for regression.
 */
import type { TrainTask } from './types.js';

/** Outputs of a whole split, row-major `[rows, cols]`. */
export interface Outputs {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** Probabilities per row and class: softmax over columns, or sigmoid of a single logit ([n, 2] as [1-p, p]). */
export function scoresOf(out: Outputs): Float64Array {
  const { data, rows, cols } = out;
  if (cols === 1) {
    const s = new Float64Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      const p = 1 / (1 + Math.exp(-data[i]));
      s[2 * i] = 1 - p;
      s[2 * i + 1] = p;
    }
    return s;
  }
  const s = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, data[i * cols + j]);
    let sum = 0;
    for (let j = 0; j < cols; j++) { const e = Math.exp(data[i * cols + j] - max); s[i * cols + j] = e; sum += e; }
    for (let j = 0; j < cols; j++) s[i * cols + j] /= sum;
  }
  return s;
}

/** Index of the largest score per row. */
export function argmaxRows(scores: Float64Array, rows: number): Float64Array {
  const cols = scores.length / rows;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let j = 1; j < cols; j++) if (scores[i * cols + j] > scores[i * cols + best]) best = j;
    out[i] = best;
  }
  return out;
}

/** Whether a task's outputs are class scores. */
export const isClassification = (task: TrainTask): boolean => task !== 'regression';
