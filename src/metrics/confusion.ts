/**
 * Confusion matrix: one counting pass over the samples.
 */
import { defineOptions, option, type OptionsInput } from '../base/options.js';
import { vectorPair, type VectorInput } from './input.js';
import { checkLabels, encode, uniqueLabels } from './labels.js';
import { LABELS_FIELD } from './options.js';

/** Counts of a confusion matrix, row = true class, column = predicted class. */
export interface ConfusionCounts {
  /** The class labels, in row/column order. */
  classes: number[];
  /** Whether the caller gave the labels (rather than taking those present). */
  labelsGiven: boolean;
  /** Number of classes. */
  k: number;
  /** Row-major `k × k` counts. */
  counts: Float64Array;
  /** Number of samples. */
  n: number;
}

/**
 * Counts (true, predicted) pairs. Labels default to the sorted union of both
 * inputs; a value outside given `labels` is an error (scikit-learn drops such
 * samples from the matrix silently; dlflow refuses instead).
 */
export function countConfusion(metric: string, yTrue: VectorInput, yPred: VectorInput, labels?: ArrayLike<number>): ConfusionCounts {
  const [t, p] = vectorPair(metric, yTrue, yPred);
  const classes = labels === undefined ? uniqueLabels(t, p) : checkLabels(metric, labels);
  const ti = encode(metric, 'y_true', t, classes);
  const pi = encode(metric, 'y_pred', p, classes);
  const k = classes.length;
  const counts = new Float64Array(k * k);
  for (let i = 0; i < ti.length; i++) counts[ti[i] * k + pi[i]]++;
  return { classes, labelsGiven: labels !== undefined, k, counts, n: t.length };
}

const CONFUSION_MATRIX_OPTIONS = defineOptions('confusion_matrix', {
  /** Row/column order; defaults to the sorted labels present in either input. */
  labels: LABELS_FIELD,
  /** Divide by row sums ('true'), column sums ('pred') or the total ('all'); 0/0 gives 0. */
  normalize: option.choice(['true', 'pred', 'all']),
});

/** Options of {@link confusionMatrix}. */
export type ConfusionMatrixOptions = OptionsInput<typeof CONFUSION_MATRIX_OPTIONS>;

/**
 * Confusion matrix `C[i][j]`: samples of true class i predicted as class j,
 * as scikit-learn's `confusion_matrix`.
 *
 * @example
 * confusionMatrix([0, 1, 2, 2], [0, 2, 2, 1]);
 * // [[1, 0, 0], [0, 0, 1], [0, 1, 1]]
 * confusionMatrix([0, 1, 1], [0, 1, 0], { normalize: 'true' });
 * // [[1, 0], [0.5, 0.5]]
 */
export function confusionMatrix(yTrue: VectorInput, yPred: VectorInput, options: ConfusionMatrixOptions = {}): number[][] {
  const { labels, normalize: norm } = CONFUSION_MATRIX_OPTIONS.parse(options);
  const { k, counts } = countConfusion('confusion_matrix', yTrue, yPred, labels);
  const rowSum = new Float64Array(k);
  const colSum = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = counts[i * k + j];
      rowSum[i] += c;
      colSum[j] += c;
      total += c;
    }
  }
  const out: number[][] = [];
  for (let i = 0; i < k; i++) {
    const row: number[] = [];
    for (let j = 0; j < k; j++) {
      const c = counts[i * k + j];
      const d = norm === 'true' ? rowSum[i] : norm === 'pred' ? colSum[j] : norm === 'all' ? total : 1;
      row.push(d === 0 ? 0 : c / d);
    }
    out.push(row);
  }
  return out;
}
