/**
 * Applying fitted transforms to a table: a float32 feature matrix, the
 * encoded target, and an account of every row left out (by row and line, with
 * the column and the offending value) and every imputed cell.
 */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import type { Table } from '../table/table.js';
import { booleanCell, numberCell, textCell, timeCell } from './cells.js';
import { datePart } from './date_parts.js';
import type { FeatureTransform, Scaler, TargetTransform } from './spec.js';

/** A row that could not be transformed (it is left out of the output). */
export interface RowProblem {
  /** 0-based data row of the table. */
  row: number;
  /** Line in the source file, assuming one line per record after `firstLine`. */
  line: number;
  column: string;
  /** The offending text, when there is one. */
  value?: string;
  reason: string;
}

/** Output of a transform. */
export interface TransformResult {
  /** [rows, numFeatures] row-major. */
  x: Float32Array;
  rows: number;
  numFeatures: number;
  featureNames: string[];
  /** Class index (int32) or number (float32) per output row; null without a target (or when the table lacks it). */
  y: Int32Array | Float32Array | null;
  /** Table row of each output row. */
  sourceRows: Int32Array;
  problems: RowProblem[];
  /** Missing cells filled by imputation (for categories: with the fill value or the unknown bucket), per column. */
  imputed: Record<string, number>;
  /** Present values not among the fitted categories (unseen, or rare beyond the limit), sent to the unknown bucket, per column. */
  unknownCategories: Record<string, number>;
}

const TRANSFORM_OPTIONS = defineOptions('transform', {
  /** Line of the first data row in the source file (default 2: a header on line 1). */
  firstLine: option.number({ default: 2, min: 1, integer: true }),
  /** Skip the target even when the table has it (prediction; default false). */
  ignoreTarget: option.boolean(false),
});

/** Transform settings. */
export type TransformOptions = OptionsInput<typeof TRANSFORM_OPTIONS>;

/** Output units of a feature transform. */
export function unitsOf(f: FeatureTransform): number {
  const ind = f.indicator ? 1 : 0;
  if (f.kind === 'numeric') return 1 + ind;
  if (f.kind === 'datetime') return f.parts.length + ind;
  return (f.encoding === 'onehot' ? f.categories.length + 1 : 1) + ind;
}

/** Output feature names of a transform. */
export function namesOf(f: FeatureTransform): string[] {
  const out: string[] = [];
  if (f.kind === 'numeric') out.push(f.column);
  else if (f.kind === 'datetime') out.push(...f.parts.map((p) => `${f.column}.${p}`));
  else if (f.encoding === 'onehot') out.push(...f.categories.map((c) => `${f.column}=${c}`), `${f.column}=<unknown>`);
  else out.push(f.column);
  if (f.indicator) out.push(`${f.column}_missing`);
  return out;
}

const scale = (s: Scaler, v: number): number => (v - s.center) / s.scale;

/**
 * Fill `cols` (rows × units, row-major) for one feature; flag rows that cannot be used.
 * Returns the number of imputed cells and of unknown categories.
 */
function applyFeature(table: Table, f: FeatureTransform, out: Float64Array, bad: (row: number, column: string, reason: string, value?: string) => void): { imputed: number; unknown: number } {
  const s = table.column(f.column).storage;
  const n = table.rowCount, w = unitsOf(f);
  let imputedCells = 0, unknown = 0;
  const indAt = w - 1;
  if (f.kind === 'numeric') {
    for (let i = 0; i < n; i++) {
      const c = f.boolean ? booleanCell(s, i) : numberCell(s, i);
      if (!c.ok) { bad(i, f.column, f.boolean ? 'not a boolean value' : 'not a number', c.text); continue; }
      let v = c.value;
      if (v === null) {
        if (f.impute === 'drop') { bad(i, f.column, 'missing value (impute: drop)'); continue; }
        v = f.fill; imputedCells++;
        if (f.indicator) out[i * w + indAt] = 1;
      }
      out[i * w] = scale(f.scaler, v);
    }
  } else if (f.kind === 'datetime') {
    for (let i = 0; i < n; i++) {
      const c = timeCell(s, i);
      if (!c.ok) { bad(i, f.column, 'not a date', c.text); continue; }
      if (c.value === null) {
        if (f.impute === 'drop') { bad(i, f.column, 'missing value (impute: drop)'); continue; }
        f.parts.forEach((_, k) => { out[i * w + k] = scale(f.scalers[k], f.fill[k]); });
        imputedCells++;
        if (f.indicator) out[i * w + indAt] = 1;
        continue;
      }
      const ms = c.value;
      f.parts.forEach((p, k) => { out[i * w + k] = scale(f.scalers[k], datePart(ms, p)); });
    }
  } else {
    const index = new Map(f.categories.map((c, k) => [c, k]));
    const k = f.categories.length;
    for (let i = 0; i < n; i++) {
      const c = textCell(s, i);
      let v = c.ok ? c.value : null;
      if (v === null) {
        if (f.impute === 'drop') { bad(i, f.column, 'missing value (impute: drop)'); continue; }
        if (f.indicator) out[i * w + indAt] = 1;
        if (f.fill !== null) v = f.fill;
        imputedCells++; // filled with the fill category, or sent to the unknown bucket
      }
      const code = v === null ? -1 : index.get(v) ?? -1;
      if (v !== null && code < 0) unknown++;
      if (f.encoding === 'onehot') out[i * w + (code < 0 ? k : code)] = 1;
      else out[i * w] = code;
    }
  }
  return { imputed: imputedCells, unknown };
}

/** Apply feature and target transforms to `table`. @throws Error when a feature column is absent. */
export function applyTransforms(table: Table, features: readonly FeatureTransform[], target: TargetTransform | null, options: TransformOptions = {}): TransformResult {
  const o = TRANSFORM_OPTIONS.parse(options);
  const n = table.rowCount, firstLine = o.firstLine;
  const missingCols = features.map((f) => f.column).filter((c) => !table.has(c));
  if (missingCols.length > 0) throw new Error(`transform: the table lacks column${missingCols.length > 1 ? 's' : ''} ${missingCols.map((c) => JSON.stringify(c)).join(', ')} the preprocessor was fitted with; its columns are: ${table.columnNames.join(', ')}`);
  const problems: RowProblem[] = [];
  const dropped = new Uint8Array(n);
  const bad = (row: number, column: string, reason: string, value?: string): void => {
    dropped[row] = 1;
    problems.push(value === undefined ? { row, line: row + firstLine, column, reason } : { row, line: row + firstLine, column, value, reason });
  };
  const blocks: { data: Float64Array; w: number }[] = [];
  const imputedCounts: Record<string, number> = {}, unknownCounts: Record<string, number> = {};
  for (const f of features) {
    const w = unitsOf(f);
    const data = new Float64Array(n * w);
    const r = applyFeature(table, f, data, bad);
    imputedCounts[f.column] = r.imputed;
    if (f.kind === 'categorical') unknownCounts[f.column] = r.unknown;
    blocks.push({ data, w });
  }
  let y: Int32Array | Float32Array | null = null;
  let yRaw: Float64Array | null = null;
  if (target !== null && !o.ignoreTarget && table.has(target.column)) {
    const s = table.column(target.column).storage;
    yRaw = new Float64Array(n);
    const index = target.kind === 'classes' ? new Map(target.classes.map((c, k) => [c, k])) : null;
    const scaler = target.kind === 'numeric' ? target.scaler : null;
    for (let i = 0; i < n; i++) {
      if (index !== null) {
        const c = textCell(s, i);
        if (!c.ok || c.value === null) { bad(i, target.column, 'missing target'); continue; }
        const k = index.get(c.value);
        if (k === undefined) { bad(i, target.column, 'target label not seen when fitting', c.value); continue; }
        yRaw[i] = k;
      } else {
        const c = numberCell(s, i);
        if (!c.ok) { bad(i, target.column, 'non-numeric value in a numeric target', c.text); continue; }
        if (c.value === null) { bad(i, target.column, 'missing target'); continue; }
        yRaw[i] = (c.value - scaler!.center) / scaler!.scale;
      }
    }
  }
  problems.sort((a, b) => a.row - b.row);
  let kept = 0;
  for (let i = 0; i < n; i++) if (!dropped[i]) kept++;
  const numFeatures = blocks.reduce((s, b) => s + b.w, 0);
  const x = new Float32Array(kept * numFeatures);
  const sourceRows = new Int32Array(kept);
  if (yRaw !== null) y = target!.kind === 'classes' ? new Int32Array(kept) : new Float32Array(kept);
  for (let i = 0, r = 0; i < n; i++) {
    if (dropped[i]) continue;
    let o2 = r * numFeatures;
    for (const b of blocks) { for (let k = 0; k < b.w; k++) x[o2 + k] = b.data[i * b.w + k]; o2 += b.w; }
    sourceRows[r] = i;
    if (y !== null) y[r] = yRaw![i];
    r++;
  }
  return { x, rows: kept, numFeatures, featureNames: features.flatMap(namesOf), y, sourceRows, problems, imputed: imputedCounts, unknownCategories: unknownCounts };
}
