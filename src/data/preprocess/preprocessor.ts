/**
 * Preprocessor: fitted on a training table, it turns any table with the same
 * columns into a float32 feature matrix (and the encoded target) exactly the
 * same way every time; `toJSON()`/`Preprocessor.fromJSON()` carry it to
 * evaluation, prediction and serving.
 *
 * Defaults: numbers mean-imputed and standardized; booleans 0/1 with the most
 * frequent value filling gaps; categories one-hot encoded (sorted) with one
 * "unknown" unit for unseen, rare (over `maxCategories`) and missing values;
 * datetimes expanded to year, month, day, day of week (Monday = 0) and hour
 * when present, each scaled; a 0/1 missing indicator for every column that
 * had missing values when fitting. Identifier-like, free-text, empty and
 * constant columns are left out (listed in `droppedColumns`).
 */
import type { Table } from '../table/table.js';
import { fitFeature, fitTarget } from './fit.js';
import { parsePreprocessorOptions, type PreprocessorOptions } from './options.js';
import type { FeatureTransform, PreprocessorJSON, TargetTransform } from './spec.js';
import { applyTransforms, namesOf, unitsOf, type TransformOptions, type TransformResult } from './transform.js';

const AUTO_SKIP: Record<string, string> = { identifier: 'identifier-like', text: 'free text', empty: 'every cell missing' };

/** A fitted table → matrix transform; see the module notes. */
export class Preprocessor {
  readonly features: readonly FeatureTransform[];
  readonly target: TargetTransform | null;
  readonly droppedColumns: readonly { column: string; reason: string }[];

  private constructor(json: PreprocessorJSON) {
    this.features = json.features;
    this.target = json.target;
    this.droppedColumns = json.droppedColumns;
  }

  /** Fit on a training table. */
  static fit(table: Table, options: PreprocessorOptions = {}): Preprocessor {
    const o = parsePreprocessorOptions(options);
    if (o.target !== undefined) table.column(o.target);
    const droppedColumns: { column: string; reason: string }[] = [];
    let names = o.features;
    if (names === undefined) {
      names = [];
      for (const c of table.columns) {
        if (c.name === o.target) continue;
        const as = o.columns?.[c.name]?.as;
        if (as === 'drop') { droppedColumns.push({ column: c.name, reason: 'dropped by option' }); continue; }
        if (as === undefined && AUTO_SKIP[c.kind] !== undefined) { droppedColumns.push({ column: c.name, reason: AUTO_SKIP[c.kind] }); continue; }
        if (as === undefined && c.evidence.unique <= 1) { droppedColumns.push({ column: c.name, reason: 'constant' }); continue; }
        names.push(c.name);
      }
    }
    const features = names.map((n) => fitFeature(table, n, o));
    const target = o.target === undefined ? null : fitTarget(table, o.target, o);
    return new Preprocessor({ format: 'dlflow.preprocessor', version: 1, features, target, droppedColumns });
  }

  /** Restore from {@link toJSON} output (an object or its JSON text). @throws Error for other input. */
  static fromJSON(json: PreprocessorJSON | string): Preprocessor {
    const j = (typeof json === 'string' ? JSON.parse(json, reviveNumbers) : json) as PreprocessorJSON;
    if (j === null || typeof j !== 'object' || j.format !== 'dlflow.preprocessor' || j.version !== 1 || !Array.isArray(j.features)) {
      throw new Error('Preprocessor.fromJSON: not a dlflow preprocessor (format "dlflow.preprocessor", version 1)');
    }
    return new Preprocessor(j);
  }

  /** Plain JSON state (NaN fill values are written as the string "NaN" by {@link toJSONString}). */
  toJSON(): PreprocessorJSON {
    return { format: 'dlflow.preprocessor', version: 1, features: this.features.map((f) => ({ ...f })) as FeatureTransform[], target: this.target, droppedColumns: [...this.droppedColumns] };
  }

  /** JSON text that keeps NaN fill values (JSON.stringify would turn them into null). */
  toJSONString(space?: number): string {
    return JSON.stringify(this.toJSON(), (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), space);
  }

  /** Input units of the network: columns of the feature matrix. */
  get numFeatures(): number {
    return this.features.reduce((s, f) => s + unitsOf(f), 0);
  }

  /** Names of the feature matrix's columns. */
  get featureNames(): string[] {
    return this.features.flatMap(namesOf);
  }

  /** Output units for the target: classes for classification, 1 for numbers, 0 without a target. */
  get numOutputs(): number {
    return this.target === null ? 0 : this.target.kind === 'classes' ? this.target.classes.length : 1;
  }

  /** Transform a table; rows that cannot be transformed are left out and listed in `problems`. */
  transform(table: Table, o: TransformOptions = {}): TransformResult {
    return applyTransforms(table, this.features, this.target, o);
  }
}

function reviveNumbers(_: string, v: unknown): unknown {
  return v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v;
}
