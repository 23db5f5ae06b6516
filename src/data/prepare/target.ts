/**
 * The target as training uses it after fitting: class names in output order, or the scaling of a
 * numeric target (value = output * scale + center). Derived from dl.data's Preprocessor target.
 */
import type { TaskType } from '../explore/target.js';
import type { TargetTransform } from '../preprocess/spec.js';
import type { Table } from '../table/table.js';

export interface TargetEncoding {
  column: string;
  task: TaskType;
  /** Class names in index order (classification). */
  classes: string[] | null;
  center: number;
  scale: number;
}

/** The encoding of a fitted Preprocessor target. */
export function targetEncoding(t: TargetTransform, task: TaskType): TargetEncoding {
  if (t.kind === 'classes') return { column: t.column, task, classes: [...t.classes], center: 0, scale: 1 };
  return { column: t.column, task, classes: null, center: t.scaler.center, scale: t.scaler.scale };
}

/**
 * A class index per row (by label text; -1 where missing), to stratify splits.
 *
 * @example
 * classStrata(table, 'species'); // Int32Array [0, 0, 1, ...]
 */
export function classStrata(table: Table, column: string): Int32Array {
  const out = new Int32Array(table.rowCount);
  const index = new Map<string, number>();
  for (let i = 0; i < out.length; i++) {
    const v = table.get(i, column);
    if (v === null) { out[i] = -1; continue; }
    const key = v instanceof Date ? v.toISOString() : String(v);
    if (!index.has(key)) index.set(key, index.size);
    out[i] = index.get(key)!;
  }
  return out;
}
