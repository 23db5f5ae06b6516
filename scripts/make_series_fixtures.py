#!/usr/bin/env python3
"""Reference values for the forecasting tests (test/series_*.test.ts), from scikit-learn and NumPy.

Writes test/fixtures/series/:
- metrics.json: mean_absolute_error, root_mean_squared_error (sqrt of MSE per output, averaged),
  mean_absolute_percentage_error and r2 from scikit-learn; sMAPE and MASE from the NumPy formulas
  below, on 1-D and [n, 3] inputs.
- co2_reference.json: the bundled weekly CO2 series windowed as dlflow does by default (70/15/15
  split by time, lookback 52, horizon 1, missing inputs in runs of at most 13 steps interpolated,
  windows with a missing target or a longer run skipped): window counts, the MASE scale, the naive
  and seasonal-naive metrics on the test span, and the linear autoregressive baseline: scikit-learn
  Ridge over the same 52 lags, on the raw values and on values relative to the window's last one.

Run: /usr/bin/python3 scripts/make_series_fixtures.py
"""
import csv
import json
import os

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_absolute_error, mean_absolute_percentage_error, mean_squared_error, r2_score

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'series')


def smape(t, p):
    """Mean of 2|t - p| / (|t| + |p|), 0 where both are 0 (a fraction in [0, 2])."""
    t, p = np.asarray(t, float), np.asarray(p, float)
    den = np.abs(t) + np.abs(p)
    return float(np.mean(np.where(den == 0, 0.0, 2 * np.abs(t - p) / np.where(den == 0, 1, den))))


def mase_scale(train, m):
    """Mean |y_t - y_{t-m}| over the training series, pairs with a NaN skipped."""
    train = np.asarray(train, float)
    d = np.abs(train[m:] - train[:-m])
    return float(np.mean(d[~np.isnan(d)]))


def sk_metrics(t, p, scale):
    t, p = np.asarray(t, float), np.asarray(p, float)
    return {
        'mean_absolute_error': float(mean_absolute_error(t, p)),
        'root_mean_squared_error': float(np.mean(np.sqrt(mean_squared_error(t, p, multioutput='raw_values')))),
        'mean_absolute_percentage_error': float(mean_absolute_percentage_error(t, p)),
        'smape': smape(t, p),
        'mase': float(mean_absolute_error(t, p) / scale),
        'r2': float(r2_score(t, p)),
    }


def metrics_fixture():
    rng = np.random.default_rng(0)
    train = np.cumsum(rng.normal(0.5, 1, 60)) + 10 * np.sin(np.arange(60) * 2 * np.pi / 12)
    train[[7, 30]] = np.nan
    scale = mase_scale(train, 12)
    cases = []
    for shape in [(25,), (20, 3)]:
        t = rng.normal(50, 10, shape)
        p = t + rng.normal(0, 3, shape)
        cases.append({'y_true': t.tolist(), 'y_pred': p.tolist(), 'metrics': sk_metrics(t, p, scale)})
    zero = {'y_true': [0.0, 1.0, -2.0], 'y_pred': [0.0, 1.5, -1.0], 'smape': smape([0.0, 1.0, -2.0], [0.0, 1.5, -1.0])}
    return {'train': [None if np.isnan(v) else float(v) for v in train], 'season': 12, 'scale': scale, 'cases': cases, 'smape_zero': zero}


def fill_short_runs(y, limit):
    """Runs of at most `limit` NaNs between two known values, interpolated linearly."""
    f = y.copy()
    known = np.flatnonzero(~np.isnan(y))
    for a, b in zip(known[:-1], known[1:]):
        if 1 < b - a <= limit + 1:
            f[a + 1:b] = y[a] + (y[b] - y[a]) * np.arange(1, b - a) / (b - a)
    return f


def co2_fixture():
    with open(os.path.join(ROOT, 'datasets', 'co2_mauna_loa_weekly.csv')) as fh:
        rows = list(csv.reader(fh))[1:]
    y = np.array([float(r[1]) if r[1] else np.nan for r in rows])
    n, L, H, m = len(y), 52, 1, 52
    f = fill_short_runs(y, L // 4)
    b1, b2 = int(np.floor(n * 0.7)), int(np.floor(n * 0.85))

    def windows(lo, hi):
        s = [s for s in range(lo, hi - L - H + 1) if not np.isnan(f[s:s + L]).any() and not np.isnan(y[s + L:s + L + H]).any()]
        X = np.array([f[i:i + L] for i in s])
        Y = np.array([y[i + L:i + L + H] for i in s])
        return np.array(s), X, Y

    _, X, Y = windows(0, b1)
    _, Xv, Yv = windows(b1, b2)
    St, Xt, Yt = windows(b2, n)
    scale = mase_scale(y[:b1], m)
    naive = Xt[:, -1:]
    snaive = np.array([f[s + L - m:s + L - m + H] for s in St])
    ridge = Ridge(alpha=1.0).fit(X, Y[:, 0])
    ridge_rel = Ridge(alpha=1.0).fit(X - X[:, -1:], Y[:, 0] - X[:, -1])
    out = {
        'lookback': L, 'horizon': H, 'season': m, 'windows': {'train': len(X), 'val': len(Xv), 'test': len(Xt)}, 'mase_scale': scale,
        'test_first_target': rows[St[0] + L][0], 'test_last_target': rows[St[-1] + L][0],
        'naive': sk_metrics(Yt, naive, scale), 'seasonal_naive': sk_metrics(Yt, snaive, scale),
        'ridge_raw_lags': sk_metrics(Yt[:, 0], ridge.predict(Xt), scale),
        'ridge_relative_lags': sk_metrics(Yt[:, 0], ridge_rel.predict(Xt - Xt[:, -1:]) + Xt[:, -1], scale),
        'filled_inputs': int(np.sum(np.isnan(y) & ~np.isnan(f))),
    }
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, value in [('metrics.json', metrics_fixture()), ('co2_reference.json', co2_fixture())]:
        with open(os.path.join(OUT, name), 'w') as fh:
            json.dump(value, fh, indent=1)
            fh.write('\n')
    print(json.dumps(co2_fixture(), indent=1))


if __name__ == '__main__':
    main()
