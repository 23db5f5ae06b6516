/**
 * The data step of `dlflow train`: read the data named by the config (a table file or an IDX
 * folder), choose the task, split reproducibly, fit the preprocessing on the training split and
 * produce model-ready arrays for train, validation and test.
 */
import * as fs from 'node:fs';
import { profileTable } from '../../data/explore/profile.js';
import type { Table } from '../../data/table/table.js';
import type { TrainTask } from '../../train/types.js';
import type { DlflowConfig } from '../config/types.js';
import { UsageError } from '../errors.js';
import { prepareIdx } from './prepare_idx.js';
import { isImageFolder, prepareImageFolder } from './prepare_images.js';
import { isAudioFolder, prepareAudioFolder } from './prepare_audio.js';
import { isIdxFolder } from './idx.js';
import { loadTable, requireColumn } from './load_table.js';
import type { Preprocessing } from './preprocessing.js';
import { splitIndices } from './split.js';
import { Preprocessor } from '../../data/preprocess/preprocessor.js';
import type { ColumnOptions } from '../../data/preprocess/options.js';
import type { ColumnTreatment } from '../config/types.js';
import { classStrata, targetEncoding, type TargetEncoding } from './target.js';

/** Model-ready rows: inputs `[rows, units]` and encoded targets. */
export interface Arrays {
  x: Float32Array;
  y: Float64Array;
  rows: number;
}

/** What the report and summary say about the data. */
export interface DataSummary {
  source: string;
  kind: 'table' | 'idx' | 'images' | 'audio';
  rows: number;
  columns: number;
  task: TrainTask;
  target: string;
  classCounts: { label: string; count: number }[] | null;
  splits: { train: number; val: number; test: number };
  inputUnits: number;
  notes: string[];
}

export interface PreparedData {
  task: TrainTask;
  target: TargetEncoding;
  preprocessing: Preprocessing;
  inputUnits: number;
  /** Input shape of one batch of size 1 (for summaries). */
  inputShape: number[];
  train: Arrays;
  val: Arrays;
  test: Arrays;
  summary: DataSummary;
}

/** The config's per-column treatments as Preprocessor column options. */
const TREATMENTS: Record<ColumnTreatment, ColumnOptions> = {
  standardize: { as: 'numeric', scaling: 'standard' },
  minmax: { as: 'numeric', scaling: 'minmax' },
  passthrough: { as: 'numeric', scaling: 'none' },
  one_hot: { as: 'categorical', encoding: 'onehot' },
  binary: { as: 'boolean' },
  drop: { as: 'drop' },
};

/** Rows `idx` of a row-major matrix. */
export function takeRows(data: Float32Array, cols: number, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * cols);
  for (let i = 0; i < idx.length; i++) out.set(data.subarray(idx[i] * cols, (idx[i] + 1) * cols), i * cols);
  return out;
}

function selectColumns(table: Table, cfg: DlflowConfig['data'], file: string): Table {
  const target = cfg.target!;
  for (const name of [...(cfg.features ?? []), ...cfg.drop]) requireColumn(table, name, 'feature', file);
  const keep = (cfg.features ?? table.columnNames).filter((c) => c !== target && !cfg.drop.includes(c));
  return table.select([...keep, target]);
}

function rowsWhere(n: number, ok: (i: number) => boolean): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (ok(i)) out.push(i);
  return Int32Array.from(out);
}

/**
 * Reads and prepares the data of a config.
 *
 * @example
 * const data = await prepareData(resolveConfig({ flags: [['data', 'datasets/penguins.csv'], ['target', 'species']] }));
 * data.train.rows; data.inputUnits; data.target.classes;
 */
export async function prepareData(config: DlflowConfig): Promise<PreparedData> {
  const cfg = config.data;
  if (!fs.existsSync(cfg.path)) throw new UsageError(`data not found: ${cfg.path}`);
  if (fs.statSync(cfg.path).isDirectory()) {
    if (isIdxFolder(cfg.path)) return prepareIdx(config);
    if (isImageFolder(cfg.path)) return prepareImageFolder(config);
    if (isAudioFolder(cfg.path)) return prepareAudioFolder(config);
    throw new UsageError(`${cfg.path}: a folder with neither IDX files nor class subfolders of images or WAV files; ` +
      'dlflow trains on table files (CSV/TSV/JSONL/Parquet), IDX folders, image folders and audio folders');
  }
  if (cfg.target === null) throw new UsageError(`no target column: pass --target <column> or set data.target in the config`);
  const notes: string[] = [];
  let table = await loadTable(cfg.path);
  requireColumn(table, cfg.target, 'target', cfg.path);
  table = selectColumns(table, cfg, cfg.path);
  const known = rowsWhere(table.rowCount, (i) => table.get(i, cfg.target!) !== null);
  if (known.length < table.rowCount) {
    notes.push(`${table.rowCount - known.length} row(s) without a target value left out of training`);
    table = table.take(known);
  }
  const profile = profileTable(table, { target: cfg.target });
  const tp = profile.target!;
  const rec = profile.recommendation!;
  if (tp.task !== 'regression' && (tp.classes?.length ?? 0) < 2) {
    throw new UsageError(`target '${cfg.target}' has a single class (${JSON.stringify(tp.classes?.[0]?.label ?? null)}); a classifier needs at least two`);
  }
  for (const w of profile.warnings) notes.push(w.message);
  const task: TrainTask = tp.task;
  let trainTable: Table, valTable: Table, testTable: Table;
  if (cfg.test !== null) {
    let test = await loadTable(cfg.test, 'test file');
    requireColumn(test, cfg.target, 'target', cfg.test);
    test = test.take(rowsWhere(test.rowCount, (i) => test.get(i, cfg.target!) !== null));
    const f = cfg.split.val / (cfg.split.train + cfg.split.val);
    const strata = task === 'regression' || !cfg.stratify ? undefined : classStrata(table, cfg.target);
    const s = splitIndices(table.rowCount, { train: 1 - f, val: f, test: 0 }, config.seed, strata);
    trainTable = table.take(s.train); valTable = table.take(s.val); testTable = test;
  } else {
    const strata = task === 'regression' || !cfg.stratify ? undefined : classStrata(table, cfg.target);
    const s = splitIndices(table.rowCount, cfg.split, config.seed, strata);
    trainTable = table.take(s.train); valTable = table.take(s.val); testTable = table.take(s.test);
  }
  const columns: Record<string, ColumnOptions> = {};
  const recDropped = new Set<string>();
  for (const f of rec.features) {
    if (f.encoding !== 'drop') continue;
    columns[f.column] = { as: 'drop' };
    recDropped.add(f.column);
    if (!profile.warnings.some((w) => w.column === f.column)) notes.push(`column ${f.column} not used: ${f.reason}`);
  }
  for (const [c, t] of Object.entries(cfg.preprocessing)) {
    requireColumn(table, c, 'data.preprocessing', cfg.path);
    columns[c] = TREATMENTS[t];
  }
  const pre = Preprocessor.fit(trainTable, {
    target: cfg.target, columns, targetType: task === 'regression' ? 'numeric' : 'classes', targetScaling: task === 'regression' ? 'standard' : 'none',
  });
  if (pre.numFeatures === 0) throw new UsageError(`no usable feature columns (${pre.droppedColumns.map((d) => `${d.column}: ${d.reason}`).join('; ')})`);
  for (const d of pre.droppedColumns) if (!recDropped.has(d.column)) notes.push(`column ${d.column} not used: ${d.reason}`);
  const target = targetEncoding(pre.target!, task);
  const arrays = (t: Table, name: string): Arrays => {
    const r = pre.transform(t);
    if (r.problems.length > 0) notes.push(`${r.problems.length} ${name} row(s) left out: ${r.problems.slice(0, 3).map((p) => `line ${p.line} ${p.column}: ${p.reason}`).join('; ')}${r.problems.length > 3 ? '; ...' : ''}`);
    return { x: r.x, y: Float64Array.from(r.y!), rows: r.rows };
  };
  const train = arrays(trainTable, 'training');
  const val = arrays(valTable, 'validation');
  const test = arrays(testTable, 'test');
  const counts = tp.classes?.map((c) => ({ label: c.label, count: c.count })) ?? null;
  return {
    task, target,
    preprocessing: { type: 'table', preprocessor: pre.toJSON(), target },
    inputUnits: pre.numFeatures,
    inputShape: [1, pre.numFeatures],
    train, val, test,
    summary: {
      source: cfg.path, kind: 'table', rows: table.rowCount, columns: table.columns.length, task, target: cfg.target,
      classCounts: counts, splits: { train: train.rows, val: val.rows, test: test.rows },
      inputUnits: pre.numFeatures, notes,
    },
  };
}
