/**
 * Class labels: the sorted union of the labels present (scikit-learn's
 * unique_labels) and a fast label → column-index encoder.
 */
import { MetricError, preview } from './errors.js';

/** Sorted distinct values of the given arrays. */
export function uniqueLabels(...arrays: Float64Array[]): number[] {
  const seen = new Set<number>();
  for (const a of arrays) for (let i = 0; i < a.length; i++) seen.add(a[i] === 0 ? 0 : a[i]);
  return Array.from(seen).sort((x, y) => x - y);
}

/** Checks a user-given label list: distinct and finite. Returns it as numbers. */
export function checkLabels(metric: string, labels: ArrayLike<number>): number[] {
  const out = Array.from(labels, Number);
  if (out.length === 0) throw new MetricError(metric, "'labels' is empty; give at least one label");
  const seen = new Set<number>();
  for (const l of out) {
    if (!Number.isFinite(l)) throw new MetricError(metric, `'labels' contains ${l}`);
    if (seen.has(l)) throw new MetricError(metric, `'labels' must be unique; ${l} appears twice in ${preview(out)}`);
    seen.add(l);
  }
  return out;
}

/**
 * Maps each value to its index in `classes`. A value not in `classes` raises
 * an error naming the metric, the input and the offending value.
 */
export function encode(metric: string, what: string, values: Float64Array, classes: readonly number[]): Int32Array {
  const out = new Int32Array(values.length);
  let small = classes.length > 0;
  for (const c of classes) if (!(Number.isInteger(c) && c >= 0 && c < 65536)) small = false;
  if (small) {
    let max = 0;
    for (const c of classes) max = Math.max(max, c);
    const table = new Int32Array(max + 1).fill(-1);
    classes.forEach((c, j) => { table[c] = j; });
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const j = Number.isInteger(v) && v >= 0 && v <= max ? table[v] : -1;
      if (j < 0) throw outside(metric, what, v, i, classes);
      out[i] = j;
    }
    return out;
  }
  const map = new Map<number, number>();
  classes.forEach((c, j) => map.set(c, j));
  for (let i = 0; i < values.length; i++) {
    const j = map.get(values[i] === 0 ? 0 : values[i]);
    if (j === undefined) throw outside(metric, what, values[i], i, classes);
    out[i] = j;
  }
  return out;
}

function outside(metric: string, what: string, v: number, i: number, classes: readonly number[]): MetricError {
  return new MetricError(metric, `${what} contains label ${v} (at index ${i}) that is not in labels ${preview(classes)}`);
}
