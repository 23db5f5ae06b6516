/**
 * Forecast metrics against scikit-learn (MAE, RMSE as the per-output root of MSE, MAPE, R²) and
 * the NumPy formulas of sMAPE and MASE (scripts/make_series_fixtures.py).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  forecastMetrics, meanAbsoluteScaledError, seasonalNaiveScale, symmetricMeanAbsolutePercentageError,
} from '../src/metrics/forecast.js';
import { MetricError } from '../src/metrics/errors.js';

interface Fixture {
  train: (number | null)[];
  season: number;
  scale: number;
  cases: { y_true: number[] | number[][]; y_pred: number[] | number[][]; metrics: Record<string, number> }[];
  smape_zero: { y_true: number[]; y_pred: number[]; smape: number };
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/series/metrics.json', import.meta.url), 'utf8')) as Fixture;
const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('seasonal-naive scale (MASE denominator) skips pairs with a missing value, as the NumPy formula', () => {
  const train = fx.train.map((v) => (v === null ? Number.NaN : v));
  close(seasonalNaiveScale(train, fx.season), fx.scale, 'scale');
  assert.equal(seasonalNaiveScale([1, 2, 3, 5, 6, 8], 2), 2.75);
  assert.ok(Number.isNaN(seasonalNaiveScale([1, 2], 5)));
  assert.throws(() => seasonalNaiveScale([1, 2, 3], 0), MetricError);
});

test('forecastMetrics matches scikit-learn and NumPy on 1-D and [n, 3] forecasts', () => {
  for (const c of fx.cases) {
    const got = forecastMetrics(c.y_true, c.y_pred, fx.scale);
    for (const [name, want] of Object.entries(c.metrics)) close(got[name], want, `${name} (${Array.isArray(c.y_true[0]) ? '2-D' : '1-D'})`);
  }
});

test('sMAPE: 0 where truth and forecast are both 0; MASE with a zero scale is infinite', () => {
  close(symmetricMeanAbsolutePercentageError(fx.smape_zero.y_true, fx.smape_zero.y_pred), fx.smape_zero.smape, 'smape');
  assert.equal(meanAbsoluteScaledError([1, 2], [1, 3], 0), Number.POSITIVE_INFINITY);
  assert.throws(() => symmetricMeanAbsolutePercentageError([1, 2], [1]), /inconsistent numbers of samples/);
  assert.throws(() => meanAbsoluteScaledError([1, Number.NaN], [1, 2], 1), /must be finite/);
});
