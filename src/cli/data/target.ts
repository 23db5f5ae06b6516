/**
 * Target encoding: class labels to indices (classification) or standardized values
 * (regression), serializable with the model so predictions map back to labels and units.
 */
import type { Table } from '../../data/table/table.js';
import type { TrainTask } from '../../train/types.js';

export interface TargetEncoding {
  column: string;
  task: TrainTask;
  /** Class names in index order (classification). */
  classes: string[] | null;
  /** Regression: value = output * scale + center. */
  center: number;
  scale: number;
}

/** Label text of a cell (numbers printed without a trailing .0). */
export function labelText(table: Table, column: string, row: number): string | null {
  const v = table.get(row, column);
  if (v === null) return null;
  return v instanceof Date ? v.toISOString() : String(v);
}

/** Fits the encoding on the training rows. */
export function fitTarget(table: Table, column: string, task: TrainTask): TargetEncoding {
  if (task !== 'regression') {
    const seen = new Set<string>();
    for (let i = 0; i < table.rowCount; i++) { const t = labelText(table, column, i); if (t !== null) seen.add(t); }
    const classes = [...seen].sort((a, b) => {
      const na = Number(a), nb = Number(b);
      return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : a < b ? -1 : a > b ? 1 : 0;
    });
    return { column, task, classes, center: 0, scale: 1 };
  }
  const v = (table.column(column).storage as { values: Float64Array }).values;
  let n = 0, sum = 0, sq = 0;
  for (const x of v) if (x === x) { n++; sum += x; sq += x * x; }
  const mean = n > 0 ? sum / n : 0;
  const std = n > 1 ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : 1;
  return { column, task, classes: null, center: mean, scale: std > 0 ? std : 1 };
}

/**
 * Encoded targets: class indices (-1 for an unknown label or a missing cell) or standardized values (NaN when missing).
 *
 * @example
 * encodeTarget(table, fitTarget(table, 'species', 'multiclass')); // Float64Array [0, 0, 2, ...]
 */
export function encodeTarget(table: Table, enc: TargetEncoding): Float64Array {
  const out = new Float64Array(table.rowCount);
  if (enc.classes !== null) {
    const index = new Map(enc.classes.map((c, i) => [c, i]));
    for (let i = 0; i < out.length; i++) { const t = labelText(table, enc.column, i); out[i] = t === null ? -1 : index.get(t) ?? -1; }
    return out;
  }
  const s = table.column(enc.column).storage;
  for (let i = 0; i < out.length; i++) {
    const v = s.type === 'dict' ? Number(labelText(table, enc.column, i) ?? Number.NaN) : s.values[i];
    out[i] = (v - enc.center) / enc.scale;
  }
  return out;
}
