/**
 * Log loss (cross-entropy of predicted probabilities).
 */
import { defineOptions, option, type OptionsInput } from '../base/options.js';
import { MetricError } from './errors.js';
import { labelsAndScores, type MatrixInput, type VectorInput } from './input.js';
import { checkLabels, encode, uniqueLabels } from './labels.js';
import { LABELS_FIELD } from './options.js';
import { pairwiseSum } from './sum.js';

const EPS64 = 2 ** -52;
const EPS32 = 2 ** -23;

const LOG_LOSS_OPTIONS = defineOptions('log_loss', {
  /** Clip probabilities to [eps, 1 − eps]; default 'auto': the machine epsilon of the input (float32 or float64). */
  eps: option.custom<number | 'auto', 'auto'>("a number in [0, 1] or 'auto'", (v): v is number | 'auto' => v === 'auto' || (typeof v === 'number' && v >= 0 && v <= 1), 'auto'),
  /** All class labels (sorted), one per probability column; default: those in `yTrue`. */
  labels: LABELS_FIELD,
});

/** Options of {@link logLoss}. */
export type LogLossOptions = OptionsInput<typeof LOG_LOSS_OPTIONS>;

/**
 * Mean negative log-likelihood of the true classes, as scikit-learn 1.2's
 * `log_loss` (eps='auto': probabilities clipped to [eps, 1 − eps], then each
 * row renormalised). `yPred` is `[n, C]`, or 1-D P(greater label) for binary.
 * Rows must sum to 1 within sqrt(eps) (scikit-learn ≥ 1.5 raises here too).
 *
 * @example
 * logLoss([1, 0, 0, 1], [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]]); // 0.21616
 */
export function logLoss(yTrue: VectorInput, yPred: VectorInput | MatrixInput, options: LogLossOptions = {}): number {
  const metric = 'log_loss';
  const { eps: epsOption, labels } = LOG_LOSS_OPTIONS.parse(options);
  const [t, p] = labelsAndScores(metric, yTrue, yPred, 'y_pred');
  const eps = epsOption === 'auto' ? (p.float32 ? EPS32 : EPS64) : epsOption;
  const classes = labels === undefined ? uniqueLabels(t) : checkLabels(metric, labels).sort((a, b) => a - b);
  if (classes.length === 1) {
    throw new MetricError(metric, labels === undefined
      ? `y_true contains only one label (${classes[0]}); pass the true labels explicitly as 'labels'`
      : `'labels' needs at least two labels, got [${classes[0]}]`);
  }
  const enc = encode(metric, 'y_true', t, classes);
  const cols = p.cols === 1 ? 2 : p.cols;
  if (classes.length !== cols) {
    throw new MetricError(metric, `y_true has ${classes.length} classes (${JSON.stringify(classes)}) but y_pred has ${cols} columns; pass all classes as 'labels'`);
  }
  const n = t.length;
  const tol = Math.sqrt(eps) + 1e-8;
  const loss = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let truth = 0;
    for (let j = 0; j < cols; j++) {
      const raw = p.cols === 1 ? (j === 1 ? p.data[i] : 1 - p.data[i]) : p.data[i * cols + j];
      if (raw < -tol || raw > 1 + tol) throw new MetricError(metric, `y_pred must be probabilities in [0, 1]; row ${i} has ${raw}`);
      const c = Math.min(Math.max(raw, eps), 1 - eps);
      sum += c;
      if (j === enc[i]) truth = c;
    }
    if (p.cols > 1) {
      let raw = 0;
      for (let j = 0; j < cols; j++) raw += p.data[i * cols + j];
      if (Math.abs(raw - 1) > tol) throw new MetricError(metric, `y_pred rows must sum to 1 (probabilities); row ${i} sums to ${raw}`);
    }
    loss[i] = -Math.log(truth / sum);
  }
  return pairwiseSum(loss) / n;
}
