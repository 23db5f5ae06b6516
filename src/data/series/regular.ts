/**
 * A series put on its regular time grid, the way forecasting needs it: rows ordered by time
 * (a stable sort), every step present once. What does not fit is handled the documented way:
 *
 * - a row without a time is left out (counted);
 * - two rows with the same time are an error naming both rows and the time (aggregate first);
 * - a row off the grid (its distance to the previous row is not a whole number of steps) is an
 *   error naming it;
 * - a gap of at most `maxGap` missing steps gets rows with missing values (filled later like any
 *   missing value, see windows.ts), counted; a longer gap is an error naming the first one with
 *   its dates.
 *
 * Rows are named 1-based, as `dlflow predict` numbers them.
 */
import { DataError } from '../errors.js';

/** A series on its grid. */
export interface RegularSeries {
  /** Time of each step (epoch ms), ascending, exactly one step apart. */
  times: Float64Array;
  /** Each column's values on the grid (NaN: missing in the file, or a step the file lacks). */
  values: Float64Array[];
  /** Source row (0-based) of each step; -1 for a step inserted into a small gap. */
  sourceRows: Int32Array;
  rowsWithoutTime: number;
  /** Steps inserted into small gaps, and how many gaps. */
  inserted: number;
  gaps: number;
}

/**
 * A date as the messages write it: `2001-03-04` when the step is whole days, else the ISO time.
 *
 * @example
 * formatTime(Date.UTC(2001, 2, 4), 86_400_000); // '2001-03-04'
 */
export function formatTime(ms: number, stepMs: number): string {
  const iso = new Date(ms).toISOString();
  return stepMs % 86_400_000 === 0 && ms % 86_400_000 === 0 ? iso.slice(0, 10) : iso;
}

/**
 * Puts rows with `times` (epoch ms, NaN when missing) and `columns` onto the grid of `stepMs`.
 *
 * @example
 * const s = regularSeries('co2.csv', times, [co2], 7 * 86_400_000, '1 week', 13);
 * s.times.length; s.inserted;
 * @throws DataError naming the rows of a duplicate time, an off-grid row or a gap longer than `maxGap`.
 */
export function regularSeries(file: string, times: Float64Array, columns: readonly Float64Array[], stepMs: number, stepText: string, maxGap: number): RegularSeries {
  const order: number[] = [];
  for (let i = 0; i < times.length; i++) if (times[i] === times[i]) order.push(i);
  const rowsWithoutTime = times.length - order.length;
  order.sort((a, b) => times[a] - times[b] || a - b);
  const at = (k: number): string => `row ${order[k] + 1} (${formatTime(times[order[k]], stepMs)})`;
  let steps = order.length === 0 ? 0 : 1, inserted = 0, gaps = 0, duplicates = 0, firstDuplicate = -1;
  for (let k = 1; k < order.length; k++) {
    const d = times[order[k]] - times[order[k - 1]];
    if (d === 0) { duplicates++; if (firstDuplicate < 0) firstDuplicate = k; continue; }
    const n = d / stepMs;
    if (!Number.isInteger(n)) {
      throw new DataError(file, undefined, undefined, `${at(k)} is not a whole number of steps after ${at(k - 1)}; the series steps by ${stepText}`);
    }
    if (n - 1 > maxGap) {
      throw new DataError(file, undefined, undefined, `a gap of ${n - 1} missing steps of ${stepText} between ${at(k - 1)} and ${at(k)}; ` +
        `gaps of at most ${maxGap} steps are filled, longer ones must be filled or cut out of the file first`);
    }
    if (n > 1) { inserted += n - 1; gaps++; }
    steps += n;
  }
  if (duplicates > 0) {
    const k = firstDuplicate;
    throw new DataError(file, undefined, undefined, `rows ${order[k - 1] + 1} and ${order[k] + 1} have the same time ${formatTime(times[order[k]], stepMs)}` +
      `${duplicates > 1 ? ` (${duplicates} duplicate times in all)` : ''}; a series needs one row per step: aggregate the duplicates first`);
  }
  const grid = new Float64Array(steps);
  const sourceRows = new Int32Array(steps).fill(-1);
  const values = columns.map(() => new Float64Array(steps).fill(Number.NaN));
  const t0 = order.length > 0 ? times[order[0]] : 0;
  for (let s = 0; s < steps; s++) grid[s] = t0 + s * stepMs;
  for (const r of order) {
    const s = Math.round((times[r] - t0) / stepMs);
    sourceRows[s] = r;
    columns.forEach((c, j) => { values[j][s] = c[r]; });
  }
  return { times: grid, values, sourceRows, rowsWithoutTime, inserted, gaps };
}
