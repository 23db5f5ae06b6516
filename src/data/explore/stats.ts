/**
 * Summary statistics of one column, computed from its typed storage.
 * Conventions follow pandas/NumPy so numbers can be checked against them:
 * sample standard deviation (ddof = 1), quantiles by linear interpolation,
 * histogram bins as `numpy.histogram` (last bin closed on the right).
 */
import { nonMissingSorted, rememberUnique } from '../table/infer.js';
import { quantileCuts, rememberCuts } from './association.js';
import { codeCounts, type DictStorage } from '../table/storage.js';

/** Numeric summary. `std` is NaN with fewer than two values. */
export interface NumericStats {
  min: number;
  max: number;
  mean: number;
  std: number;
  q25: number;
  q50: number;
  q75: number;
}

/** Histogram: `counts[i]` values in `[edges[i], edges[i+1])`, the last bin closed. */
export interface Histogram {
  edges: number[];
  counts: number[];
}

/** A frequent value and how often it occurs. */
export interface TopValue {
  value: string | number;
  count: number;
}

/** Quantile `q` of ascending `sorted` by linear interpolation (pandas' default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const f = pos - lo;
  return f === 0 ? sorted[lo] : sorted[lo] + (sorted[hi] - sorted[lo]) * f;
}

/**
 * Min, max, mean, sample std and quartiles of the non-missing values of `v`,
 * with the distinct count and the `topK` most frequent values, in two passes
 * over the sorted values (runs, sum and top values; then squared deviations).
 */
export function numericStats(v: Float64Array, topK = 10): NumericStats & { count: number; unique: number; sorted: Float64Array; top: TopValue[] } {
  const sorted = nonMissingSorted(v);
  const n = sorted.length;
  let sum = 0, unique = 0;
  const vals: number[] = [], counts: number[] = [];
  for (let i = 0; i < n;) {
    const x = sorted[i];
    let j = i + 1;
    sum += x;
    while (j < n && sorted[j] === x) { sum += x; j++; } // element by element, as a plain sum would
    const c = j - i;
    unique++;
    if (topK > 0 && (counts.length < topK || c > counts[counts.length - 1])) insertTop(vals, counts, x, c, topK);
    i = j;
  }
  rememberUnique(v, unique);
  // remembered while the sorted copy exists: the cuts target association uses (10 bins)
  rememberCuts(v, 10, quantileCuts(sorted, 10));
  const mean = n === 0 ? NaN : sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) { const d = sorted[i] - mean; ss += d * d; }
  return {
    count: n,
    unique,
    sorted,
    top: vals.map((value, k) => ({ value, count: counts[k] })),
    min: n === 0 ? NaN : sorted[0],
    max: n === 0 ? NaN : sorted[n - 1],
    mean,
    std: n < 2 ? NaN : Math.sqrt(ss / (n - 1)),
    q25: quantile(sorted, 0.25),
    q50: quantile(sorted, 0.5),
    q75: quantile(sorted, 0.75),
  };
}

/** Insert value `x` seen `c` times into the descending top list (ties: the earlier, smaller value first). */
function insertTop(vals: number[], counts: number[], x: number, c: number, k: number): void {
  let p = counts.length < k ? counts.length : counts.length - 1;
  while (p > 0 && counts[p - 1] < c) { if (p < k) { counts[p] = counts[p - 1]; vals[p] = vals[p - 1]; } p--; }
  counts[p] = c; vals[p] = x;
}

/** Histogram of ascending `sorted` with `bins` equal-width bins over [min, max], as `numpy.histogram`. */
export function histogram(sorted: Float64Array, bins: number): Histogram {
  const n = sorted.length;
  if (n === 0) return { edges: [], counts: [] };
  let first = sorted[0], last = sorted[n - 1];
  if (!Number.isFinite(first) || !Number.isFinite(last)) {
    let i = 0, j = n - 1;
    while (i < n && !Number.isFinite(sorted[i])) i++;
    while (j >= 0 && !Number.isFinite(sorted[j])) j--;
    if (i > j) return { edges: [], counts: [] };
    first = sorted[i]; last = sorted[j];
  }
  if (first === last) { first -= 0.5; last += 0.5; }
  const edges = new Array<number>(bins + 1);
  const step = (last - first) / bins;
  for (let k = 0; k <= bins; k++) edges[k] = k === bins ? last : first + k * step;
  // sorted input: each bin's count is the distance between the first values ≥ its edges
  // (the same assignment as comparing every value with the edges, as numpy does)
  let lo = 0, hi = n;
  while (lo < n && !Number.isFinite(sorted[lo])) lo++;
  while (hi > lo && !Number.isFinite(sorted[hi - 1])) hi--;
  const counts = new Array<number>(bins).fill(0);
  let prev = lo;
  for (let k = 1; k < bins; k++) {
    const at = lowerBound(sorted, edges[k], prev, hi);
    counts[k - 1] = at - prev;
    prev = at;
  }
  counts[bins - 1] = hi - prev;
  return { edges, counts };
}

/** First index in [lo, hi) of ascending `a` whose value is ≥ x. */
function lowerBound(a: Float64Array, x: number, lo: number, hi: number): number {
  while (lo < hi) { const m = (lo + hi) >>> 1; if (a[m] < x) lo = m + 1; else hi = m; }
  return lo;
}

/** The `k` most frequent values in ascending `sorted` (ties: smaller value first); one pass, no per-value objects. */
export function topNumbers(sorted: Float64Array, k: number): TopValue[] {
  const vals: number[] = [];
  const counts: number[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    const c = j - i;
    if (counts.length < k || c > counts[counts.length - 1]) {
      let p = counts.length < k ? counts.length : counts.length - 1;
      while (p > 0 && counts[p - 1] < c) { if (p < k) { counts[p] = counts[p - 1]; vals[p] = vals[p - 1]; } p--; }
      counts[p] = c; vals[p] = sorted[i];
    }
    i = j;
  }
  return vals.map((value, n) => ({ value, count: counts[n] }));
}

/** The `k` most frequent strings of a dictionary column (ties: first seen first), with all counts. */
export function topStrings(s: DictStorage, k: number): { top: TopValue[]; counts: Int32Array; unique: number } {
  const counts = codeCounts(s);
  const order: number[] = [];
  for (let c = 0; c < counts.length; c++) if (counts[c] > 0) order.push(c);
  const unique = order.length;
  order.sort((a, b) => counts[b] - counts[a] || a - b);
  return { top: order.slice(0, k).map((c) => ({ value: s.dictionary[c], count: counts[c] })), counts, unique };
}
