/**
 * Recognising a time series in a table: a datetime column (or whole numbers
 * written yyyymmdd in a column named like a date) whose values are sorted and
 * mostly equally spaced.
 */
import type { Table } from '../table/table.js';

/** What makes the table a series. */
export interface SeriesInfo {
  timeColumn: string;
  /** Times were read from yyyymmdd numbers. */
  fromNumbers: boolean;
  sorted: boolean;
  /** The most common step, in milliseconds, and its share of all steps. */
  stepMs: number;
  stepShare: number;
  /** Steps longer than the usual one (gaps). */
  gaps: number;
  duplicates: number;
  start: string;
  end: string;
  /** Numeric columns other than the time. */
  valueColumns: string[];
}

const DATE_NAME = /(date|time|day|week|month|period|timestamp)/i;

function yyyymmdd(v: number): number {
  if (!Number.isInteger(v) || v < 10000101 || v > 99991231) return NaN;
  const y = Math.floor(v / 10000), m = Math.floor(v / 100) % 100, d = v % 100;
  if (m < 1 || m > 12 || d < 1 || d > 31) return NaN;
  return Date.UTC(y, m - 1, d);
}

/** Times of a column as epoch ms, or null when it is not a time column. */
export function timesOf(table: Table, name: string): { t: Float64Array; fromNumbers: boolean } | null {
  const c = table.column(name);
  if (c.storage.type === 'datetime') return { t: c.storage.values, fromNumbers: false };
  if (c.storage.type !== 'float64' || c.kind !== 'integer' || !DATE_NAME.test(name)) return null;
  const t = c.storage.values.map(yyyymmdd);
  for (let i = 0; i < t.length; i++) if (t[i] !== t[i] && c.storage.values[i] === c.storage.values[i]) return null;
  return { t, fromNumbers: true };
}

function describeStep(ms: number): string {
  const units: [number, string][] = [[86400000 * 7, 'week'], [86400000, 'day'], [3600000, 'hour'], [60000, 'minute'], [1000, 'second']];
  for (const [u, name] of units) if (ms % u === 0) return `${ms / u} ${name}${ms / u === 1 ? '' : 's'}`;
  return `${ms} ms`;
}

/** The series info when `table` is a sorted, regular (≥ 80% equal steps) series; null otherwise. */
export function detectSeries(table: Table): (SeriesInfo & { stepText: string }) | null {
  for (const c of table.columns) {
    const tt = timesOf(table, c.name);
    if (tt === null) continue;
    const all = tt.t;
    let sorted = true, dup = 0, present = 0, prev = NaN, first = NaN;
    const steps = new Map<number, number>();
    for (let i = 0; i < all.length; i++) {
      const v = all[i];
      if (v !== v) continue;
      if (present === 0) first = v;
      else {
        const d = v - prev;
        if (d < 0) { sorted = false; break; }
        if (d === 0) dup++;
        else if (steps.size < 1000 || steps.has(d)) steps.set(d, (steps.get(d) ?? 0) + 1);
      }
      prev = v; present++;
    }
    if (!sorted || present < 10) continue;
    const t = [first, prev];
    const [step, n] = [...steps.entries()].sort((a, b) => b[1] - a[1])[0] ?? [0, 0];
    const share = n / Math.max(1, present - 1 - dup);
    if (share < 0.8) continue;
    let gaps = 0;
    for (const [d, k] of steps) if (d > step * 1.5) gaps += k;
    return {
      timeColumn: c.name, fromNumbers: tt.fromNumbers, sorted, stepMs: step, stepShare: share, gaps, duplicates: dup,
      start: new Date(t[0]).toISOString().slice(0, 10), end: new Date(t[t.length - 1]).toISOString().slice(0, 10),
      valueColumns: table.columns.filter((x) => x.name !== c.name && x.storage.type === 'float64').map((x) => x.name),
      stepText: describeStep(step),
    };
  }
  return null;
}
