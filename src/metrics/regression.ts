/**
 * Regression metrics: MSE, RMSE, MAE, R², MAPE and explained variance.
 * 2-D inputs `[n, k]` are scored per output and averaged uniformly, as
 * scikit-learn's default `multioutput='uniform_average'`.
 */
import { MetricError } from './errors.js';
import { checkFinite, checkSameLength, toMatrix, type MatrixInput, type VectorInput } from './input.js';
import { pairwiseSum } from './sum.js';

type RegInput = VectorInput | MatrixInput;

/** Calls `score(yTrueColumn, yPredColumn)` per output and averages. */
function perOutput(metric: string, yTrue: RegInput, yPred: RegInput, score: (t: Float64Array, p: Float64Array) => number): number {
  const t = toMatrix(metric, 'y_true', yTrue);
  const p = toMatrix(metric, 'y_pred', yPred);
  checkSameLength(metric, t.rows, p.rows);
  if (t.cols !== p.cols) throw new MetricError(metric, `y_true and y_pred have different numbers of outputs (${t.cols} != ${p.cols})`);
  checkFinite(metric, 'y_true', t.data);
  checkFinite(metric, 'y_pred', p.data);
  if (t.cols === 1) return score(t.data, p.data);
  let total = 0;
  for (let j = 0; j < t.cols; j++) {
    const tc = new Float64Array(t.rows);
    const pc = new Float64Array(t.rows);
    for (let i = 0; i < t.rows; i++) { tc[i] = t.data[i * t.cols + j]; pc[i] = p.data[i * t.cols + j]; }
    total += score(tc, pc);
  }
  return total / t.cols;
}

function meanOf(n: number, f: (i: number) => number): number {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = f(i);
  return pairwiseSum(a) / n;
}

/**
 * Mean squared error.
 *
 * @example
 * meanSquaredError([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.375
 */
export function meanSquaredError(yTrue: RegInput, yPred: RegInput): number {
  return perOutput('mean_squared_error', yTrue, yPred, (t, p) => meanOf(t.length, (i) => (t[i] - p[i]) ** 2));
}

/**
 * Root mean squared error (per output, then averaged).
 *
 * @example
 * rootMeanSquaredError([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.6124
 */
export function rootMeanSquaredError(yTrue: RegInput, yPred: RegInput): number {
  return perOutput('root_mean_squared_error', yTrue, yPred, (t, p) => Math.sqrt(meanOf(t.length, (i) => (t[i] - p[i]) ** 2)));
}

/**
 * Mean absolute error.
 *
 * @example
 * meanAbsoluteError([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.5
 */
export function meanAbsoluteError(yTrue: RegInput, yPred: RegInput): number {
  return perOutput('mean_absolute_error', yTrue, yPred, (t, p) => meanOf(t.length, (i) => Math.abs(t[i] - p[i])));
}

/**
 * Mean absolute percentage error, as a fraction (not ×100); |y_true| below
 * float64 epsilon is replaced by epsilon, as scikit-learn does.
 *
 * @example
 * meanAbsolutePercentageError([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.3274
 */
export function meanAbsolutePercentageError(yTrue: RegInput, yPred: RegInput): number {
  const eps = 2 ** -52;
  return perOutput('mean_absolute_percentage_error', yTrue, yPred,
    (t, p) => meanOf(t.length, (i) => Math.abs(p[i] - t[i]) / Math.max(Math.abs(t[i]), eps)));
}

/** True when every value equals the first (exactly). */
function isConstant(a: Float64Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i] !== a[0]) return false;
  return true;
}

/** Sum of squared deviations from the mean; exactly 0 for constant data. */
function sumSquaredDeviations(a: Float64Array): number {
  if (isConstant(a)) return 0;
  const mu = pairwiseSum(a) / a.length;
  return pairwiseSum(Float64Array.from(a, (v) => (v - mu) ** 2));
}

/** 1 − num/den with scikit-learn's force_finite rules for a constant target. */
function finiteRatioScore(num: number, den: number): number {
  if (den !== 0 && num !== 0) return 1 - num / den;
  if (num !== 0) return 0; // constant y_true, imperfect prediction
  return 1; // perfect prediction (constant target or not)
}

/**
 * Coefficient of determination R². A constant `yTrue` gives 1 for a perfect
 * prediction and 0 otherwise (scikit-learn's force_finite); fewer than two
 * samples give NaN, as scikit-learn does (with a warning there). A target
 * whose values are all exactly equal counts as constant even where NumPy's
 * rounded mean leaves a tiny variance (scikit-learn then returns about −1e31
 * for `[0.1, 0.1, 0.1]`; dlflow returns 0 or 1 as the rule intends).
 *
 * @example
 * r2Score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.9486
 */
export function r2Score(yTrue: RegInput, yPred: RegInput): number {
  return perOutput('r2_score', yTrue, yPred, (t, p) => {
    if (t.length < 2) return NaN;
    const num = pairwiseSum(Float64Array.from(t, (v, i) => (v - p[i]) ** 2));
    const den = sumSquaredDeviations(t);
    return finiteRatioScore(num, den);
  });
}

/**
 * Explained variance `1 − Var(y − ŷ) / Var(y)`, with R²'s constant-target
 * rules (exactly constant data has zero variance).
 *
 * @example
 * explainedVarianceScore([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.9572
 */
export function explainedVarianceScore(yTrue: RegInput, yPred: RegInput): number {
  return perOutput('explained_variance_score', yTrue, yPred, (t, p) => {
    const n = t.length;
    const diff = Float64Array.from(t, (v, i) => v - p[i]);
    const num = sumSquaredDeviations(diff) / n;
    const den = sumSquaredDeviations(t) / n;
    return finiteRatioScore(num, den);
  });
}
