/**
 * Accuracy, balanced accuracy and top-k accuracy.
 */
import { defineOptions, option, type OptionsInput } from '../base/options.js';
import { countConfusion } from './confusion.js';
import { MetricError } from './errors.js';
import { checkFinite, checkSameLength, toMatrix, toVector, vectorPair, type MatrixInput, type VectorInput } from './input.js';
import { checkLabels, encode, uniqueLabels } from './labels.js';
import { LABELS_FIELD } from './options.js';

const BALANCED_ACCURACY_OPTIONS = defineOptions('balanced_accuracy_score', {
  /** Rescale so that chance scores 0 and a perfect prediction 1 (default false). */
  adjusted: option.boolean(false),
});

/** Options of {@link balancedAccuracyScore}. */
export type BalancedAccuracyOptions = OptionsInput<typeof BALANCED_ACCURACY_OPTIONS>;

const TOP_K_OPTIONS = defineOptions('top_k_accuracy_score', {
  /** How many of the highest-scored classes count as a hit (default 2, as scikit-learn). */
  k: option.number({ default: 2, min: 1, integer: true }),
  /** All class labels, sorted, one per score column (default: those in `yTrue`). */
  labels: LABELS_FIELD,
});

/** Options of {@link topKAccuracyScore}. */
export type TopKOptions = OptionsInput<typeof TOP_K_OPTIONS>;

/**
 * Fraction of samples whose predicted label equals the true label.
 *
 * @example
 * accuracyScore([0, 1, 2, 2], [0, 2, 2, 2]); // 0.75
 */
export function accuracyScore(yTrue: VectorInput, yPred: VectorInput): number {
  const [t, p] = vectorPair('accuracy_score', yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < t.length; i++) if (t[i] === p[i]) hits++;
  return hits / t.length;
}

/**
 * Mean per-class recall over the classes present in `yTrue`, as
 * scikit-learn's `balanced_accuracy_score`. With `adjusted`, chance scores 0.
 *
 * @example
 * balancedAccuracyScore([0, 0, 0, 1], [0, 0, 1, 1]); // (2/3 + 1) / 2 = 0.8333…
 */
export function balancedAccuracyScore(yTrue: VectorInput, yPred: VectorInput, options: BalancedAccuracyOptions = {}): number {
  const { adjusted } = BALANCED_ACCURACY_OPTIONS.parse(options);
  const { k, counts } = countConfusion('balanced_accuracy_score', yTrue, yPred);
  let sum = 0;
  let classes = 0;
  for (let i = 0; i < k; i++) {
    let row = 0;
    for (let j = 0; j < k; j++) row += counts[i * k + j];
    if (row === 0) continue; // a class only predicted, never true: left out as scikit-learn does
    sum += counts[i * k + i] / row;
    classes++;
  }
  let score = sum / classes;
  if (adjusted) {
    const chance = 1 / classes;
    score = (score - chance) / (1 - chance);
  }
  return score;
}

/**
 * Fraction of samples whose true class is among the `k` highest scores, as
 * scikit-learn's `top_k_accuracy_score` (ties favour the higher class index).
 * Binary problems take 1-D scores of the positive class.
 *
 * @example
 * topKAccuracyScore([0, 1, 2, 2], [[0.5, 0.2, 0.2], [0.3, 0.4, 0.2], [0.2, 0.4, 0.3], [0.7, 0.2, 0.1]], { k: 2 });
 * // 0.75
 */
export function topKAccuracyScore(yTrue: VectorInput, yScore: MatrixInput | VectorInput, options: TopKOptions = {}): number {
  const metric = 'top_k_accuracy_score';
  const { k, labels } = TOP_K_OPTIONS.parse(options);
  const t = toVector(metric, 'y_true', yTrue);
  checkFinite(metric, 'y_true', t);
  const s = toMatrix(metric, 'y_score', yScore);
  checkSameLength(metric, t.length, s.rows, 'y_true', 'y_score');
  checkFinite(metric, 'y_score', s.data);
  let classes: number[];
  if (labels === undefined) {
    classes = uniqueLabels(t);
    const nScore = s.cols === 1 ? 2 : s.cols;
    if (classes.length !== nScore) {
      throw new MetricError(metric, `number of classes in y_true (${classes.length}) not equal to the number of classes in y_score (${nScore}); pass all known classes as 'labels'`);
    }
  } else {
    classes = checkLabels(metric, labels);
    for (let i = 1; i < classes.length; i++) {
      if (classes[i] < classes[i - 1]) throw new MetricError(metric, "parameter 'labels' must be ordered");
    }
    const nScore = s.cols === 1 ? 2 : s.cols;
    if (classes.length !== nScore) throw new MetricError(metric, `number of given labels (${classes.length}) not equal to the number of classes in y_score (${nScore})`);
  }
  const binary = classes.length === 2;
  if (binary && s.cols !== 1) {
    throw new MetricError(metric, `y_true is binary while y_score is 2-D with ${s.cols} classes; pass the positive class's scores, or all labels as 'labels'`);
  }
  const enc = encode(metric, 'y_true', t, classes);
  const n = t.length;
  let hits = 0;
  if (binary) {
    if (k >= 2) return 1;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) { lo = Math.min(lo, s.data[i]); hi = Math.max(hi, s.data[i]); }
    const threshold = lo >= 0 && hi <= 1 ? 0.5 : 0;
    for (let i = 0; i < n; i++) if ((s.data[i] > threshold ? 1 : 0) === enc[i]) hits++;
    return hits / n;
  }
  const c = s.cols;
  for (let i = 0; i < n; i++) {
    const row = i * c;
    const ti = enc[i];
    const st = s.data[row + ti];
    let above = 0;
    for (let j = 0; j < c && above < k; j++) {
      const v = s.data[row + j];
      if (v > st || (v === st && j > ti)) above++;
    }
    if (above < k) hits++;
  }
  return hits / n;
}
