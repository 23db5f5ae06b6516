/**
 * The one inference path of a trained run, shared by `dlflow predict` (files) and `dlflow serve`
 * (records and tensors over HTTP): the run's model and preprocessing loaded once; tables
 * transformed by the saved Preprocessor (rows it cannot transform are reported, not dropped);
 * the model run under noGrad/tidy; outputs decoded into class probabilities or values in the
 * target's units. So a row gets the same prediction whichever way it arrives.
 */
import { noGrad } from '../../autograd/grad_mode.js';
import { tidy } from '../../core/tensor.js';
import type { NewData, NewDataOptions } from '../../data/prepare/new_data.js';
import { transformTable } from '../../data/prepare/preprocessing.js';
import { DEFAULT_NA_TOKENS } from '../../data/sources/na.js';
import type { ColumnStorage } from '../../data/table/storage.js';
import { Table, type Column } from '../../data/table/table.js';
import type { Cell, ColumnSpec } from '../../serve/types.js';
import { scoresOf } from '../../train/outputs.js';
import { readRunData } from './data.js';
import type { ModelInfo } from './model_json.js';
import { inputTensor, loadRun, type LoadedRun } from './setup.js';

/** Predictions of `rows` rows: class probabilities (`rows × k`, k = labels.length) or values in the target's units. */
export type Predictions = { probabilities: Float64Array; k: number } | { values: Float64Array };

/** A table as network input: the rows that could be transformed and why the others could not. */
export interface TableInput {
  x: Float32Array;
  rows: number;
  /** Table row of each transformed row. */
  sourceRows: Int32Array;
  problems: { row: number; line: number; column: string; value?: string; reason: string }[];
}

/** Missing-value tokens as the CSV reader knows them (training tables are read from CSV/TSV). */
const NA = new Set(DEFAULT_NA_TOKENS);
const isNa = (s: string): boolean => NA.has(s.replace(/^ +| +$/g, ''));

/**
 * One column of raw cells as table storage, the way the CSV reader would have stored the same
 * text: all numbers → float64 (null missing); otherwise text (numbers in their shortest form,
 * booleans as true/false, missing-value tokens such as "" and "NA" missing).
 */
function storageOf(cells: readonly Cell[]): ColumnStorage {
  if (cells.every((v) => v === null || typeof v === 'number')) return { type: 'float64', values: Float64Array.from(cells, (v) => (v === null ? NaN : v as number)) };
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  const codes = new Int32Array(cells.length);
  cells.forEach((v, i) => {
    const s = v === null ? null : String(v);
    if (s === null || isNa(s)) { codes[i] = -1; return; }
    let c = index.get(s);
    if (c === undefined) { c = dictionary.length; dictionary.push(s); index.set(s, c); }
    codes[i] = c;
  });
  return { type: 'dict', codes, dictionary };
}

/**
 * A column of served cells. Its kind is not inferred: the transform reads cells by what each
 * feature expects, whatever the storage (data/preprocess/cells.ts), and inference was most of the
 * time of a one-row request.
 */
function servedColumn(name: string, storage: ColumnStorage): Column {
  const rows = storage.type === 'dict' ? storage.codes.length : storage.values.length;
  const evidence = { rows, missing: 0, number: 0, integer: 0, boolean: 0, datetime: 0, text: 0, unique: 0, mixed: false, examples: {}, reason: 'cells of a served request (not inferred)' };
  return { name, kind: storage.type === 'dict' ? 'categorical' : 'numeric', storage, evidence };
}

/**
 * A trained run ready to predict.
 *
 * @example
 * const p = await RunPredictor.load('runs/penguins');
 * const t = p.transformColumns(new Map([['island', ['Dream']], ...]), 1);
 * const pred = p.predict(t.x, t.rows); // { probabilities, k: 3 }
 */
export class RunPredictor {
  private constructor(readonly run: LoadedRun) {}

  /** Loads the run at `dir` (model.json, weights, preprocessing). */
  static async load(dir: string): Promise<RunPredictor> {
    return new RunPredictor(await loadRun(dir));
  }

  get info(): ModelInfo {
    return this.run.info;
  }

  /** Shape of one example of the network input. */
  get inputShape(): number[] {
    return this.run.info.inputShape;
  }

  /** Class names in output order, or null for regression. */
  get labels(): string[] | null {
    return this.run.info.labels;
  }

  /** The raw columns the preprocessing reads (tables), or null (images, audio: network input only). */
  columns(): ColumnSpec[] | null {
    const pre = this.run.info.preprocessing;
    if (pre.type !== 'table') return null;
    return pre.preprocessor.features.map((f) => ({
      name: f.column,
      kind: f.kind === 'numeric' ? (f.boolean ? 'boolean' : 'number') : f.kind === 'categorical' ? 'text' : 'datetime',
    }));
  }

  /** Columns of the training table that are not read: the target and the dropped ones. */
  ignoredColumns(): string[] {
    const pre = this.run.info.preprocessing;
    return pre.type === 'table' ? [pre.target.column, ...pre.preprocessor.droppedColumns.map((d) => d.column)] : [pre.target.column];
  }

  /** A data file (table, image folder, IDX, audio folder) as network input, as in training; bad rows listed by line, damaged files per `options`. */
  readFile(file: string, options: NewDataOptions = {}): Promise<NewData> {
    return readRunData(file, this.run.info.preprocessing, false, options);
  }

  /** A table through the saved preprocessing. @throws DataRequestError when the run was not trained on a table or a column is absent. */
  transformTable(table: Table): TableInput {
    const t = transformTable(this.run.info.preprocessing, table, false);
    return { x: t.x, rows: t.rows, sourceRows: t.sourceRows, problems: t.problems };
  }

  /** Raw columns (`rows` cells for each of {@link columns}) through the saved preprocessing. */
  transformColumns(columns: ReadonlyMap<string, readonly Cell[]>, rows: number): TableInput {
    const entries = (this.columns() ?? []).map((c) => {
      const cells = columns.get(c.name);
      if (cells === undefined || cells.length !== rows) throw new Error(`transformColumns: column '${c.name}' needs ${rows} cells`);
      return servedColumn(c.name, storageOf(cells));
    });
    return this.transformTable(new Table(entries));
  }

  /** The model's outputs for `rows` rows of network input (flat `[rows, ...inputShape]`). */
  forward(x: Float32Array, rows: number): Float32Array {
    const { model } = this.run;
    return noGrad(() => tidy(() => {
      const o = model.forward(inputTensor(x, rows, this.inputShape));
      return Float32Array.from(o.contiguous().dataSync() as Float32Array);
    }));
  }

  /** Outputs of `rows` rows as predictions: softmax/sigmoid probabilities, or values with the target scaling undone. */
  decode(out: Float32Array, rows: number): Predictions {
    const cols = rows > 0 ? out.length / rows : 0;
    if (this.labels !== null) {
      const probabilities = scoresOf({ data: out, rows, cols });
      return { probabilities, k: probabilities.length / Math.max(1, rows) };
    }
    const t = this.run.info.preprocessing.target;
    return { values: Float64Array.from({ length: rows }, (_, i) => out[i * cols] * t.scale + t.center) };
  }

  /** Predictions for `rows` rows of network input. */
  predict(x: Float32Array, rows: number): Predictions {
    return this.decode(this.forward(x, rows), rows);
  }
}
