/**
 * From a request to what a {@link ServedModel} takes: V1 records and V2 column tensors become
 * raw columns (checked against the model's columns: each present, each value of a type the
 * column accepts), V1 arrays and the V2 network-input tensor become flat float32 rows. Every
 * refusal is a 400 that names the record or tensor, the column and what was expected.
 */
import { didYouMean } from '../base/suggest.js';
import { badRequest } from './errors.js';
import { isNumeric, rowsOf, tensorValues, type Datatype, type RequestTensor } from './tensors.js';
import type { Cell, ColumnKind, ColumnSpec, ServedModel } from './types.js';

/** Raw columns of a request: one array of cells per model column. */
export interface RawColumns {
  columns: Map<string, Cell[]>;
  rows: number;
}

/** The Open Inference Protocol datatype a column is described with. */
export const columnDatatype = (kind: ColumnKind): Datatype => (kind === 'number' ? 'FP64' : kind === 'boolean' ? 'BOOL' : 'BYTES');

/** JSON types each kind of column accepts (a string in a number column is parsed as a CSV cell would be). */
const ACCEPTS: Record<ColumnKind, { json: ReadonlySet<string>; says: string }> = {
  number: { json: new Set(['number', 'string']), says: 'a number (or null)' },
  boolean: { json: new Set(['boolean', 'number', 'string']), says: 'true/false, 0/1 (or null)' },
  text: { json: new Set(['string', 'number', 'boolean']), says: 'a string (or null)' },
  datetime: { json: new Set(['string']), says: 'a date as ISO 8601 text (or null)' },
};

/** Datatypes a column accepts in a V2 tensor. */
function tensorAccepts(kind: ColumnKind, d: Datatype): boolean {
  if (kind === 'datetime') return d === 'BYTES';
  if (kind === 'number') return isNumeric(d) || d === 'BYTES';
  return true;
}

const NAMES = new WeakMap<ServedModel, { known: Set<string>; listed: string }>();

/** Names a record or tensor may carry: the model's columns and those it ignores (worked out once per model). */
function knownNames(model: ServedModel): { known: Set<string>; listed: string } {
  let n = NAMES.get(model);
  if (n === undefined) {
    const cols = model.columns ?? [];
    n = { known: new Set([...cols.map((c) => c.name), ...(model.ignoredColumns ?? [])]), listed: cols.map((c) => c.name).join(', ') };
    NAMES.set(model, n);
  }
  return n;
}

/**
 * V1 `instances` as raw columns. Each record must hold every column of the model (null for a
 * missing value); a key that is no column is an error (a typo would otherwise go unnoticed).
 *
 * @example
 * columnsFromRecords(model, [{ bill_length_mm: 39.1, island: 'Dream', ... }]).rows; // 1
 */
export function columnsFromRecords(model: ServedModel, records: readonly Record<string, unknown>[]): RawColumns {
  const specs = model.columns;
  if (specs === null) throw badRequest(`model '${model.name}' takes no records (it was trained on ${model.inputShape.length > 1 ? 'images' : 'features without columns'}); send each instance as an array of ${model.inputShape.reduce((a, b) => a * b, 1)} numbers, or use the V2 infer endpoint`);
  const { known, listed } = knownNames(model);
  const columns = new Map<string, Cell[]>(specs.map((c) => [c.name, new Array<Cell>(records.length)]));
  records.forEach((rec, i) => {
    for (const key of Object.keys(rec)) {
      if (!known.has(key)) throw badRequest(`instances[${i}]: unknown column '${key}'${didYouMean(key, [...known])}; the model reads: ${listed}`);
    }
    for (const c of specs) {
      if (!Object.hasOwn(rec, c.name)) throw badRequest(`instances[${i}]: missing column '${c.name}' (give null for a missing value); the model reads: ${listed}`);
      const v = rec[c.name];
      if (v !== null && !ACCEPTS[c.kind].json.has(typeof v)) throw badRequest(`instances[${i}]: column '${c.name}' takes ${ACCEPTS[c.kind].says}, got ${JSON.stringify(v)}`);
      columns.get(c.name)![i] = v as Cell;
    }
  });
  return { columns, rows: records.length };
}

/**
 * V2 column tensors (one per column, shape `[N]` or `[N, 1]`, all with the same N) as raw columns.
 *
 * @example
 * columnsFromTensors(model, [{ name: 'island', shape: [1], datatype: 'BYTES', data: ['Dream'] }, ...]);
 */
export function columnsFromTensors(model: ServedModel, tensors: readonly RequestTensor[]): RawColumns {
  const specs: readonly ColumnSpec[] = model.columns ?? [];
  const kinds = new Map(specs.map((c) => [c.name, c.kind]));
  const { known, listed } = knownNames(model);
  const columns = new Map<string, Cell[]>();
  let rows = -1, first = '';
  // Each tensor given is checked first (its name, datatype, shape, values), then what is missing.
  for (const t of tensors) {
    if (!known.has(t.name)) throw badRequest(`unknown input '${t.name}'${didYouMean(t.name, [...known])}; the model's inputs: ${listed}`);
    if (columns.has(t.name)) throw badRequest(`input '${t.name}' is given twice`);
    const kind = kinds.get(t.name);
    if (kind !== undefined && !tensorAccepts(kind, t.datatype)) throw badRequest(`input '${t.name}': datatype ${t.datatype}, expected ${columnDatatype(kind)}`);
    const n = rowsOf(t, [1]);
    if (rows >= 0 && n !== rows) throw badRequest(`input '${t.name}' has ${n} row(s), but '${first}' has ${rows}`);
    if (rows < 0) { rows = n; first = t.name; }
    columns.set(t.name, tensorValues(t));
  }
  for (const c of specs) {
    if (!columns.has(c.name)) throw badRequest(`missing input '${c.name}' (${columnDatatype(c.kind)}, shape [N, 1]); the model's inputs: ${listed}`);
  }
  return { columns, rows: Math.max(0, rows) };
}

/**
 * The network input from numbers: V1 instances that are arrays (each one example, flat or
 * nested) or one V2 FP32 tensor `[N, ...inputShape]`.
 *
 * @example
 * networkInputFromTensor(model, { name: 'input', shape: [1, 4], datatype: 'FP32', data: [0, 1, 2, 3] });
 */
export function networkInputFromTensor(model: ServedModel, t: RequestTensor): { x: Float32Array; rows: number } {
  if (!isNumeric(t.datatype)) throw badRequest(`input '${t.name}': datatype ${t.datatype}, expected FP32`);
  const rows = rowsOf(t, model.inputShape);
  return { x: Float32Array.from(tensorValues(t) as number[]), rows };
}

/** V1 instances that are arrays of numbers (flat or nested), as network input rows. */
export function networkInputFromInstances(model: ServedModel, instances: readonly unknown[]): { x: Float32Array; rows: number } {
  const size = model.inputShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(instances.length * size);
  instances.forEach((inst, i) => {
    const values = (inst as unknown[]).flat(Infinity);
    if (values.length !== size) throw badRequest(`instances[${i}]: ${values.length} number(s), but one example of the model's input [${model.inputShape.join(', ')}] is ${size}`);
    values.forEach((v, j) => {
      if (typeof v !== 'number') throw badRequest(`instances[${i}]: element ${j} is ${JSON.stringify(v)}, expected a number`);
      x[i * size + j] = v;
    });
  });
  return { x, rows: instances.length };
}
