/**
 * ROC curve and ROC-AUC: binary from scores, multiclass one-vs-rest from a
 * probability matrix (macro or weighted average).
 */
import { defineOptions, option, type OptionsInput, type ResolvedOptions } from '../base/options.js';
import { clfCurve, defaultPosLabel, splitScores, trapezoid, type ClfCurve } from './curve.js';
import { MetricError } from './errors.js';
import { checkFinite, checkSameLength, labelsAndScores, toVector, type MatrixInput, type VectorInput } from './input.js';
import { checkLabels, encode, uniqueLabels } from './labels.js';
import { LABELS_FIELD, OVR_AVERAGE_FIELD } from './options.js';

/** Points of a ROC curve; `thresholds[0]` is the highest score + 1 (scikit-learn 1.2). */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  thresholds: number[];
}

/** Keeps only the corners of the curve (scikit-learn's drop_intermediate). */
function dropIntermediate(c: ClfCurve): ClfCurve {
  const m = c.fps.length;
  if (m <= 2) return c;
  const keep: number[] = [0];
  for (let i = 1; i < m - 1; i++) {
    const d2f = c.fps[i + 1] - 2 * c.fps[i] + c.fps[i - 1];
    const d2t = c.tps[i + 1] - 2 * c.tps[i] + c.tps[i - 1];
    if (d2f !== 0 || d2t !== 0) keep.push(i);
  }
  keep.push(m - 1);
  const pick = (a: Float64Array): Float64Array => Float64Array.from(keep, (i) => a[i]);
  return { fps: pick(c.fps), tps: pick(c.tps), thresholds: pick(c.thresholds) };
}

function toRates(c: ClfCurve): RocCurve {
  const m = c.fps.length;
  const fpLast = c.fps[m - 1];
  const tpLast = c.tps[m - 1];
  const fpr = [0];
  const tpr = [0];
  const thresholds = [c.thresholds[0] + 1];
  for (let i = 0; i < m; i++) {
    fpr.push(fpLast > 0 ? c.fps[i] / fpLast : NaN);
    tpr.push(tpLast > 0 ? c.tps[i] / tpLast : NaN);
    thresholds.push(c.thresholds[i]);
  }
  if (fpLast <= 0) fpr[0] = NaN;
  if (tpLast <= 0) tpr[0] = NaN;
  return { fpr, tpr, thresholds };
}

const ROC_CURVE_OPTIONS = defineOptions('roc_curve', {
  /** Positive class; default 1 when `yTrue` is within {0, 1} or {-1, 1}. */
  posLabel: option.number(),
  /** Drop collinear points that do not change the curve (default true). */
  dropIntermediate: option.boolean(true),
});

/** Options of {@link rocCurve}. */
export type RocCurveOptions = OptionsInput<typeof ROC_CURVE_OPTIONS>;

/**
 * ROC curve as scikit-learn's `roc_curve`: false and true positive rates at
 * each distinct score threshold, highest first, starting from (0, 0). Rates
 * are NaN when `yTrue` has no negatives (fpr) or no positives (tpr).
 *
 * @example
 * rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * // { fpr: [0, 0, 0.5, 0.5, 1], tpr: [0, 0.5, 0.5, 1, 1], thresholds: [1.8, 0.8, 0.4, 0.35, 0.1] }
 */
export function rocCurve(yTrue: VectorInput, yScore: VectorInput, options: RocCurveOptions = {}): RocCurve {
  const metric = 'roc_curve';
  const checked = ROC_CURVE_OPTIONS.parse(options);
  const t = toVector(metric, 'y_true', yTrue);
  const s = toVector(metric, 'y_score', yScore);
  checkSameLength(metric, t.length, s.length, 'y_true', 'y_score');
  checkFinite(metric, 'y_true', t);
  checkFinite(metric, 'y_score', s);
  const pos = checked.posLabel ?? defaultPosLabel(metric, uniqueLabels(t));
  let c = clfCurve(...splitScores(s, (i) => t[i] === pos, t.length));
  if (checked.dropIntermediate) c = dropIntermediate(c);
  return toRates(c);
}

/** AUC of one binary problem given the positives' and negatives' scores. */
function binaryAuc(metric: string, pos: Float64Array, neg: Float64Array, what: string): number {
  if (pos.length === 0 || neg.length === 0) {
    throw new MetricError(metric, `only one class present in y_true${what}; ROC AUC score is not defined in that case`);
  }
  const r = toRates(dropIntermediate(clfCurve(pos, neg)));
  return trapezoid(r.fpr, r.tpr);
}

const ROC_AUC_OPTIONS = defineOptions('roc_auc_score', {
  /** Multiclass averaging of the one-vs-rest AUCs: 'macro' (default) or 'weighted' by class frequency. */
  average: OVR_AVERAGE_FIELD,
  /** Multiclass: all class labels, sorted, one per score column (default: those in `yTrue`). */
  labels: LABELS_FIELD,
});

/** Options of {@link rocAucScore}. */
export type RocAucOptions = OptionsInput<typeof ROC_AUC_OPTIONS>;

/**
 * Area under the ROC curve, as scikit-learn's `roc_auc_score`. Binary: `yScore`
 * is 1-D, the score of the greater label. Multiclass: `yScore` is an `[n, C]`
 * probability matrix (rows summing to 1) and the result is the one-vs-rest
 * AUC averaged over classes (`multi_class='ovr'`).
 *
 * @example
 * rocAucScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 * rocAucScore([0, 1, 2], [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.3, 0.3, 0.4]]); // 1
 */
export function rocAucScore(yTrue: VectorInput, yScore: VectorInput | MatrixInput, options: RocAucOptions = {}): number {
  const metric = 'roc_auc_score';
  const checked = ROC_AUC_OPTIONS.parse(options);
  const [t, s] = labelsAndScores(metric, yTrue, yScore);
  const present = uniqueLabels(t);
  if (s.cols === 1 && present.length <= 2) {
    if (present.length < 2) throw new MetricError(metric, `only one class present in y_true (label ${present[0]}); ROC AUC score is not defined in that case`);
    return binaryAuc(metric, ...splitScores(s.data, (i) => t[i] === present[1], t.length), '');
  }
  if (s.cols === 1) {
    throw new MetricError(metric, `y_true has ${present.length} classes but y_score is 1-D; pass an [n, ${present.length}] probability matrix`);
  }
  return ovrAuc(metric, t, s.data, s.rows, s.cols, present, checked);
}

function ovrAuc(metric: string, t: Float64Array, data: Float64Array, n: number, cols: number, present: number[], options: ResolvedOptions<typeof ROC_AUC_OPTIONS>): number {
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += data[i * cols + j];
    if (!(Math.abs(sum - 1) <= 1e-8 + 1e-5 * Math.abs(sum))) {
      throw new MetricError(metric, `target scores need to be probabilities for multiclass ROC AUC, i.e. rows should sum to 1; row ${i} sums to ${sum}`);
    }
  }
  let classes = present;
  if (options.labels !== undefined) {
    classes = checkLabels(metric, options.labels);
    for (let i = 1; i < classes.length; i++) if (classes[i] < classes[i - 1]) throw new MetricError(metric, "parameter 'labels' must be ordered");
    if (classes.length !== cols) throw new MetricError(metric, `number of given labels, ${classes.length}, not equal to the number of columns in y_score, ${cols}`);
  } else if (classes.length !== cols) {
    throw new MetricError(metric, `number of classes in y_true (${classes.length}: ${JSON.stringify(classes)}) not equal to the number of columns in y_score (${cols})`);
  }
  const enc = encode(metric, 'y_true', t, classes);
  const average = options.average;
  let num = 0;
  let den = 0;
  for (let c = 0; c < cols; c++) {
    const [pos, neg] = splitScores(data, (i) => enc[i] === c, n, c, cols);
    const auc = binaryAuc(metric, pos, neg, ` for class ${classes[c]} (one-vs-rest)`);
    const w = average === 'weighted' ? pos.length : 1;
    num += w * auc;
    den += w;
  }
  return num / den;
}
