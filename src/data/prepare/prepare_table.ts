/**
 * The table path of the data step: read the file, keep the configured columns and the rows that
 * have a target, profile it for the task, split reproducibly (or take the test file), fit the
 * Preprocessor on the training split and transform each split. Notes for the user collect in
 * order: rows left out, profile warnings, columns not used, rows that could not be transformed.
 */
import { profileTable, type Profile } from '../explore/profile.js';
import type { TaskType } from '../explore/target.js';
import { evidentTarget } from '../explore/target_guess.js';
import { splitRows } from '../loader/split.js';
import type { ColumnOptions } from '../preprocess/options.js';
import { Preprocessor } from '../preprocess/preprocessor.js';
import type { Table } from '../table/table.js';
import { DataRequestError } from './errors.js';
import { loadTable, requireColumn } from './load_table.js';
import type { ColumnTreatment, DataOptions, PrepareOptions } from './options.js';
import { classStrata, targetEncoding } from './target.js';
import type { Arrays, PreparedData } from './types.js';

type DataConfig = DataOptions;

/** The config's per-column treatments as Preprocessor column options. */
const TREATMENTS: Record<ColumnTreatment, ColumnOptions> = {
  standardize: { as: 'numeric', scaling: 'standard' },
  minmax: { as: 'numeric', scaling: 'minmax' },
  passthrough: { as: 'numeric', scaling: 'none' },
  one_hot: { as: 'categorical', encoding: 'onehot' },
  binary: { as: 'boolean' },
  drop: { as: 'drop' },
};

/** The three splits as tables. */
interface SplitTables { train: Table; val: Table; test: Table }

function selectColumns(table: Table, cfg: DataConfig, target: string): Table {
  for (const name of [...(cfg.features ?? []), ...cfg.drop]) requireColumn(table, name, 'feature', cfg.path);
  const keep = (cfg.features ?? table.columnNames).filter((c) => c !== target && !cfg.drop.includes(c));
  return table.select([...keep, target]);
}

function rowsWhere(n: number, ok: (i: number) => boolean): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (ok(i)) out.push(i);
  return Int32Array.from(out);
}

/** The data file with the configured columns and only the rows that have a target value; the target is the configured one or an evident one. */
async function readTable(cfg: DataConfig, notes: string[]): Promise<{ table: Table; target: string }> {
  const loaded = await loadTable(cfg.path);
  const target = cfg.target ?? evidentTarget(loaded, cfg.path, notes);
  requireColumn(loaded, target, 'target', cfg.path);
  const table = selectColumns(loaded, cfg, target);
  const known = rowsWhere(table.rowCount, (i) => table.get(i, target) !== null);
  if (known.length === table.rowCount) return { table, target };
  notes.push(`${table.rowCount - known.length} row(s) without a target value left out of training`);
  return { table: table.take(known), target };
}

/** The table's profile for its target (task, classes, recommendations); a classifier needs two classes. */
function profileFor(table: Table, target: string, notes: string[]): Profile {
  const profile = profileTable(table, { target });
  const tp = profile.target!;
  if (tp.task !== 'regression' && (tp.classes?.length ?? 0) < 2) {
    throw new DataRequestError(`target '${target}' has a single class (${JSON.stringify(tp.classes?.[0]?.label ?? null)}); a classifier needs at least two`);
  }
  for (const w of profile.warnings) notes.push(w.message);
  return profile;
}

/** The test file's rows that have a target value. */
async function readTestTable(file: string, target: string): Promise<Table> {
  const test = await loadTable(file, 'test file');
  requireColumn(test, target, 'target', file);
  return test.take(rowsWhere(test.rowCount, (i) => test.get(i, target) !== null));
}

/** A seeded (stratified) split of the data; with a test file, the data splits into train and validation only. */
async function splitTables(config: PrepareOptions, table: Table, target: string, task: TaskType): Promise<SplitTables> {
  const cfg = config.data;
  const test = cfg.test === null ? null : await readTestTable(cfg.test, target);
  const strata = task === 'regression' || !cfg.stratify ? undefined : classStrata(table, target);
  if (test === null) {
    const s = splitRows(table.rowCount, cfg.split, config.seed, strata);
    return { train: table.take(s.train), val: table.take(s.val), test: table.take(s.test) };
  }
  const f = cfg.split.val / (cfg.split.train + cfg.split.val);
  const s = splitRows(table.rowCount, { train: 1 - f, val: f, test: 0 }, config.seed, strata);
  return { train: table.take(s.train), val: table.take(s.val), test };
}

/** Column options: the profile's recommended drops (noted unless a warning already named the column), then the config's treatments. */
function columnOptions(cfg: DataConfig, table: Table, profile: Profile, notes: string[]): { columns: Record<string, ColumnOptions>; recommendedDrops: Set<string> } {
  const columns: Record<string, ColumnOptions> = {};
  const recommendedDrops = new Set<string>();
  for (const f of profile.recommendation!.features) {
    if (f.encoding !== 'drop') continue;
    columns[f.column] = { as: 'drop' };
    recommendedDrops.add(f.column);
    if (!profile.warnings.some((w) => w.column === f.column)) notes.push(`column ${f.column} not used: ${f.reason}`);
  }
  for (const [c, t] of Object.entries(cfg.preprocessing)) {
    requireColumn(table, c, 'data.preprocessing', cfg.path);
    columns[c] = TREATMENTS[t];
  }
  return { columns, recommendedDrops };
}

/** The Preprocessor fitted on the training split; at least one feature column must remain. */
function fitPreprocessor(cfg: DataConfig, target: string, table: Table, train: Table, profile: Profile, task: TaskType, notes: string[]): Preprocessor {
  const { columns, recommendedDrops } = columnOptions(cfg, table, profile, notes);
  const pre = Preprocessor.fit(train, {
    target, columns, targetType: task === 'regression' ? 'numeric' : 'classes', targetScaling: task === 'regression' ? 'standard' : 'none',
  });
  if (pre.numFeatures === 0) throw new DataRequestError(`no usable feature columns (${pre.droppedColumns.map((d) => `${d.column}: ${d.reason}`).join('; ')})`);
  for (const d of pre.droppedColumns) if (!recommendedDrops.has(d.column)) notes.push(`column ${d.column} not used: ${d.reason}`);
  return pre;
}

/** A split's model-ready arrays; rows the Preprocessor cannot transform are left out, with a note. */
function arraysOf(pre: Preprocessor, table: Table, name: string, notes: string[]): Arrays {
  const r = pre.transform(table);
  if (r.problems.length > 0) {
    const shown = r.problems.slice(0, 3).map((p) => `line ${p.line} ${p.column}: ${p.reason}`).join('; ');
    notes.push(`${r.problems.length} ${name} row(s) left out: ${shown}${r.problems.length > 3 ? '; ...' : ''}`);
  }
  return { x: r.x, y: Float64Array.from(r.y!), rows: r.rows };
}

/**
 * Prepares a table file (CSV/TSV/JSONL/Parquet) named by the config.
 *
 * @example
 * const data = await prepareTable({ data: { ...dataOptions, path: 'datasets/penguins.csv', target: 'species' }, seed: 0 });
 */
export async function prepareTable(config: PrepareOptions): Promise<PreparedData> {
  const cfg = config.data;
  const notes: string[] = [];
  const { table, target: targetColumn } = await readTable(cfg, notes);
  const profile = profileFor(table, targetColumn, notes);
  const task: TaskType = profile.target!.task;
  const splits = await splitTables(config, table, targetColumn, task);
  const pre = fitPreprocessor(cfg, targetColumn, table, splits.train, profile, task, notes);
  const target = targetEncoding(pre.target!, task);
  const train = arraysOf(pre, splits.train, 'training', notes);
  const val = arraysOf(pre, splits.val, 'validation', notes);
  const test = arraysOf(pre, splits.test, 'test', notes);
  return {
    task, target,
    preprocessing: { type: 'table', preprocessor: pre.toJSON(), target },
    inputUnits: pre.numFeatures,
    inputShape: [pre.numFeatures],
    train, val, test,
    summary: {
      source: cfg.path, kind: 'table', rows: table.rowCount, columns: table.columns.length, task, target: targetColumn,
      classCounts: profile.target!.classes?.map((c) => ({ label: c.label, count: c.count })) ?? null,
      splits: { train: train.rows, val: val.rows, test: test.rows },
      inputUnits: pre.numFeatures, notes,
    },
  };
}
