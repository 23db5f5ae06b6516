/**
 * The time-series path of the data step. A table is a series when explore's detection says so
 * (a sorted date column, mostly equal steps; see explore/series.ts) or `data.series.time` names
 * the time column, and the target is numeric. Then the time orders the rows and the model reads
 * windows: `lookback` steps of the target (and covariates) predict the next `horizon` values.
 *
 * - The rows are put on the regular grid of the detected step (src/data/series/regular.ts):
 *   duplicate times and off-grid rows are errors naming the rows; gaps of at most `fillLimit`
 *   steps (a quarter of the lookback) get rows with missing values, longer ones are errors.
 * - Missing inputs in runs of at most `fillLimit` steps are interpolated linearly; windows whose
 *   inputs still miss a value, or whose target is missing, are skipped (the notes count both).
 * - The ordered rows are cut into train / validation / test spans by `data.split` (or the test
 *   span is a separate `data.test` file); windows never cross a span, nothing is shuffled
 *   across them (src/data/series/windows.ts), and scaling is fitted on the training windows
 *   (src/data/series/encode.ts).
 * - Beside each span's windows come the truths and the naive and seasonal-naive forecasts of the
 *   same rows, and the MASE scale (the seasonal-naive MAE over the training span).
 */
import { timesOf, detectSeries, type SeriesInfo } from '../explore/series.js';
import { evidentTarget } from '../explore/target_guess.js';
import { seasonalNaiveScale } from '../../metrics/forecast.js';
import { encodeWindows, encodeInput, fitScaling, type SeriesScaling, type SeriesWindows } from '../series/encode.js';
import { formatTime, regularSeries, type RegularSeries } from '../series/regular.js';
import { autoLookback, seasonOf } from '../series/season.js';
import { fillShortRuns, makeWindows, type Windows } from '../series/windows.js';
import { Table } from '../table/table.js';
import { DataRequestError } from './errors.js';
import { loadTable, requireColumn } from './load_table.js';
import type { PrepareOptions, SeriesOptions } from './options.js';
import type { TargetEncoding } from './target.js';
import type { Arrays, PreparedData } from './types.js';

/** How a series becomes windows and model inputs; saved in model.json so evaluate and predict repeat it. */
export interface SeriesPreprocessingJSON {
  type: 'series';
  /** The time column, read as dates or as yyyymmdd numbers. */
  time: string;
  timeFormat: 'datetime' | 'yyyymmdd';
  stepMs: number;
  stepText: string;
  /** Steps per season (52 for weekly data); 1 without a calendar cycle. */
  season: number;
  lookback: number;
  horizon: number;
  /** Input columns in model order: the target, then the covariates. */
  inputs: string[];
  scaling: SeriesScaling;
  /** Longest run of missing inputs (and longest gap) filled, in steps. */
  fillLimit: number;
  /** MASE's denominator: the seasonal-naive MAE over the training span (null when it has no pair one season apart). */
  maseScale: number | null;
}

/** Each span's windows with truths and baselines, and the target over time (for the forecast plot). */
export interface SeriesSplits {
  train: SeriesWindows;
  val: SeriesWindows;
  test: SeriesWindows;
  history: { times: Float64Array; values: Float64Array };
}

const DEFAULTS: SeriesOptions = { time: null, lookback: null, horizon: 1, stride: 1, covariates: null };

/** A quarter of the lookback, at least 1. */
const fillLimitOf = (lookback: number): number => Math.max(1, Math.floor(lookback / 4));

/** The numeric values of a column, or a request error naming it. */
function numeric(table: Table, name: string, role: string, file: string): Float64Array {
  requireColumn(table, name, role, file);
  const s = table.column(name).storage;
  if (s.type !== 'float64') throw new DataRequestError(`${role} column '${name}' of ${file} is not numeric (${table.column(name).kind}); a forecaster reads numbers`);
  return s.values;
}

/** The times of `name` as epoch ms, or a request error saying what the column holds. */
function timeValues(table: Table, name: string, file: string): { t: Float64Array; fromNumbers: boolean } {
  requireColumn(table, name, 'time', file);
  const tt = timesOf(table, name);
  if (tt === null) throw new DataRequestError(`time column '${name}' of ${file} holds neither dates nor yyyymmdd numbers (${table.column(name).kind})`);
  return tt;
}

/** Explore's reading of the series over the named time column (rows sorted first), or a request error. */
function seriesOver(table: Table, time: string, file: string): SeriesInfo & { stepText: string } {
  const tt = timeValues(table, time, file);
  const order = Array.from(tt.t.keys()).filter((i) => tt.t[i] === tt.t[i]).sort((a, b) => tt.t[a] - tt.t[b] || a - b);
  const others = table.columnNames.filter((c) => c !== time);
  const info = detectSeries(table.take(order).select([time, ...others]));
  if (info === null || info.timeColumn !== time) {
    throw new DataRequestError(`data.series.time '${time}': ${file} is not a regular series over it (it needs at least 10 dated rows, most of them one step apart)`);
  }
  return info;
}

/** What the series of a training table is: time, target, inputs and sizes. */
interface SeriesPlan {
  info: SeriesInfo & { stepText: string };
  target: string;
  inputs: string[];
  season: number;
  lookback: number;
  horizon: number;
  stride: number;
}

/** The series plan of a training table, or null when it is not a series (then it is trained row by row). */
function planOf(table: Table, options: PrepareOptions, notes: string[]): SeriesPlan | null {
  const cfg = options.data;
  const so = cfg.series === undefined ? DEFAULTS : cfg.series;
  if (so === null) return null;
  const info = so.time !== null ? seriesOver(table, so.time, cfg.path) : detectSeries(table);
  if (info === null) return null;
  const explicit = so.time !== null;
  const guessNotes: string[] = [];
  const target = cfg.target ?? evidentTarget(table, cfg.path, guessNotes);
  requireColumn(table, target, 'target', cfg.path);
  if (table.column(target).storage.type !== 'float64') {
    if (explicit) numeric(table, target, 'target', cfg.path);
    return null; // a dated table with classes: rows are examples
  }
  notes.push(...guessNotes);
  if (target === info.timeColumn) throw new DataRequestError(`the target '${target}' is the time column of the series`);
  const covariates = so.covariates ?? (cfg.features ?? info.valueColumns).filter((c) => c !== target && c !== info.timeColumn && !cfg.drop.includes(c));
  for (const c of covariates) numeric(table, c, 'data.series.covariates', cfg.path);
  const season = seasonOf(info.stepMs);
  const lookback = so.lookback ?? autoLookback(season, table.rowCount);
  return { info, target, inputs: [target, ...covariates], season, lookback, horizon: so.horizon, stride: so.stride };
}

/** The rows of `table` on the plan's grid. */
function regularOf(table: Table, file: string, time: string, inputs: readonly string[], stepMs: number, stepText: string, fillLimit: number): RegularSeries {
  const tt = timeValues(table, time, file);
  const columns = inputs.map((c, i) => numeric(table, c, i === 0 ? 'target' : 'covariate', file));
  return regularSeries(file, tt.t, columns, stepMs, stepText, fillLimit);
}

/** Windows over a regular series (input 0 is the target). */
function windowsOf(rs: RegularSeries, time: string, inputs: readonly string[], lookback: number, horizon: number, stride: number, split: [number, number, number], fill: number): Windows {
  const table = Table.fromStorage([
    { name: time, storage: { type: 'datetime', values: rs.times } },
    ...inputs.map((name, j) => ({ name, storage: { type: 'float64' as const, values: rs.values[j] } })),
  ]);
  return makeWindows(table, { time, target: inputs[0], features: [...inputs], lookback, horizon, stride, split, fill });
}

/** The notes of a regular series and its windows. */
function seriesNotes(rs: RegularSeries, w: Windows, stepText: string): string[] {
  const notes: string[] = [];
  if (rs.rowsWithoutTime > 0) notes.push(`${rs.rowsWithoutTime} row(s) without a time left out`);
  if (rs.inserted > 0) notes.push(`${rs.gaps} gap(s) in the dates: ${rs.inserted} missing step(s) of ${stepText} added and filled like missing values`);
  if (w.report.filledInputs > 0) notes.push(`${w.report.filledInputs} missing input value(s) interpolated linearly (runs of at most ${Math.max(1, Math.floor(w.lookback / 4))} steps)`);
  if (w.report.skippedMissing > 0) notes.push(`${w.report.skippedMissing} window(s) skipped: a missing target value, or a longer run of missing inputs`);
  return notes;
}

const arraysOf = (s: SeriesWindows): Arrays => ({ x: s.x, y: s.y, rows: s.count });

/** The training span's raw target, for MASE's scale. */
function trainSpan(w: Windows, rs: RegularSeries): Float64Array {
  const end = w.train.range?.[1] ?? Number.NEGATIVE_INFINITY;
  return rs.values[0].filter((_, i) => rs.times[i] <= end);
}

/** A request error when a span holds no window, with the numbers. */
function requireWindows(what: string, count: number, steps: number, lookback: number, horizon: number): void {
  if (count > 0) return;
  throw new DataRequestError(`the ${what} has ${steps} step(s) but no complete window: each needs lookback ${lookback} + horizon ${horizon} = ${lookback + horizon} ` +
    `consecutive steps with known values; use a longer series, or a smaller data.series.lookback`);
}

/** Steps of the series inside the range of a window set. */
const stepsIn = (range: [number, number] | null, stepMs: number): number => (range === null ? 0 : Math.round((range[1] - range[0]) / stepMs) + 1);

/**
 * Prepares a table file as a series, or returns null when it is not one (see the module notes).
 *
 * @example
 * const data = await prepareSeries({ data: { ...dataOptions, path: 'datasets/co2_mauna_loa_weekly.csv', target: 'co2' }, seed: 0 });
 * data?.inputShape; // [52, 1]
 */
export async function prepareSeries(options: PrepareOptions, loaded?: Table): Promise<PreparedData | null> {
  const cfg = options.data;
  if (cfg.series === null) return null;
  const table = loaded ?? await loadTable(cfg.path);
  const notes: string[] = [];
  const plan = planOf(table, options, notes);
  if (plan === null) return null;
  const { info, inputs, lookback, horizon, season } = plan;
  const fillLimit = fillLimitOf(lookback);
  const rs = regularOf(table, cfg.path, info.timeColumn, inputs, info.stepMs, info.stepText, fillLimit);
  const s = cfg.split;
  const split: [number, number, number] = cfg.test === null ? [s.train, s.val, s.test] : [s.train / (s.train + s.val), s.val / (s.train + s.val), 0];
  const w = windowsOf(rs, info.timeColumn, inputs, lookback, horizon, plan.stride, split, fillLimit);
  notes.push(...seriesNotes(rs, w, info.stepText));
  requireWindows(`training span (${Math.round(split[0] * 100)}% of ${rs.times.length} steps)`, w.train.count, stepsIn(w.train.range, info.stepMs), lookback, horizon);
  requireWindows(`validation span (${Math.round(split[1] * 100)}%)`, w.val.count, stepsIn(w.val.range, info.stepMs), lookback, horizon);
  const scaling = fitScaling(w.train, inputs.length);
  const trainSeries = trainSpan(w, rs);
  const scale = seasonalNaiveScale(trainSeries, season < trainSeries.length ? season : 1);
  const maseScale = Number.isFinite(scale) ? scale : null;
  const pre: SeriesPreprocessingJSON = {
    type: 'series', time: info.timeColumn, timeFormat: info.fromNumbers ? 'yyyymmdd' : 'datetime', stepMs: info.stepMs, stepText: info.stepText,
    season, lookback, horizon, inputs, scaling, fillLimit, maseScale,
  };
  const ordered = { times: w.ordered.times, target: w.ordered.target! };
  const [train, val] = [encodeWindows(w.train, scaling, ordered, season), encodeWindows(w.val, scaling, ordered, season)];
  let test = encodeWindows(w.test, scaling, ordered, season);
  if (cfg.test !== null) test = (await readSeriesFile(cfg.test, pre, 'test file')).windows;
  else requireWindows(`test span (${Math.round(split[2] * 100)}%)`, test.count, stepsIn(w.test.range, info.stepMs), lookback, horizon);
  notes.unshift(`a time series over ${info.timeColumn} (one step: ${info.stepText}, season ${season} steps): windows of ${lookback} steps predict the next ${horizon}` +
    `${inputs.length > 1 ? ` from ${inputs.join(', ')}` : ''}, split by time ${w.train.range ? `(training until ${formatTime(w.train.range[1], info.stepMs)})` : ''}`);
  const target: TargetEncoding = { column: plan.target, task: 'regression', classes: null, center: 0, scale: scaling.targetScale };
  return {
    task: 'regression', target,
    preprocessing: { ...pre, target },
    inputUnits: lookback * inputs.length, inputShape: [lookback, inputs.length],
    train: arraysOf(train), val: arraysOf(val), test: arraysOf(test),
    series: { train, val, test, history: { times: rs.times, values: rs.values[0] } },
    summary: {
      source: cfg.path, kind: 'series', rows: table.rowCount, columns: table.columns.length, task: 'regression', target: plan.target, classCounts: null,
      splits: { train: train.count, val: val.count, test: test.count }, inputUnits: lookback * inputs.length, notes,
    },
  };
}

/** A file of the series read with a trained recipe: its grid and its notes. */
async function readRegular(file: string, pre: SeriesPreprocessingJSON, what: string): Promise<{ rs: RegularSeries; rows: number }> {
  const table = await loadTable(file, what);
  return { rs: regularOf(table, file, pre.time, pre.inputs, pre.stepMs, pre.stepText, pre.fillLimit), rows: table.rowCount };
}

/**
 * Every window of a file (evaluate --data): each row that has a full lookback before it inside the
 * file, and a true value, is forecast.
 *
 * @example
 * const { windows, notes } = await readSeriesFile('later.csv', info.preprocessing);
 * windows.count; windows.truth;
 */
export async function readSeriesFile(file: string, pre: SeriesPreprocessingJSON, what = 'data file'): Promise<{ windows: SeriesWindows; rows: number; history: SeriesSplits['history']; notes: string[] }> {
  const { rs, rows } = await readRegular(file, pre, what);
  const w = windowsOf(rs, pre.time, pre.inputs, pre.lookback, pre.horizon, 1, [1, 0, 0], pre.fillLimit);
  requireWindows(`${what} ${file}`, w.train.count, rs.times.length, pre.lookback, pre.horizon);
  const windows = encodeWindows(w.train, pre.scaling, { times: w.ordered.times, target: w.ordered.target! }, pre.season);
  return { windows, rows, history: { times: rs.times, values: rs.values[0] }, notes: seriesNotes(rs, w, pre.stepText) };
}

/**
 * The model input of the last `lookback` steps of a file (predict), and the times of the next
 * `horizon` steps after its last time.
 *
 * @example
 * const { x, anchor, times } = await readLastWindow('recent.csv', info.preprocessing);
 * @throws DataRequestError when the file is shorter than the lookback or its last window misses values.
 */
export async function readLastWindow(file: string, pre: SeriesPreprocessingJSON): Promise<{ x: Float32Array; anchor: number; times: number[]; notes: string[] }> {
  const { rs } = await readRegular(file, pre, 'data file');
  const n = rs.times.length, L = pre.lookback, F = pre.inputs.length;
  if (n < L) throw new DataRequestError(`${file}: ${n} step(s), but the model reads the last ${L} (its lookback)`);
  const filled = rs.values.map((v) => fillShortRuns(v, rs.times, pre.fillLimit));
  const raw = new Float64Array(L * F);
  for (let t = 0; t < L; t++) {
    for (let f = 0; f < F; f++) {
      const s = n - L + t, v = filled[f].values[s];
      if (v !== v) {
        const where = rs.sourceRows[s] >= 0 ? `row ${rs.sourceRows[s] + 1}` : 'a step missing from the file';
        throw new DataRequestError(`${file}: '${pre.inputs[f]}' is missing at ${formatTime(rs.times[s], pre.stepMs)} (${where}), inside the last ${L} steps the forecast reads; ` +
          `runs of at most ${pre.fillLimit} missing values between known ones are interpolated`);
      }
      raw[t * F + f] = v;
    }
  }
  const filledCount = filled.reduce((a, f) => a + f.filled, 0);
  const notes = filledCount > 0 ? [`${filledCount} missing value(s) interpolated linearly`] : [];
  if (rs.inserted > 0) notes.push(`${rs.inserted} missing step(s) of ${pre.stepText} added`);
  const last = rs.times[n - 1];
  return { ...encodeInput(raw, pre.scaling), times: Array.from({ length: pre.horizon }, (_, h) => last + (h + 1) * pre.stepMs), notes };
}
