/**
 * Precision-recall curve and average precision (scikit-learn's step-wise,
 * non-interpolated definition: AP = Σ (R_n − R_{n−1}) P_n).
 */
import { defineOptions, option, type OptionsInput } from '../base/options.js';
import { clfCurve, defaultPosLabel, splitScores, type ClfCurve } from './curve.js';
import { MetricError } from './errors.js';
import { checkFinite, checkSameLength, labelsAndScores, toVector, type MatrixInput, type VectorInput } from './input.js';
import { checkLabels, encode, uniqueLabels } from './labels.js';
import { LABELS_FIELD, OVR_AVERAGE_FIELD } from './options.js';
import { pairwiseSum } from './sum.js';

const PR_CURVE_OPTIONS = defineOptions('precision_recall_curve', {
  /** Positive class; default 1 when `yTrue` is within {0, 1} or {-1, 1}. */
  posLabel: option.number(),
});

/** Options of {@link precisionRecallCurve}. */
export type PrecisionRecallCurveOptions = OptionsInput<typeof PR_CURVE_OPTIONS>;

const AVERAGE_PRECISION_OPTIONS = defineOptions('average_precision_score', {
  /** Binary: the positive label (default 1). */
  posLabel: option.number({ default: 1 }),
  /** Multiclass: one-vs-rest average, 'macro' (default) or 'weighted' by class frequency. */
  average: OVR_AVERAGE_FIELD,
  /** Multiclass: all class labels, sorted, one per score column (default: those in `yTrue`). */
  labels: LABELS_FIELD,
});

/** Options of {@link averagePrecisionScore}. */
export type AveragePrecisionOptions = OptionsInput<typeof AVERAGE_PRECISION_OPTIONS>;

/** Precision and recall per threshold, recall decreasing, ending at (precision 1, recall 0). */
export interface PrecisionRecallCurve {
  precision: number[];
  recall: number[];
  /** Increasing thresholds; one fewer than the points. */
  thresholds: number[];
}

/** Step-wise AP from the cumulative counts, thresholds decreasing. */
function apFromCurve(c: ClfCurve): number {
  const m = c.tps.length;
  const tpLast = c.tps[m - 1];
  const parts = new Float64Array(m);
  let prevRecall = 0;
  for (let i = 0; i < m; i++) {
    const recall = tpLast === 0 ? 1 : c.tps[i] / tpLast;
    const precision = c.tps[i] / (c.tps[i] + c.fps[i]);
    parts[i] = (recall - prevRecall) * precision;
    prevRecall = recall;
  }
  return pairwiseSum(parts);
}

/**
 * Precision-recall pairs for each distinct score, as scikit-learn 1.2's
 * `precision_recall_curve`. With no positives, recall is 1 everywhere.
 *
 * @example
 * precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * // precision [0.5, 0.667, 0.5, 1, 1], recall [1, 1, 0.5, 0.5, 0], thresholds [0.1, 0.35, 0.4, 0.8]
 */
export function precisionRecallCurve(yTrue: VectorInput, probasPred: VectorInput, options: PrecisionRecallCurveOptions = {}): PrecisionRecallCurve {
  const metric = 'precision_recall_curve';
  const { posLabel } = PR_CURVE_OPTIONS.parse(options);
  const t = toVector(metric, 'y_true', yTrue);
  const s = toVector(metric, 'probas_pred', probasPred);
  checkSameLength(metric, t.length, s.length, 'y_true', 'probas_pred');
  checkFinite(metric, 'y_true', t);
  checkFinite(metric, 'probas_pred', s);
  const pos = posLabel ?? defaultPosLabel(metric, uniqueLabels(t));
  const c = clfCurve(...splitScores(s, (i) => t[i] === pos, t.length));
  const m = c.tps.length;
  const tpLast = c.tps[m - 1];
  const precision: number[] = [];
  const recall: number[] = [];
  const thresholds: number[] = [];
  for (let i = m - 1; i >= 0; i--) {
    precision.push(c.tps[i] / (c.tps[i] + c.fps[i]));
    recall.push(tpLast === 0 ? 1 : c.tps[i] / tpLast);
    thresholds.push(c.thresholds[i]);
  }
  precision.push(1);
  recall.push(0);
  return { precision, recall, thresholds };
}

/**
 * Average precision, as scikit-learn's `average_precision_score`. Binary:
 * 1-D scores for `posLabel`. Multiclass (an `[n, C]` score matrix): the
 * one-vs-rest APs averaged, as scikit-learn does for label-binarized targets.
 *
 * @example
 * averagePrecisionScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.8333
 */
export function averagePrecisionScore(yTrue: VectorInput, yScore: VectorInput | MatrixInput, options: AveragePrecisionOptions = {}): number {
  const metric = 'average_precision_score';
  const { posLabel: pos, average, labels } = AVERAGE_PRECISION_OPTIONS.parse(options);
  const [t, s] = labelsAndScores(metric, yTrue, yScore);
  const present = uniqueLabels(t);
  if (s.cols === 1) {
    if (present.length > 2) throw new MetricError(metric, `y_true has ${present.length} classes but y_score is 1-D; pass an [n, ${present.length}] score matrix`);
    if (present.length === 2 && !present.includes(pos)) {
      throw new MetricError(metric, `pos_label=${pos} is not a valid label; it should be one of ${JSON.stringify(present)}`);
    }
    return apFromCurve(clfCurve(...splitScores(s.data, (i) => t[i] === pos, t.length)));
  }
  const classes = labels === undefined ? present : checkLabels(metric, labels);
  if (classes.length !== s.cols) {
    throw new MetricError(metric, `number of classes (${classes.length}: ${JSON.stringify(classes)}) not equal to the number of columns in y_score (${s.cols}); pass all classes as 'labels'`);
  }
  const enc = encode(metric, 'y_true', t, classes);
  let num = 0;
  let den = 0;
  for (let c = 0; c < s.cols; c++) {
    const [pos, neg] = splitScores(s.data, (i) => enc[i] === c, t.length, c, s.cols);
    const w = average === 'weighted' ? pos.length : 1;
    const ap = w === 0 ? 0 : apFromCurve(clfCurve(pos, neg));
    num += w * ap;
    den += w;
  }
  return den === 0 ? 0 : num / den;
}
