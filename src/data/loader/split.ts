/**
 * Splitting rows into train/validation/test sets: random, stratified (each
 * class split in the same proportions), and k-fold (optionally stratified).
 * Every function draws from a seeded {@link Generator}, so splits repeat.
 * Sizes: fractions are turned into counts by flooring, and the rows left over
 * go one each to the parts in order (so counts always sum to n).
 */
import { Generator } from '../../core/generator.js';
import { Subset, type Dataset } from './dataset.js';
import { permutation } from './shuffle.js';

/** Part sizes from fractions (summing to 1) or counts (summing to n). */
export function splitSizes(n: number, parts: readonly number[]): number[] {
  if (parts.length === 0 || parts.some((p) => !(p >= 0))) throw new RangeError(`split: parts must be non-negative numbers, got [${parts.join(', ')}]`);
  const total = parts.reduce((a, b) => a + b, 0);
  if (parts.every(Number.isInteger) && total === n) return [...parts];
  if (Math.abs(total - 1) > 1e-9) throw new RangeError(`split: parts must be fractions summing to 1 or counts summing to ${n}, got [${parts.join(', ')}]`);
  const sizes = parts.map((p) => Math.floor(p * n));
  let left = n - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % sizes.length) if (parts[i] > 0) { sizes[i]++; left--; }
  return sizes;
}

/** Random partition of 0..n-1 into parts of the given sizes/fractions. */
export function randomSplitIndices(n: number, parts: readonly number[], gen: Generator = new Generator(0)): Int32Array[] {
  const sizes = splitSizes(n, parts);
  const p = permutation(n, gen);
  let o = 0;
  return sizes.map((s) => { const part = p.slice(o, o + s); o += s; return part; });
}

/** Random partition of a dataset (like `torch.utils.data.random_split`). */
export function randomSplit<T>(dataset: Dataset<T>, parts: readonly number[], gen: Generator = new Generator(0)): Subset<T>[] {
  return randomSplitIndices(dataset.length, parts, gen).map((idx) => new Subset(dataset, idx));
}

/** Rows of each class (labels compared with ===; missing labels, NaN or null, are refused). */
function byClass(labels: ArrayLike<number | string | null>): Map<number | string, number[]> {
  const groups = new Map<number | string, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l === null || (typeof l === 'number' && Number.isNaN(l))) throw new RangeError(`stratified split: label of row ${i} is missing`);
    let g = groups.get(l);
    if (g === undefined) { g = []; groups.set(l, g); }
    g.push(i);
  }
  return groups;
}

/**
 * Stratified partition: each class is shuffled and split in the proportions `fractions`
 * (summing to 1); the parts are then shuffled. Returns row indices per part.
 */
export function stratifiedSplit(labels: ArrayLike<number | string | null>, fractions: readonly number[], gen: Generator = new Generator(0)): Int32Array[] {
  const parts: number[][] = fractions.map(() => []);
  const groups = [...byClass(labels).entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [, rows] of groups) {
    const sizes = splitSizes(rows.length, fractions);
    const p = permutation(rows.length, gen);
    let o = 0;
    sizes.forEach((s, k) => { for (let j = 0; j < s; j++) parts[k].push(rows[p[o + j]]); o += s; });
  }
  return parts.map((rows) => { const out = Int32Array.from(rows); const p = permutation(out.length, gen); return Int32Array.from(p, (i) => out[i]); });
}

/** One fold: rows to train on and rows to validate on. */
export interface Fold {
  train: Int32Array;
  val: Int32Array;
}

/** k-fold settings. */
export interface KFoldOptions {
  /** Shuffle rows before assigning folds (default true). */
  shuffle?: boolean;
  generator?: Generator;
  /** Class labels: folds keep class proportions (stratified k-fold). */
  labels?: ArrayLike<number | string | null>;
}

/** k folds over n rows: each row is in exactly one validation set. @throws RangeError when k < 2 or k > n. */
export function kFold(n: number, k: number, opts: KFoldOptions = {}): Fold[] {
  if (!Number.isInteger(k) || k < 2 || k > n) throw new RangeError(`kFold: k must be an integer in 2..${n}, got ${k}`);
  const gen = opts.generator ?? new Generator(0);
  const shuffle = opts.shuffle ?? true;
  const fold = new Int32Array(n);
  if (opts.labels !== undefined) {
    if (opts.labels.length !== n) throw new RangeError(`kFold: ${opts.labels.length} labels for ${n} rows`);
    let offset = 0;
    const groups = [...byClass(opts.labels).entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [, rows] of groups) {
      const p = shuffle ? permutation(rows.length, gen) : Int32Array.from(rows, (_, i) => i);
      for (let j = 0; j < rows.length; j++) fold[rows[p[j]]] = (offset + j) % k;
      offset += rows.length;
    }
  } else {
    const p = shuffle ? permutation(n, gen) : Int32Array.from({ length: n }, (_, i) => i);
    const sizes = splitSizes(n, new Array<number>(k).fill(1 / k));
    let o = 0;
    sizes.forEach((s, f) => { for (let j = 0; j < s; j++) fold[p[o + j]] = f; o += s; });
  }
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = [], val: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? val : train).push(i);
    return { train: Int32Array.from(train), val: Int32Array.from(val) };
  });
}

/** Row indices of a train/validation/test split, each in ascending order. */
export interface SplitRows {
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
}

/**
 * Splits rows 0..n-1 into train/validation/test by fractions with a generator seeded by `seed`:
 * {@link stratifiedSplit} over `strata` (a class per row) when given, else
 * {@link randomSplitIndices}. Each part comes back sorted, so examples keep their source order.
 *
 * @example
 * splitRows(100, { train: 0.7, val: 0.15, test: 0.15 }, 0); // { train: 70 rows, val: 15, test: 15 }
 */
export function splitRows(n: number, fractions: { train: number; val: number; test: number }, seed: number, strata?: ArrayLike<number>): SplitRows {
  const parts = [fractions.train, fractions.val, fractions.test];
  const gen = new Generator(seed);
  const [train, val, test] = (strata === undefined ? randomSplitIndices(n, parts, gen) : stratifiedSplit(strata, parts, gen)).map((p) => p.sort());
  return { train, val, test };
}
