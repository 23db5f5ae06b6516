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
import { isIdxFolder } from './idx.js';
import { loadTable, requireColumn } from './load_table.js';
import type { Preprocessing } from './preprocessing.js';
import { splitIndices } from './split.js';
import { TablePreprocessor } from './table_preprocessor.js';
import { encodeTarget, fitTarget, type TargetEncoding } from './target.js';

/** Model-ready rows: inputs `[rows, units]` and encoded targets. */
export interface Arrays {
  x: Float32Array;
  y: Float64Array;
  rows: number;
}

/** What the report and summary say about the data. */
export interface DataSummary {
  source: string;
  kind: 'table' | 'idx';
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
    throw new UsageError(`${cfg.path}: a folder without IDX files; this build reads table files (CSV/TSV) and IDX folders`);
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
    const strata = task === 'regression' || !cfg.stratify ? undefined : encodeTarget(table, fitTarget(table, cfg.target, task));
    const s = splitIndices(table.rowCount, { train: 1 - f, val: f, test: 0 }, config.seed, strata);
    trainTable = table.take(s.train); valTable = table.take(s.val); testTable = test;
  } else {
    const strata = task === 'regression' || !cfg.stratify ? undefined : encodeTarget(table, fitTarget(table, cfg.target, task));
    const s = splitIndices(table.rowCount, cfg.split, config.seed, strata);
    trainTable = table.take(s.train); valTable = table.take(s.val); testTable = table.take(s.test);
  }
  const pre = TablePreprocessor.fit(trainTable, rec.features.filter((f) => f.column !== cfg.target), cfg.preprocessing);
  if (pre.outputUnits === 0) throw new UsageError(`no usable feature columns (every column was dropped: ${rec.features.map((f) => `${f.column}: ${f.reason}`).join('; ')})`);
  const target = fitTarget(trainTable, cfg.target, task);
  const arrays = (t: Table): Arrays => ({ x: pre.transform(t).data, y: encodeTarget(t, target), rows: t.rowCount });
  const train = arrays(trainTable);
  const counts = tp.classes?.map((c) => ({ label: c.label, count: c.count })) ?? null;
  return {
    task, target,
    preprocessing: { ...pre.toJSON(), target },
    inputUnits: pre.outputUnits,
    inputShape: [1, pre.outputUnits],
    train, val: arrays(valTable), test: arrays(testTable),
    summary: {
      source: cfg.path, kind: 'table', rows: table.rowCount, columns: table.columns.length, task, target: cfg.target,
      classCounts: counts, splits: { train: trainTable.rowCount, val: valTable.rowCount, test: testTable.rowCount },
      inputUnits: pre.outputUnits, notes,
    },
  };
}
