/**
 * Sliding windows over a table with a time column, for forecasting or
 * sequence classification, split by time.
 *
 * Rows are ordered by time (a stable sort; rows with no time are set aside
 * and counted). The ordered rows are cut into contiguous train, validation
 * and test ranges by the split fractions; windows are made inside each range
 * only, so no window mixes rows of two splits and later data never reaches an
 * earlier split (windows that would straddle a boundary are not made, and are
 * counted). With `fill`, missing input values in runs of at most `fill` rows
 * between two known values are interpolated linearly in time first (targets are
 * never filled: a window predicts only values that were observed). Windows whose
 * inputs or targets still hold a missing value are skipped and counted. Nothing
 * is shuffled here; shuffling the training windows among
 * themselves (a DataLoader with shuffle) does not cross the split.
 *
 * A window starting at row s uses rows [s, s+lookback) as input
 * ([lookback, features] float32) and, for forecasting, the target at rows
 * [s+lookback, s+lookback+horizon) as output; for classification, the class
 * of the target at row s+lookback+horizon−1 (horizon 0: the last input row).
 * Window starts advance by `stride`.
 */
import { DataError } from '../errors.js';
import type { ArrayItem, Dataset } from '../loader/dataset.js';
import type { Table } from '../table/table.js';

/** Window settings. */
export interface WindowOptions {
  /** Time column (datetime or numeric). */
  time: string;
  /** Target column. */
  target: string;
  /** Input columns (numeric); default every numeric column except the time (and, for classification, the target). */
  features?: string[];
  lookback: number;
  /** Steps predicted (forecast, default 1) or label offset (classification, default 0). */
  horizon?: number;
  stride?: number;
  task?: 'forecast' | 'classification';
  /** Train/validation/test fractions of the ordered rows (default [0.7, 0.15, 0.15]). */
  split?: [number, number, number];
  /** Interpolate missing inputs in runs of at most this many rows (default 0: none). */
  fill?: number;
}

/** Windows of one split. */
export interface WindowSet extends Dataset<[ArrayItem, ArrayItem | number]> {
  /** [count, lookback, features] row-major. */
  x: Float32Array;
  /** Forecast: [count, horizon]; classification: class index per window. */
  y: Float32Array | Int32Array;
  count: number;
  /** Time of each window's first target row (or label row), as stored (epoch ms for datetimes). */
  targetTimes: Float64Array;
  /** First and last time of the rows this split covers. */
  range: [number, number] | null;
  /** Each window's first row, as a position in the time-ordered rows. */
  starts: Int32Array;
}

/** What windowing found. */
export interface WindowReport {
  rows: number;
  rowsWithoutTime: number;
  /** Rows were not in time order in the table (they have been sorted). */
  sorted: boolean;
  duplicateTimes: number;
  /** Windows skipped for a missing input or target value. */
  skippedMissing: number;
  /** Windows not made because they would cross a split boundary. */
  droppedAtBoundaries: number;
  /** Missing input values interpolated (see `fill`). */
  filledInputs: number;
  features: string[];
  classes?: string[];
}

/** Train/val/test windows and the report. */
export interface Windows {
  train: WindowSet;
  val: WindowSet;
  test: WindowSet;
  lookback: number;
  horizon: number;
  features: string[];
  report: WindowReport;
  /** The rows in time order: their times, and (forecasting) the target as the inputs see it (filled). */
  ordered: { times: Float64Array; target: Float64Array | null };
}

function numericValues(table: Table, name: string, what: string): Float64Array {
  const s = table.column(name).storage;
  if (s.type === 'dict') throw new DataError('<table>', undefined, undefined, `${what} column ${JSON.stringify(name)} is not numeric (${table.column(name).kind}); encode it first`);
  return s.values;
}

/** Make windows; see the module notes. @throws DataError for non-numeric features or bad sizes. */
export function makeWindows(table: Table, o: WindowOptions): Windows {
  const task = o.task ?? 'forecast';
  const horizon = o.horizon ?? (task === 'forecast' ? 1 : 0);
  const stride = o.stride ?? 1, lookback = o.lookback;
  if (!(lookback >= 1 && stride >= 1 && horizon >= 0 && (task === 'classification' || horizon >= 1))) throw new RangeError(`makeWindows: need lookback ≥ 1, stride ≥ 1 and horizon ≥ ${task === 'forecast' ? 1 : 0}`);
  const timeCol = table.column(o.time).storage;
  if (timeCol.type === 'dict') throw new DataError('<table>', undefined, undefined, `time column ${JSON.stringify(o.time)} holds text; it must read as dates or numbers`);
  const features = o.features ?? table.columns.filter((c) => c.name !== o.time && c.storage.type === 'float64' && !(task === 'classification' && c.name === o.target)).map((c) => c.name);
  const raw = features.map((f) => numericValues(table, f, 'feature'));
  const order: number[] = [];
  for (let i = 0; i < table.rowCount; i++) if (timeCol.values[i] === timeCol.values[i]) order.push(i);
  const rowsWithoutTime = table.rowCount - order.length;
  let sorted = true;
  for (let k = 1; k < order.length; k++) if (timeCol.values[order[k]] < timeCol.values[order[k - 1]]) { sorted = false; break; }
  if (!sorted) order.sort((a, b) => timeCol.values[a] - timeCol.values[b] || a - b);
  const filled = { count: 0 };
  const fv = (o.fill ?? 0) > 0 ? raw.map((v) => fillRuns(v, order, timeCol.values, o.fill!, filled)) : raw;
  let duplicateTimes = 0;
  for (let k = 1; k < order.length; k++) if (timeCol.values[order[k]] === timeCol.values[order[k - 1]]) duplicateTimes++;
  // target: numbers, or class codes
  let yNum: Float64Array | null = null, yCode: Int32Array | null = null, classes: string[] | undefined;
  const ts = table.column(o.target).storage;
  if (task === 'forecast') yNum = numericValues(table, o.target, 'target');
  else if (ts.type === 'dict') { yCode = ts.codes; classes = [...ts.dictionary]; } else {
    const levels = [...new Set(Array.from(ts.values).filter((v) => v === v))].sort((a, b) => a - b);
    const idx = new Map(levels.map((v, i) => [v, i]));
    yCode = Int32Array.from(ts.values, (v) => (v === v ? idx.get(v)! : -1));
    classes = levels.map(String);
  }
  const fr = o.split ?? [0.7, 0.15, 0.15];
  const n = order.length;
  const b1 = Math.floor(n * fr[0]), b2 = Math.floor(n * (fr[0] + fr[1]));
  const report: WindowReport = { rows: table.rowCount, rowsWithoutTime, sorted, duplicateTimes, skippedMissing: 0, droppedAtBoundaries: 0, filledInputs: filled.count, features, classes };
  const span = lookback + (task === 'forecast' ? horizon : Math.max(horizon, 0));
  const labelAt = (s: number): number => s + lookback + horizon - 1;
  const make = (lo: number, hi: number): WindowSet => {
    const starts: number[] = [];
    for (let s = lo; s + Math.max(span, lookback) <= hi; s += stride) {
      let ok = true;
      for (let r = s; r < s + lookback && ok; r++) for (const v of fv) if (v[order[r]] !== v[order[r]]) { ok = false; break; }
      if (ok && yNum !== null) for (let r = s + lookback; r < s + lookback + horizon; r++) if (yNum[order[r]] !== yNum[order[r]]) { ok = false; break; }
      if (ok && yCode !== null && yCode[order[labelAt(s)]] < 0) ok = false;
      if (ok) starts.push(s); else report.skippedMissing++;
    }
    return windowSet(starts, order, fv, lookback, horizon, yNum, yCode, labelAt, timeCol.values, lo < hi ? [timeCol.values[order[lo]], timeCol.values[order[hi - 1]]] : null);
  };
  const total = n < span ? 0 : Math.floor((n - Math.max(span, lookback)) / stride) + 1;
  const w = { train: make(0, b1), val: make(b1, b2), test: make(b2, n) };
  report.droppedAtBoundaries = Math.max(0, total - w.train.count - w.val.count - w.test.count - report.skippedMissing);
  const targetAsInput = features.indexOf(o.target);
  const orderedTarget = yNum === null ? null : Float64Array.from(order, (r) => (targetAsInput >= 0 ? fv[targetAsInput] : yNum!)[r]);
  return { ...w, lookback, horizon, features, report, ordered: { times: Float64Array.from(order, (r) => timeCol.values[r]), target: orderedTarget } };
}

/**
 * Values in time order with each run of at most `limit` missing values between two known ones
 * interpolated linearly in time (runs at either end stay missing).
 *
 * @example
 * fillShortRuns(Float64Array.of(1, NaN, 3, NaN, NaN, NaN, 7), Float64Array.of(0, 1, 2, 3, 4, 5, 6), 2);
 * // { values: [1, 2, 3, NaN, NaN, NaN, 7], filled: 1 }
 */
export function fillShortRuns(values: Float64Array, times: Float64Array, limit: number): { values: Float64Array; filled: number } {
  const filled = { count: 0 };
  const order = Array.from({ length: values.length }, (_, i) => i);
  return { values: fillRuns(values, order, times, limit, filled), filled: filled.count };
}

/**
 * `v` with each run of at most `limit` missing values (in `order`) between two known ones
 * interpolated linearly in time; `filled.count` counts the values filled.
 */
function fillRuns(v: Float64Array, order: readonly number[], times: Float64Array, limit: number, filled: { count: number }): Float64Array {
  const out = Float64Array.from(v);
  let last = -1; // position in `order` of the last known value
  for (let k = 0; k < order.length; k++) {
    if (v[order[k]] !== v[order[k]]) continue;
    const gap = k - last - 1;
    if (last >= 0 && gap > 0 && gap <= limit) {
      const [ta, tb, a, b] = [times[order[last]], times[order[k]], v[order[last]], v[order[k]]];
      for (let j = last + 1; j < k; j++) out[order[j]] = a + (b - a) * (times[order[j]] - ta) / (tb - ta);
      filled.count += gap;
    }
    last = k;
  }
  return out;
}

function windowSet(starts: number[], order: number[], fv: Float64Array[], lookback: number, horizon: number,
  yNum: Float64Array | null, yCode: Int32Array | null, labelAt: (s: number) => number, times: Float64Array, range: [number, number] | null): WindowSet {
  const F = fv.length, count = starts.length;
  const x = new Float32Array(count * lookback * F);
  const y = yNum !== null ? new Float32Array(count * horizon) : new Int32Array(count);
  const targetTimes = new Float64Array(count);
  starts.forEach((s, w) => {
    for (let t = 0; t < lookback; t++) for (let f = 0; f < F; f++) x[(w * lookback + t) * F + f] = fv[f][order[s + t]];
    if (yNum !== null) { for (let h = 0; h < horizon; h++) y[w * horizon + h] = yNum[order[s + lookback + h]]; targetTimes[w] = times[order[s + lookback]]; } else { y[w] = yCode![order[labelAt(s)]]; targetTimes[w] = times[order[labelAt(s)]]; }
  });
  return {
    x, y, count, targetTimes, range, length: count, starts: Int32Array.from(starts),
    getItem(i: number): [ArrayItem, ArrayItem | number] {
      const xi = { data: x.slice(i * lookback * F, (i + 1) * lookback * F), shape: [lookback, F] };
      return yNum !== null ? [xi, { data: (y as Float32Array).slice(i * horizon, (i + 1) * horizon), shape: [horizon] }] : [xi, y[i]];
    },
  };
}
