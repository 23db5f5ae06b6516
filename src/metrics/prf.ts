/**
 * Precision, recall, F-beta and support, per class or averaged (binary,
 * micro, macro, weighted), following scikit-learn 1.2's definitions.
 */
import { checkField, defineOptions, option, type OptionsInput, type ResolvedOptions } from '../base/options.js';
import { countConfusion } from './confusion.js';
import { MetricError } from './errors.js';
import type { VectorInput } from './input.js';
import { LABELS_FIELD, ZERO_DIVISION_FIELD, type ZeroDivision } from './options.js';

export type { ZeroDivision } from './options.js';

const AVERAGES = ['binary', 'micro', 'macro', 'weighted'] as const;

/** How per-class scores are combined (the per-class scores: {@link precisionRecallFscoreSupport}). */
export type Average = (typeof AVERAGES)[number];

/** The positional `average` argument, checked like an option. */
const AVERAGE_FIELD = option.choice(AVERAGES);

const PRF_FIELDS = {
  /** Classes to score, in order; default: the sorted labels present in either input. */
  labels: LABELS_FIELD,
  /** Class treated as positive when `average` is 'binary' (default 1). */
  posLabel: option.number({ default: 1 }),
  /** F-beta's beta (default 1: F1). */
  beta: option.number({ default: 1, min: 0 }),
  /** The value of a 0/0 ratio: 'warn' (default: 0, as scikit-learn without the warning), 0 or 1. */
  zeroDivision: ZERO_DIVISION_FIELD,
};
const PRF_OPTIONS = defineOptions('precision_recall_fscore_support', PRF_FIELDS);

/** Options shared by the precision/recall/F functions. */
export type PrfOptions = OptionsInput<typeof PRF_OPTIONS>;
type ResolvedPrf = ResolvedOptions<typeof PRF_OPTIONS>;

/** Per-class precision, recall, F-score and support, in `labels` order. */
export interface PrfPerClass {
  labels: number[];
  precision: number[];
  recall: number[];
  fscore: number[];
  support: number[];
}

/** Averaged precision, recall and F-score. */
export interface PrfAverage {
  precision: number;
  recall: number;
  fscore: number;
}

interface Sums { labels: number[]; tp: Float64Array; pred: Float64Array; truth: Float64Array; binaryType: boolean; labelsGiven: boolean }

function sums(metric: string, yTrue: VectorInput, yPred: VectorInput, labels?: ArrayLike<number>): Sums {
  const cc = countConfusion(metric, yTrue, yPred, labels);
  const { k, counts } = cc;
  const tp = new Float64Array(k);
  const pred = new Float64Array(k);
  const truth = new Float64Array(k);
  let present = 0;
  for (let i = 0; i < k; i++) {
    tp[i] = counts[i * k + i];
    for (let j = 0; j < k; j++) { truth[i] += counts[i * k + j]; pred[j] += counts[i * k + j]; }
  }
  for (let i = 0; i < k; i++) if (truth[i] + pred[i] > 0) present++;
  return { labels: cc.classes, tp, pred, truth, binaryType: present <= 2, labelsGiven: cc.labelsGiven };
}

function divide(num: number, den: number, zd: ZeroDivision): number {
  return den === 0 ? (zd === 1 ? 1 : 0) : num / den;
}

function fbeta(p: number, r: number, beta2: number): number {
  const den = beta2 * p + r;
  return ((1 + beta2) * p * r) / (den === 0 ? 1 : den);
}

/**
 * Per-class precision, recall, F-beta and support (scikit-learn's
 * `precision_recall_fscore_support(average=None)`).
 *
 * @example
 * const r = precisionRecallFscoreSupport([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1]);
 * r.precision; // [0.6667, 0, 0]
 * r.support;   // [2, 2, 2]
 */
export function precisionRecallFscoreSupport(yTrue: VectorInput, yPred: VectorInput, options: PrfOptions = {}): PrfPerClass {
  const metric = 'precision_recall_fscore_support';
  const { labels, beta, zeroDivision: zd } = PRF_OPTIONS.parse(options);
  const beta2 = beta * beta;
  const s = sums(metric, yTrue, yPred, labels);
  const precision = s.labels.map((_, i) => divide(s.tp[i], s.pred[i], zd));
  const recall = s.labels.map((_, i) => divide(s.tp[i], s.truth[i], zd));
  const fscore = s.labels.map((_, i) => fbeta(precision[i], recall[i], beta2));
  return { labels: s.labels, precision, recall, fscore, support: Array.from(s.truth) };
}

/**
 * Averaged precision, recall and F-beta (scikit-learn's
 * `precision_recall_fscore_support(average=...)`). 'binary' (the default)
 * scores `posLabel` only and needs at most two classes; 'micro' pools the
 * counts; 'macro' is the plain mean over classes; 'weighted' weights by support.
 *
 * @example
 * precisionRecallFscore([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], 'macro');
 * // { precision: 0.2222, recall: 0.3333, fscore: 0.2667 }
 */
export function precisionRecallFscore(yTrue: VectorInput, yPred: VectorInput, average: Average = 'binary', options: PrfOptions = {}, metric = 'precision_recall_fscore_support'): PrfAverage {
  return averagedScores(metric, yTrue, yPred, average, PRF_OPTIONS.parse(options, metric));
}

/** The averaged scores of {@link precisionRecallFscore}, from checked options. */
function averagedScores(metric: string, yTrue: VectorInput, yPred: VectorInput, averageArg: unknown, options: ResolvedPrf): PrfAverage {
  const average = checkField(metric, 'average', AVERAGE_FIELD, averageArg);
  const beta2 = options.beta * options.beta;
  const zd = options.zeroDivision;
  const s = sums(metric, yTrue, yPred, options.labels);
  if (average === 'binary') {
    if (!s.binaryType) {
      throw new MetricError(metric, `target is multiclass (labels ${JSON.stringify(s.labels)}) but average='binary'; choose one of 'micro', 'macro', 'weighted'`);
    }
    const pos = options.posLabel;
    const i = s.labels.indexOf(pos);
    const present = s.labels.filter((_, j) => s.truth[j] + s.pred[j] > 0);
    if (i < 0 || s.truth[i] + s.pred[i] === 0) {
      if (present.length >= 2) throw new MetricError(metric, `pos_label=${pos} is not a valid label; it should be one of ${JSON.stringify(present)}`);
      const z = zd === 1 ? 1 : 0;
      return { precision: z, recall: z, fscore: fbeta(z, z, beta2) };
    }
    const p = divide(s.tp[i], s.pred[i], zd);
    const r = divide(s.tp[i], s.truth[i], zd);
    return { precision: p, recall: r, fscore: fbeta(p, r, beta2) };
  }
  const k = s.labels.length;
  if (average === 'micro') {
    let tp = 0, pred = 0, truth = 0;
    for (let i = 0; i < k; i++) { tp += s.tp[i]; pred += s.pred[i]; truth += s.truth[i]; }
    const p = divide(tp, pred, zd);
    const r = divide(tp, truth, zd);
    return { precision: p, recall: r, fscore: fbeta(p, r, beta2) };
  }
  let wSum = 0, pSum = 0, rSum = 0, fSum = 0;
  let predTotal = 0;
  for (let i = 0; i < k; i++) {
    const w = average === 'weighted' ? s.truth[i] : 1;
    const p = divide(s.tp[i], s.pred[i], zd);
    const r = divide(s.tp[i], s.truth[i], zd);
    pSum += w * p;
    rSum += w * r;
    fSum += w * fbeta(p, r, beta2);
    wSum += w;
    predTotal += s.pred[i];
  }
  if (average === 'weighted' && wSum === 0) {
    const z = zd === 1 ? 1 : 0;
    return predTotal === 0 ? { precision: z, recall: z, fscore: z } : { precision: 0, recall: z, fscore: 0 };
  }
  return { precision: pSum / wSum, recall: rSum / wSum, fscore: fSum / wSum };
}

/**
 * Precision `tp / (tp + fp)`, averaged as `average` (default 'binary').
 *
 * @example
 * precisionScore([0, 1, 1, 0], [0, 1, 0, 1]); // 0.5
 */
export function precisionScore(yTrue: VectorInput, yPred: VectorInput, average: Average = 'binary', options: PrfOptions = {}): number {
  return precisionRecallFscore(yTrue, yPred, average, options, 'precision_score').precision;
}

/**
 * Recall `tp / (tp + fn)`, averaged as `average` (default 'binary').
 *
 * @example
 * recallScore([0, 1, 1, 0], [0, 1, 0, 1]); // 0.5
 */
export function recallScore(yTrue: VectorInput, yPred: VectorInput, average: Average = 'binary', options: PrfOptions = {}): number {
  return precisionRecallFscore(yTrue, yPred, average, options, 'recall_score').recall;
}

/**
 * F1, the harmonic mean of precision and recall, averaged as `average`.
 *
 * @example
 * f1Score([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], 'macro'); // 0.2667
 */
export function f1Score(yTrue: VectorInput, yPred: VectorInput, average: Average = 'binary', options: PrfOptions = {}): number {
  return averagedScores('f1_score', yTrue, yPred, average, { ...PRF_OPTIONS.parse(options, 'f1_score'), beta: 1 }).fscore;
}

/**
 * F-beta: recall weighted `beta` times as much as precision.
 *
 * @example
 * fbetaScore([0, 1, 1, 0], [0, 1, 1, 1], 2); // 0.9091
 */
export function fbetaScore(yTrue: VectorInput, yPred: VectorInput, beta: number, average: Average = 'binary', options: PrfOptions = {}): number {
  const checkedBeta = checkField('fbeta_score', 'beta', PRF_FIELDS.beta, beta);
  return averagedScores('fbeta_score', yTrue, yPred, average, { ...PRF_OPTIONS.parse(options, 'fbeta_score'), beta: checkedBeta }).fscore;
}
