/**
 * Statistics used when fitting, with scikit-learn's conventions: population
 * standard deviation (ddof 0), medians and quartiles by linear interpolation
 * (NumPy's default), the most frequent value with ties going to the smallest.
 */
import { quantile } from '../explore/stats.js';
import type { Scaler, Scaling } from './spec.js';

/** Present (non-NaN) values, sorted ascending (a new array). */
export function presentSorted(v: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) out.push(v[i]);
  return Float64Array.from(out).sort();
}

/** Mean of present values (NaN when none). */
export function mean(v: ArrayLike<number>): number {
  let s = 0, n = 0;
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) { s += v[i]; n++; }
  return n === 0 ? NaN : s / n;
}

/** Most frequent present value; ties → smallest. */
export function modeNumber(sorted: Float64Array): number {
  let best = NaN, bestN = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    if (j - i > bestN) { bestN = j - i; best = sorted[i]; }
    i = j;
  }
  return best;
}

/** Fit a scaler on (imputed) values; a zero spread scales by 1, as scikit-learn. */
export function fitScaler(type: Scaling, v: ArrayLike<number>): Scaler {
  if (type === 'none') return { type, center: 0, scale: 1 };
  const s = presentSorted(v);
  const n = s.length;
  if (n === 0) return { type, center: 0, scale: 1 };
  if (type === 'minmax') { const r = s[n - 1] - s[0]; return { type, center: s[0], scale: r === 0 ? 1 : r }; }
  if (type === 'robust') { const iqr = quantile(s, 0.75) - quantile(s, 0.25); return { type, center: quantile(s, 0.5), scale: iqr === 0 ? 1 : iqr }; }
  const m = mean(s);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (s[i] - m) * (s[i] - m);
  const sd = Math.sqrt(ss / n);
  return { type, center: m, scale: sd === 0 ? 1 : sd };
}
