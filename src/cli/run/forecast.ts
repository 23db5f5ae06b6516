/**
 * Forecasting runs (a model trained on a time series): the model over a span's windows, the
 * metrics in the target's units next to the naive (last value) and seasonal-naive (the value one
 * season back) forecasts of the same rows, the evaluation JSON with the forecast plot's data, and
 * the CSV of the next `horizon` values after a file's last time (`dlflow predict`).
 */
import { noGrad } from '../../autograd/grad_mode.js';
import { tidy } from '../../core/tensor.js';
import { readLastWindow, readSeriesFile, type SeriesPreprocessingJSON, type SeriesSplits } from '../../data/prepare/prepare_series.js';
import type { Preprocessing } from '../../data/prepare/preprocessing.js';
import type { PreparedData } from '../../data/prepare/types.js';
import { decodeOutputs, type SeriesWindows } from '../../data/series/encode.js';
import { formatTime } from '../../data/series/regular.js';
import { forecastMetrics } from '../../metrics/forecast.js';
import type { Module } from '../../nn/module.js';
import { UsageError } from '../errors.js';
import type { EvaluationJSON } from './evaluation.js';
import { inputTensor, type LoadedRun } from './setup.js';

export type SeriesPreprocessing = Extract<Preprocessing, { type: 'series' }>;

/** The evaluation of a forecaster: EvaluationJSON plus the baselines and the plot's data. */
export interface ForecastEvaluationJSON extends EvaluationJSON {
  forecast: {
    target: string;
    horizon: number;
    season: number;
    step: string;
    /** Windows evaluated, and windows left out because the seasonal-naive value was unknown. */
    windows: number;
    excluded: number;
    /** First and last forecast time, as the messages write them. */
    span: [string, string] | null;
    baselines: { naive: Record<string, number>; seasonal_naive: Record<string, number> };
    /** One step ahead: times (epoch ms), truth and forecast; history: the series before and during the span (thinned). */
    plot: { times: number[]; truth: number[]; predicted: number[]; historyTimes: number[]; history: number[] };
  };
}

/** The metrics rows of the terminal table and the report, in order. */
export const FORECAST_METRICS = ['mean_absolute_error', 'root_mean_squared_error', 'mean_absolute_percentage_error', 'smape', 'mase'] as const;

/**
 * The model's outputs `[count, horizon]` over encoded windows, in batches of 1024, without gradients.
 *
 * @example
 * const out = modelOutputs(model, data.series.test, [52, 1]);
 */
export function modelOutputs(model: Module, w: SeriesWindows, inputShape: readonly number[]): Float32Array {
  const units = inputShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(w.count * w.horizon);
  model.eval();
  for (let start = 0; start < w.count; start += 1024) {
    const n = Math.min(1024, w.count - start);
    const part = noGrad(() => tidy(() => Float32Array.from(model.forward(inputTensor(w.x.subarray(start * units, (start + n) * units), n, inputShape)).contiguous().dataSync() as Float32Array)));
    out.set(part, start * w.horizon);
  }
  return out;
}

/** Rows `keep` of a `[count, horizon]` array. */
function rowsOf(a: ArrayLike<number>, keep: readonly number[], horizon: number): number[][] {
  return keep.map((w) => Array.from({ length: horizon }, (_, h) => a[w * horizon + h]));
}

/** Every `step`-th index of `n`, and the last. */
function thinned(n: number, max: number): number[] {
  const step = Math.max(1, Math.ceil(n / max));
  const out: number[] = [];
  for (let i = 0; i < n; i += step) out.push(i);
  if (n > 0 && out[out.length - 1] !== n - 1) out.push(n - 1);
  return out;
}

const round = (v: number): number => Number(v.toPrecision(7));

/**
 * Evaluates a forecaster's encoded outputs on a span: metrics of the model and of the two
 * baselines on the same windows (those with a known seasonal-naive value), in the target's units.
 *
 * @example
 * const e = forecastEvaluation('test', pre, modelOutputs(model, data.series.test, data.inputShape), data.series.test, data.series.history);
 * e.metrics.mean_absolute_error; e.forecast.baselines.seasonal_naive.mean_absolute_error;
 */
export function forecastEvaluation(split: string, pre: SeriesPreprocessing, outputs: Float32Array, w: SeriesWindows, history: SeriesSplits['history']): ForecastEvaluationJSON {
  const H = w.horizon;
  const predicted = decodeOutputs(outputs, w.anchors, pre.scaling.targetScale);
  const keep: number[] = [];
  for (let i = 0; i < w.count; i++) {
    let ok = true;
    for (let h = 0; h < H; h++) if (!Number.isFinite(w.seasonalNaive[i * H + h])) ok = false;
    if (ok) keep.push(i);
  }
  const truth = rowsOf(w.truth, keep, H);
  const score = (p: ArrayLike<number>): Record<string, number> => (keep.length === 0 ? {} : forecastMetrics(truth, rowsOf(p, keep, H), pre.maseScale ?? Number.NaN));
  const metrics = score(predicted);
  const first = keep.length > 0 ? w.times[keep[0] * H] : Number.NaN, lastTime = keep.length > 0 ? w.times[keep[keep.length - 1] * H + H - 1] : Number.NaN;
  const plotRows = thinned(keep.length, 1500).map((k) => keep[k]);
  const end = Number.isFinite(lastTime) ? lastTime : Number.POSITIVE_INFINITY;
  const hist = thinned(history.times.length, 2000).filter((i) => history.times[i] <= end);
  return {
    split, rows: keep.length, task: 'regression', metrics, labels: null,
    forecast: {
      target: pre.target.column, horizon: H, season: pre.season, step: pre.stepText, windows: keep.length, excluded: w.count - keep.length,
      span: keep.length > 0 ? [formatTime(first, pre.stepMs), formatTime(lastTime, pre.stepMs)] : null,
      baselines: { naive: score(w.naive), seasonal_naive: score(w.seasonalNaive) },
      plot: {
        times: plotRows.map((i) => w.times[i * H]), truth: plotRows.map((i) => round(w.truth[i * H])), predicted: plotRows.map((i) => round(predicted[i * H])),
        historyTimes: hist.map((i) => history.times[i]), history: hist.map((i) => round(history.values[i])),
      },
    },
  };
}

/**
 * The terminal table: each metric for the model, the naive and the seasonal-naive forecast.
 *
 * @example
 * console.log(forecastTable(e));
 * // forecast of co2, 1 step ahead (1 week), test: 291 windows, 1996-06-01 to 2001-12-29
 * // metric                            model      naive  seasonal naive
 * // mean_absolute_error              0.2991     0.3948          1.6584 ...
 */
export function forecastTable(e: ForecastEvaluationJSON): string {
  const f = e.forecast;
  const head = `forecast of ${f.target}, ${f.horizon} step${f.horizon > 1 ? 's' : ''} ahead (${f.step}), ${e.split}: ${f.windows} window${f.windows === 1 ? '' : 's'}` +
    `${f.span ? `, ${f.span[0]} to ${f.span[1]}` : ''}${f.excluded > 0 ? ` (${f.excluded} without a value one season back left out)` : ''}`;
  const cell = (v: number | null | undefined): string => (v === undefined || v === null ? '—' : Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(4) : v.toExponential(3)).padStart(10);
  const lines = [head, `${'metric'.padEnd(32)}${'model'.padStart(10)}${'naive'.padStart(10)}${'seasonal naive'.padStart(16)}`];
  for (const m of FORECAST_METRICS) lines.push(`${m.padEnd(32)}${cell(e.metrics[m])}${cell(f.baselines.naive[m])}${cell(f.baselines.seasonal_naive[m]).padStart(16)}`);
  lines.push(`(mase: MAE over the seasonal-naive MAE of the training span, season ${f.season})`);
  return lines.join('\n');
}

/**
 * Evaluates a forecasting run on every window of `file` (evaluate --data): each row with a full
 * lookback before it inside the file, and a true value, is forecast.
 *
 * @example
 * const { evaluation, notes } = await evaluateForecastFile(run, 'later.csv');
 */
export async function evaluateForecastFile(run: LoadedRun, file: string): Promise<{ evaluation: ForecastEvaluationJSON; notes: string[] }> {
  const pre = run.info.preprocessing as SeriesPreprocessing;
  const r = await readSeriesFile(file, pre);
  return { evaluation: forecastEvaluation(file, pre, modelOutputs(run.model, r.windows, run.info.inputShape), r.windows, r.history), notes: r.notes };
}

/**
 * The test evaluation of freshly trained series data (null for other data), from the model's outputs on the test windows.
 *
 * @example
 * const e = seriesTestEvaluation(data, test.outputs.data) ?? evaluationOf('test', ...);
 */
export function seriesTestEvaluation(data: PreparedData, outputs: Float32Array): ForecastEvaluationJSON | null {
  if (data.series === undefined || data.preprocessing.type !== 'series') return null;
  return forecastEvaluation('test', data.preprocessing, outputs, data.series.test, data.series.history);
}

/** True for the evaluation of a forecaster. */
export const isForecastEvaluation = (e: EvaluationJSON): e is ForecastEvaluationJSON => 'forecast' in e;

const csvCell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** A time as the input file wrote it: yyyymmdd numbers stay numbers; dates are ISO. */
function timeCell(ms: number, pre: SeriesPreprocessingJSON): string {
  const iso = formatTime(ms, pre.stepMs);
  return pre.timeFormat === 'yyyymmdd' ? iso.slice(0, 10).replace(/-/g, '') : iso;
}

/**
 * The forecast of the next `horizon` steps after the last time of `file` (`dlflow predict` of a
 * series run), as CSV text `step,<time column>,<target>` with one row per step, and notes on what
 * was filled.
 *
 * @example
 * const { csv } = await forecastCsv(await loadRun('runs/co2'), 'recent.csv');
 * // step,date,co2
 * // 1,20020105,371.9
 */
export async function forecastCsv(run: LoadedRun, file: string): Promise<{ csv: string; notes: string[] }> {
  const pre = run.info.preprocessing as SeriesPreprocessing;
  if (pre.type !== 'series') throw new UsageError(`${run.dir} was not trained on a time series; dlflow predict writes one prediction per row for it`);
  const w = await readLastWindow(file, pre);
  run.model.eval();
  const out = noGrad(() => tidy(() => Float32Array.from(run.model.forward(inputTensor(w.x, 1, run.info.inputShape)).contiguous().dataSync() as Float32Array)));
  const values = decodeOutputs(out, [w.anchor], pre.scaling.targetScale);
  const lines = [['step', pre.time, pre.target.column].map(csvCell).join(',')];
  w.times.forEach((t, h) => lines.push([String(h + 1), timeCell(t, pre), values[h].toPrecision(8)].join(',')));
  return { csv: `${lines.join('\n')}\n`, notes: w.notes };
}
