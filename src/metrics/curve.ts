/**
 * The cumulative false/true positive counts behind ROC and precision-recall
 * curves, one point per distinct score from highest to lowest. Positives' and
 * negatives' scores are sorted separately with the native typed-array sort
 * and merged: O(n log n) and no comparator callbacks.
 */
import { MetricError, preview } from './errors.js';
import { pairwiseSum } from './sum.js';

/** Counts at each distinct threshold, thresholds decreasing. */
export interface ClfCurve {
  fps: Float64Array;
  tps: Float64Array;
  thresholds: Float64Array;
}

/** Builds the curve from the positives' and the negatives' scores (both are sorted in place). */
export function clfCurve(pos: Float64Array, neg: Float64Array): ClfCurve {
  pos.sort();
  neg.sort();
  const cap = pos.length + neg.length;
  const fps = new Float64Array(cap);
  const tps = new Float64Array(cap);
  const thresholds = new Float64Array(cap);
  let i = pos.length - 1;
  let j = neg.length - 1;
  let tp = 0;
  let fp = 0;
  let m = 0;
  while (i >= 0 || j >= 0) {
    const v = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
    while (i >= 0 && pos[i] === v) { tp++; i--; }
    while (j >= 0 && neg[j] === v) { fp++; j--; }
    fps[m] = fp;
    tps[m] = tp;
    thresholds[m] = v;
    m++;
  }
  return { fps: fps.subarray(0, m), tps: tps.subarray(0, m), thresholds: thresholds.subarray(0, m) };
}

/** Splits a score column into positives' and negatives' scores. */
export function splitScores(scores: Float64Array, isPositive: (i: number) => boolean, n: number, offset = 0, stride = 1): [Float64Array, Float64Array] {
  let nPos = 0;
  for (let i = 0; i < n; i++) if (isPositive(i)) nPos++;
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(n - nPos);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    const v = scores[offset + i * stride];
    if (isPositive(i)) pos[a++] = v; else neg[b++] = v;
  }
  return [pos, neg];
}

/**
 * The positive label of a binary `y_true` when none is given, as
 * scikit-learn: 1 when the labels are within {0, 1} or {-1, 1}.
 */
export function defaultPosLabel(metric: string, classes: readonly number[]): number {
  const ok = classes.every((c) => c === 0 || c === 1) || classes.every((c) => c === -1 || c === 1);
  if (!ok) {
    throw new MetricError(metric, `y_true takes values in ${preview(classes)} and pos_label is not specified: make y_true take values in {0, 1} or {-1, 1}, or pass posLabel`);
  }
  return 1;
}

/** Trapezoidal area under (x, y) with x non-decreasing, as numpy.trapz. */
export function trapezoid(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const parts = new Float64Array(Math.max(0, x.length - 1));
  for (let i = 1; i < x.length; i++) parts[i - 1] = ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return pairwiseSum(parts);
}
