/**
 * Forecast metrics beyond scikit-learn's regression ones: sMAPE and MASE, and the set a
 * forecast is reported with (scikit-learn's names plus `smape` and `mase`). Inputs are `[n]` or
 * `[n, horizon]` (one row per forecast, one column per step ahead); per-step scores are averaged
 * uniformly, as scikit-learn's `multioutput='uniform_average'`.
 *
 * - sMAPE: mean of 2·|y − ŷ| / (|y| + |ŷ|), a fraction in [0, 2] (0 where both are 0), as
 *   scikit-learn gives MAPE as a fraction.
 * - MASE (Hyndman & Koehler, 2006): MAE divided by the in-sample MAE of the seasonal-naive
 *   forecast on the training series, mean |y_t − y_{t−m}|, so 1 means "as good as repeating the
 *   last season was on the training data".
 */
import { MetricError } from './errors.js';
import { checkFinite, checkSameLength, toMatrix, type MatrixInput, type VectorInput } from './input.js';
import { meanAbsoluteError, meanAbsolutePercentageError, meanSquaredError, r2Score, rootMeanSquaredError } from './regression.js';
import { pairwiseSum } from './sum.js';

type Input = VectorInput | MatrixInput;

/** Both inputs as `[n, k]` matrices of the same shape with finite values. */
function pair(metric: string, yTrue: Input, yPred: Input): { t: Float64Array; p: Float64Array; rows: number; cols: number } {
  const t = toMatrix(metric, 'y_true', yTrue);
  const p = toMatrix(metric, 'y_pred', yPred);
  checkSameLength(metric, t.rows, p.rows);
  if (t.cols !== p.cols) throw new MetricError(metric, `y_true and y_pred have different numbers of outputs (${t.cols} != ${p.cols})`);
  checkFinite(metric, 'y_true', t.data);
  checkFinite(metric, 'y_pred', p.data);
  return { t: t.data, p: p.data, rows: t.rows, cols: t.cols };
}

/**
 * Symmetric mean absolute percentage error, as a fraction in [0, 2].
 *
 * @example
 * symmetricMeanAbsolutePercentageError([100, 200], [110, 180]); // 0.1004
 */
export function symmetricMeanAbsolutePercentageError(yTrue: Input, yPred: Input): number {
  const { t, p } = pair('smape', yTrue, yPred);
  const terms = Float64Array.from(t, (v, i) => {
    const denominator = Math.abs(v) + Math.abs(p[i]);
    return denominator === 0 ? 0 : (2 * Math.abs(v - p[i])) / denominator;
  });
  return pairwiseSum(terms) / terms.length;
}

/**
 * The denominator of MASE: mean |y_t − y_{t−m}| over a training series (pairs with a missing
 * value are skipped); NaN when no pair is left.
 *
 * @example
 * seasonalNaiveScale([1, 2, 3, 5, 6, 8], 2); // (2 + 3 + 3 + 3) / 4 = 2.75
 */
export function seasonalNaiveScale(train: ArrayLike<number>, season: number): number {
  if (!(Number.isInteger(season) && season >= 1)) throw new MetricError('mase', `season must be a positive integer, got ${season}`);
  const d: number[] = [];
  for (let i = season; i < train.length; i++) {
    const a = train[i], b = train[i - season];
    if (Number.isFinite(a) && Number.isFinite(b)) d.push(Math.abs(a - b));
  }
  return d.length === 0 ? Number.NaN : pairwiseSum(Float64Array.from(d)) / d.length;
}

/**
 * Mean absolute scaled error: MAE over `scale` (see {@link seasonalNaiveScale}); infinite when
 * the training series never changed over a season (scale 0), as sktime gives.
 *
 * @example
 * meanAbsoluteScaledError([3, 4], [2.5, 4.5], 2.75); // 0.5 / 2.75 = 0.1818
 */
export function meanAbsoluteScaledError(yTrue: Input, yPred: Input, scale: number): number {
  const { t, p } = pair('mase', yTrue, yPred);
  const mae = pairwiseSum(Float64Array.from(t, (v, i) => Math.abs(v - p[i]))) / t.length;
  return mae / scale;
}

/**
 * The metrics a forecast is reported with, by scikit-learn name plus `smape` and `mase`.
 *
 * @example
 * forecastMetrics([3, 4, 5], [3.5, 4, 4], 1);
 * // { mean_absolute_error: 0.5, root_mean_squared_error: 0.6455, mean_absolute_percentage_error: 0.1222, smape: 0.1254, mase: 0.5, ... }
 */
export function forecastMetrics(yTrue: Input, yPred: Input, maseScale: number): Record<string, number> {
  return {
    mean_absolute_error: meanAbsoluteError(yTrue, yPred),
    root_mean_squared_error: rootMeanSquaredError(yTrue, yPred),
    mean_absolute_percentage_error: meanAbsolutePercentageError(yTrue, yPred),
    smape: symmetricMeanAbsolutePercentageError(yTrue, yPred),
    mase: meanAbsoluteScaledError(yTrue, yPred, maseScale),
    mean_squared_error: meanSquaredError(yTrue, yPred),
    r2: r2Score(yTrue, yPred),
  };
}
