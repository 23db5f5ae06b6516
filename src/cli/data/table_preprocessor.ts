/**
 * A fitted transform from table columns to model inputs, serializable to JSON so training,
 * evaluation and prediction apply exactly the same steps. Numbers are standardized (or
 * min-max scaled, or passed through) with missing values filled by the training mean plus a 0/1
 * missing indicator; categories are one-hot encoded with an "unknown" unit for values not seen in
 * training; dates become numbers.
 *
 * Adapter of the CLI until dl.data's Preprocessor lands; it follows the data profile's plan
 * (`recommend`) and the config's per-column overrides.
 */
import type { FeaturePlan } from '../../data/explore/recommend.js';
import type { Table } from '../../data/table/table.js';
import type { ColumnTreatment } from '../config/types.js';

export interface FeatureTransform {
  column: string;
  treatment: Exclude<ColumnTreatment, 'drop'>;
  /** standardize: mean/std; minmax: min/max; fill value for missing numbers (raw units). */
  center: number;
  scale: number;
  /** Categories seen in training (one_hot / binary). */
  categories?: string[];
  missingIndicator: boolean;
}

export interface TablePreprocessorJSON {
  type: 'table';
  features: FeatureTransform[];
}

/** A value that could not be transformed. */
export interface TransformProblem {
  /** 0-based data row. */
  row: number;
  column: string;
  reason: string;
}

export interface TransformResult {
  data: Float32Array;
  rows: number;
  cols: number;
  problems: TransformProblem[];
  /** Rows with a category not seen in training, per column (sent to the unknown unit). */
  unknownCategories: Record<string, number>;
}

/** The value of row `i` as a number (NaN when missing), and whether a present value was not numeric. */
function numberAt(table: Table, column: string, i: number): { v: number; bad: boolean } {
  const s = table.column(column).storage;
  if (s.type !== 'dict') return { v: s.values[i], bad: false };
  const c = s.codes[i];
  if (c < 0) return { v: Number.NaN, bad: false };
  const v = Number(s.dictionary[c]);
  return Number.isFinite(v) ? { v, bad: false } : { v: Number.NaN, bad: true };
}

function textAt(table: Table, column: string, i: number): string | null {
  const v = table.get(i, column);
  if (v === null) return null;
  return v instanceof Date ? v.toISOString() : String(v);
}

function fitOne(table: Table, column: string, treatment: Exclude<ColumnTreatment, 'drop'>): FeatureTransform {
  if (treatment === 'one_hot' || treatment === 'binary') {
    const seen = new Set<string>();
    let missing = false;
    for (let i = 0; i < table.rowCount; i++) {
      const t = textAt(table, column, i);
      if (t === null) missing = true; else seen.add(t);
    }
    const categories = [...seen].sort();
    return { column, treatment: treatment === 'binary' && categories.length !== 2 ? 'one_hot' : treatment, center: 0, scale: 1, categories, missingIndicator: missing && treatment === 'binary' };
  }
  let n = 0, sum = 0, sq = 0, min = Infinity, max = -Infinity, missing = 0;
  for (let i = 0; i < table.rowCount; i++) {
    const { v } = numberAt(table, column, i);
    if (v !== v) { missing++; continue; }
    n++; sum += v; sq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = n > 0 ? sum / n : 0;
  const std = n > 1 ? Math.sqrt(Math.max(0, (sq - n * mean * mean) / n)) : 0;
  const t: FeatureTransform = { column, treatment, center: mean, scale: 1, missingIndicator: missing > 0 };
  if (treatment === 'standardize') t.scale = std > 0 ? std : 1;
  else if (treatment === 'minmax') { t.center = n > 0 ? min : 0; t.scale = max > min ? max - min : 1; }
  else t.center = 0;
  return t;
}

const unitsOf = (f: FeatureTransform): number =>
  (f.treatment === 'one_hot' ? f.categories!.length + 1 : 1) + (f.missingIndicator ? 1 : 0);

/**
 * @example
 * const pre = TablePreprocessor.fit(trainTable, recommendation.features);
 * const { data, cols } = pre.transform(testTable);
 * const again = TablePreprocessor.fromJSON(JSON.parse(JSON.stringify(pre.toJSON())));
 */
export class TablePreprocessor {
  constructor(readonly features: readonly FeatureTransform[]) {}

  /** Fits on `table` (the training split) following `plan`, with `overrides` by column. */
  static fit(table: Table, plan: readonly FeaturePlan[], overrides: Readonly<Record<string, ColumnTreatment>> = {}): TablePreprocessor {
    const features: FeatureTransform[] = [];
    for (const p of plan) {
      const over = overrides[p.column];
      let treatment: ColumnTreatment;
      if (over !== undefined) treatment = over;
      else if (p.encoding === 'drop') treatment = 'drop';
      else if (p.encoding === 'one_hot') treatment = 'one_hot';
      else if (p.encoding === 'binary') treatment = table.column(p.column).storage.type === 'dict' ? 'binary' : 'passthrough';
      else treatment = 'standardize';
      if (treatment === 'drop') continue;
      features.push(fitOne(table, p.column, treatment));
    }
    return new TablePreprocessor(features);
  }

  static fromJSON(json: TablePreprocessorJSON): TablePreprocessor {
    if (json.type !== 'table' || !Array.isArray(json.features)) throw new Error('TablePreprocessor.fromJSON: not a table preprocessor');
    return new TablePreprocessor(json.features);
  }

  toJSON(): TablePreprocessorJSON {
    return { type: 'table', features: this.features.map((f) => ({ ...f })) };
  }

  /** Input units produced. */
  get outputUnits(): number {
    return this.features.reduce((n, f) => n + unitsOf(f), 0);
  }

  /** Columns the transform reads. */
  get columns(): string[] {
    return this.features.map((f) => f.column);
  }

  /** Name of each produced unit (`island=Dream`, `bill_length_mm`, `sex:missing`). */
  unitNames(): string[] {
    const out: string[] = [];
    for (const f of this.features) {
      if (f.treatment === 'one_hot') out.push(...f.categories!.map((c) => `${f.column}=${c}`), `${f.column}=<unknown>`);
      else out.push(f.column);
      if (f.missingIndicator) out.push(`${f.column}:missing`);
    }
    return out;
  }

  /** Transforms every row of `table`; values that cannot be used are listed, never dropped silently. */
  transform(table: Table): TransformResult {
    const missingCols = this.columns.filter((c) => !table.has(c));
    if (missingCols.length > 0) throw new Error(`the data has no column ${missingCols.map((c) => `'${c}'`).join(', ')} (the model was trained with it)`);
    const rows = table.rowCount;
    const cols = this.outputUnits;
    const data = new Float32Array(rows * cols);
    const problems: TransformProblem[] = [];
    const unknownCategories: Record<string, number> = {};
    let at = 0;
    for (const f of this.features) {
      const units = unitsOf(f);
      for (let i = 0; i < rows; i++) {
        const base = i * cols + at;
        if (f.treatment === 'one_hot' || f.treatment === 'binary') {
          const t = textAt(table, f.column, i);
          const k = t === null ? -1 : f.categories!.indexOf(t);
          if (t !== null && k < 0) unknownCategories[f.column] = (unknownCategories[f.column] ?? 0) + 1;
          if (f.treatment === 'one_hot') data[base + (k < 0 ? f.categories!.length : k)] = 1;
          else data[base] = k === 1 ? 1 : 0;
          if (f.missingIndicator && t === null) data[base + 1] = 1;
          continue;
        }
        const { v, bad } = numberAt(table, f.column, i);
        if (bad) problems.push({ row: i, column: f.column, reason: `'${textAt(table, f.column, i)}' is not a number` });
        const missing = v !== v;
        data[base] = missing ? 0 : (v - f.center) / f.scale;
        if (f.treatment === 'passthrough' && missing) data[base] = 0;
        if (f.missingIndicator) data[base + 1] = missing ? 1 : 0;
      }
      at += units;
    }
    return { data, rows, cols, problems, unknownCategories };
  }
}
