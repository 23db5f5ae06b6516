/**
 * `computeMetrics`: many metrics at once, keyed by scikit-learn's names, for
 * the CLI's `--json` output and the Trainer's per-epoch metrics.
 */
import { defineOptions, option, type OptionsInput, type ResolvedOptions } from '../base/options.js';
import { accuracyScore, balancedAccuracyScore, topKAccuracyScore } from './accuracy.js';
import { averagePrecisionScore } from './average_precision.js';
import { MetricError } from './errors.js';
import { isTensorLike, toMatrix, type Matrix, type MatrixInput, type VectorInput } from './input.js';
import { logLoss } from './log_loss.js';
import { matthewsCorrcoef } from './mcc.js';
import { precisionRecallFscore } from './prf.js';
import {
  explainedVarianceScore, meanAbsoluteError, meanAbsolutePercentageError, meanSquaredError, r2Score, rootMeanSquaredError,
} from './regression.js';
import { rocAucScore } from './roc.js';

/** The kind of problem. */
export type Task = 'binary' | 'multiclass' | 'regression';

/** Predicted labels and/or scores, given separately. */
export interface Predictions {
  /** Predicted labels (classification) or values (regression). */
  pred?: VectorInput | MatrixInput;
  /** Class probabilities `[n, C]`, or for binary 1-D / `[n, 1]` P(positive). */
  scores?: VectorInput | MatrixInput;
}

const COMPUTE_OPTIONS = defineOptions('computeMetrics', {
  /** k of `top_k_accuracy` (default 2, as scikit-learn). */
  k: option.number({ default: 2, min: 1, integer: true }),
  /** Class label of each score column (default 0 … C−1). */
  labels: option.custom<readonly number[]>('a list of class labels (numbers)', (v): v is readonly number[] => Array.isArray(v) && v.every((l) => typeof l === 'number')),
});

/** Options of {@link computeMetrics}. */
export type ComputeOptions = OptionsInput<typeof COMPUTE_OPTIONS>;
type ResolvedCompute = ResolvedOptions<typeof COMPUTE_OPTIONS>;

const CLASSIFICATION_LABEL_METRICS = [
  'accuracy', 'balanced_accuracy', 'f1', 'precision', 'recall', 'f1_macro', 'f1_micro', 'f1_weighted',
  'precision_macro', 'precision_micro', 'precision_weighted', 'recall_macro', 'recall_micro', 'recall_weighted',
  'matthews_corrcoef',
] as const;
const CLASSIFICATION_SCORE_METRICS = ['roc_auc', 'roc_auc_ovr', 'roc_auc_ovr_weighted', 'average_precision', 'log_loss', 'top_k_accuracy'] as const;
const REGRESSION_METRICS = [
  'r2', 'mean_squared_error', 'root_mean_squared_error', 'mean_absolute_error', 'mean_absolute_percentage_error', 'explained_variance',
] as const;

/** Every metric name {@link computeMetrics} knows (scikit-learn's names). */
export const METRIC_NAMES: readonly string[] = [...CLASSIFICATION_LABEL_METRICS, ...CLASSIFICATION_SCORE_METRICS, ...REGRESSION_METRICS];

/** The metrics computed when no names are given. */
export function defaultMetricNames(task: Task, hasScores: boolean): string[] {
  if (task === 'regression') return [...REGRESSION_METRICS];
  const base = task === 'binary'
    ? ['accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1', 'f1_macro', 'matthews_corrcoef']
    : ['accuracy', 'balanced_accuracy', 'f1_macro', 'f1_micro', 'f1_weighted', 'precision_macro', 'recall_macro', 'matthews_corrcoef'];
  if (!hasScores) return base;
  return task === 'binary'
    ? [...base, 'roc_auc', 'average_precision', 'log_loss']
    : [...base, 'roc_auc_ovr', 'roc_auc_ovr_weighted', 'log_loss', 'top_k_accuracy'];
}

function isPredictions(x: unknown): x is Predictions {
  return typeof x === 'object' && x !== null && !isTensorLike(x) && !('length' in x) && ('pred' in x || 'scores' in x);
}

/** Predicted labels from scores: argmax per row, or P(positive) > 0.5 for one column. */
function argmaxLabels(s: Matrix, labels: readonly number[]): Float64Array {
  const out = new Float64Array(s.rows);
  for (let i = 0; i < s.rows; i++) {
    if (s.cols === 1) { out[i] = labels[s.data[i] > 0.5 ? 1 : 0]; continue; }
    let best = 0;
    for (let j = 1; j < s.cols; j++) if (s.data[i * s.cols + j] > s.data[i * s.cols + best]) best = j;
    out[i] = labels[best];
  }
  return out;
}

/**
 * Computes the named metrics (default: a set suited to the task) and returns
 * them keyed by scikit-learn's names. For classification, `yPredOrScores` is
 * predicted labels (1-D), a score matrix (`[n, C]`, or `[n, 1]` for binary:
 * predictions are then the argmax), or `{ pred, scores }`. For multiclass,
 * `roc_auc` is the one-vs-rest macro AUC (same as `roc_auc_ovr`) and
 * `average_precision` the one-vs-rest macro AP; for binary `[n, 2]` scores,
 * column 1 is the positive class.
 *
 * @example
 * computeMetrics('multiclass', [0, 1, 2, 2], [[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.2, 0.2, 0.6], [0.5, 0.1, 0.4]]);
 * // { accuracy: 0.75, balanced_accuracy: 0.8333, f1_macro: …, roc_auc_ovr: …, log_loss: …, top_k_accuracy: 1, … }
 * computeMetrics('regression', [1, 2, 3], [1.1, 1.9, 3.2], ['r2', 'mean_absolute_error']);
 */
export function computeMetrics(
  task: Task,
  yTrue: VectorInput,
  yPredOrScores: VectorInput | MatrixInput | Predictions,
  names?: readonly string[],
  input: ComputeOptions = {},
): Record<string, number> {
  const options = COMPUTE_OPTIONS.parse(input);
  if (task !== 'binary' && task !== 'multiclass' && task !== 'regression') {
    throw new MetricError('computeMetrics', `task must be 'binary', 'multiclass' or 'regression', got '${String(task)}'`);
  }
  if (task === 'regression') return regression(yTrue, (isPredictions(yPredOrScores) ? yPredOrScores.pred : yPredOrScores), names);
  let pred: VectorInput | MatrixInput | undefined;
  let scores: Matrix | undefined;
  if (isPredictions(yPredOrScores)) {
    pred = yPredOrScores.pred;
    if (yPredOrScores.scores !== undefined) scores = toMatrix('computeMetrics', 'scores', yPredOrScores.scores);
  } else {
    const m = toMatrix('computeMetrics', 'y_pred', yPredOrScores);
    const looksLikeScores = m.cols > 1 || (task === 'binary' && isTensorLike(yPredOrScores) && yPredOrScores.shape.length === 2);
    if (looksLikeScores) scores = m; else pred = m.data;
  }
  if (task === 'binary' && scores && scores.cols > 2) {
    throw new MetricError('computeMetrics', `task is binary but the scores have ${scores.cols} columns`);
  }
  const labels = options.labels ?? Array.from({ length: Math.max(2, scores?.cols ?? 2) }, (_, i) => i);
  if (pred === undefined) {
    if (scores === undefined) throw new MetricError('computeMetrics', 'give predicted labels, scores, or both');
    pred = argmaxLabels(scores, labels);
  }
  const wanted = names ?? defaultMetricNames(task, scores !== undefined);
  const out: Record<string, number> = {};
  for (const name of wanted) out[name] = classification(task, name, yTrue, pred as VectorInput, scores, labels, options);
  return out;
}

function regression(yTrue: VectorInput, yPred: VectorInput | MatrixInput | undefined, names?: readonly string[]): Record<string, number> {
  if (yPred === undefined) throw new MetricError('computeMetrics', 'regression needs predicted values');
  const fns: Record<string, (t: VectorInput, p: VectorInput | MatrixInput) => number> = {
    r2: r2Score,
    mean_squared_error: meanSquaredError,
    root_mean_squared_error: rootMeanSquaredError,
    mean_absolute_error: meanAbsoluteError,
    mean_absolute_percentage_error: meanAbsolutePercentageError,
    explained_variance: explainedVarianceScore,
  };
  const out: Record<string, number> = {};
  for (const name of names ?? REGRESSION_METRICS) {
    const f = fns[name];
    if (!f) throw unknown(name, 'regression', [...REGRESSION_METRICS]);
    out[name] = f(yTrue, yPred);
  }
  return out;
}

function unknown(name: string, task: Task, known: readonly string[]): MetricError {
  return new MetricError('computeMetrics', `unknown metric '${name}' for a ${task} task; known: ${known.join(', ')}`);
}

/** The positive-class scores for binary metrics (1-D). */
function positiveScores(scores: Matrix): Float64Array {
  if (scores.cols === 1) return scores.data;
  return Float64Array.from({ length: scores.rows }, (_, i) => scores.data[i * scores.cols + 1]);
}

function rowsOf(scores: Matrix): Float64Array[] {
  return Array.from({ length: scores.rows }, (_, i) => scores.data.subarray(i * scores.cols, (i + 1) * scores.cols));
}

function classification(task: Task, name: string, yTrue: VectorInput, pred: VectorInput, scores: Matrix | undefined,
  labels: readonly number[], options: ResolvedCompute): number {
  const binary = task === 'binary';
  switch (name) {
    case 'accuracy': return accuracyScore(yTrue, pred);
    case 'balanced_accuracy': return balancedAccuracyScore(yTrue, pred);
    case 'matthews_corrcoef': return matthewsCorrcoef(yTrue, pred);
    case 'f1': case 'precision': case 'recall': {
      const r = precisionRecallFscore(yTrue, pred, 'binary', { posLabel: labels[1] }, name);
      return name === 'f1' ? r.fscore : r[name];
    }
    default: break;
  }
  const prf = /^(f1|precision|recall)_(macro|micro|weighted)$/.exec(name);
  if (prf) {
    const r = precisionRecallFscore(yTrue, pred, prf[2] as 'macro' | 'micro' | 'weighted', {}, name);
    return prf[1] === 'f1' ? r.fscore : prf[1] === 'precision' ? r.precision : r.recall;
  }
  if (!(CLASSIFICATION_SCORE_METRICS as readonly string[]).includes(name)) {
    throw unknown(name, task, [...CLASSIFICATION_LABEL_METRICS, ...CLASSIFICATION_SCORE_METRICS]);
  }
  if (scores === undefined) throw new MetricError(name, 'needs scores (class probabilities), but only predicted labels were given');
  const matrix = scores.cols === 1 ? scores.data : rowsOf(scores);
  const withLabels = options.labels ? { labels: options.labels } : {};
  switch (name) {
    case 'roc_auc':
      return binary ? rocAucScore(yTrue, positiveScores(scores)) : rocAucScore(yTrue, matrix, withLabels);
    case 'roc_auc_ovr': return rocAucScore(yTrue, matrix, withLabels);
    case 'roc_auc_ovr_weighted': return rocAucScore(yTrue, matrix, { ...withLabels, average: 'weighted' });
    case 'average_precision':
      return binary ? averagePrecisionScore(yTrue, positiveScores(scores), { posLabel: labels[1] }) : averagePrecisionScore(yTrue, matrix, withLabels);
    case 'log_loss': return logLoss(yTrue, scores.float32 ? rowsOf32(scores) : matrix, withLabels);
    default: // top_k_accuracy
      return binary
        ? topKAccuracyScore(yTrue, positiveScores(scores), { k: options.k, ...withLabels })
        : topKAccuracyScore(yTrue, matrix, { k: options.k, ...withLabels });
  }
}

/** Rows as Float32Arrays so log_loss keeps float32's epsilon. */
function rowsOf32(scores: Matrix): Float32Array[] | Float32Array {
  if (scores.cols === 1) return Float32Array.from(scores.data);
  return Array.from({ length: scores.rows }, (_, i) => Float32Array.from(scores.data.subarray(i * scores.cols, (i + 1) * scores.cols)));
}
