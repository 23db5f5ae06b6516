/**
 * Typed, columnar storage for one column. Missing values are NaN in float
 * and datetime storage and code -1 in dictionary storage.
 */

/** Numbers, one float64 per row; NaN is missing. */
export interface FloatStorage {
  readonly type: 'float64';
  readonly values: Float64Array;
}

/** Milliseconds since the Unix epoch (UTC), one float64 per row; NaN is missing. */
export interface DateTimeStorage {
  readonly type: 'datetime';
  readonly values: Float64Array;
}

/** Dictionary-encoded strings: `dictionary[codes[row]]`; code -1 is missing. */
export interface DictStorage {
  readonly type: 'dict';
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
}

/** Any column storage. */
export type ColumnStorage = FloatStorage | DateTimeStorage | DictStorage;

/** Number of rows held. */
export function storageLength(s: ColumnStorage): number {
  return s.type === 'dict' ? s.codes.length : s.values.length;
}

/** True when row `i` is missing. */
export function isMissing(s: ColumnStorage, i: number): boolean {
  if (s.type === 'dict') return s.codes[i] < 0;
  const v = s.values[i];
  return v !== v;
}

/** Count of missing rows. */
export function countMissing(s: ColumnStorage): number {
  let n = 0;
  if (s.type === 'dict') { const c = s.codes; for (let i = 0; i < c.length; i++) if (c[i] < 0) n++; } else {
    const v = s.values; for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) n++;
  }
  return n;
}

/** Occurrences of each dictionary code (missing rows not counted). */
export function codeCounts(s: DictStorage): Int32Array {
  const counts = new Int32Array(s.dictionary.length);
  const c = s.codes;
  for (let i = 0; i < c.length; i++) { const k = c[i]; if (k >= 0) counts[k]++; }
  return counts;
}

/** Rows `index` of `s`, in that order (a copy). */
export function takeStorage(s: ColumnStorage, index: ArrayLike<number>): ColumnStorage {
  const n = index.length;
  if (s.type === 'dict') {
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = s.codes[index[i]];
    return { type: 'dict', codes, dictionary: s.dictionary };
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = s.values[index[i]];
  return { type: s.type, values } as FloatStorage | DateTimeStorage;
}

/** Bytes held by the storage (typed arrays, plus an estimate of dictionary strings). */
export function storageBytes(s: ColumnStorage): number {
  if (s.type !== 'dict') return s.values.byteLength;
  let b = s.codes.byteLength;
  for (const v of s.dictionary) b += 16 + v.length * (/[^\x00-\xff]/.test(v) ? 2 : 1);
  return b;
}
