/**
 * Parquet files, read with the maintained pure-JS package `hyparquet` (MIT,
 * no dependencies, no native code). Columns arrive column-wise and go
 * straight into typed storage: numbers (and 64-bit integers, as the nearest
 * double) into float64, timestamps and dates into datetime, strings and
 * booleans dictionary-encoded; nulls are missing. Nested columns (lists,
 * structs, maps) are kept as their JSON text.
 */
import { stat } from 'node:fs/promises';
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead } from 'hyparquet';
import { DataError } from '../errors.js';
import { checkParquet } from './parquet_check.js';
import { defineOptions } from '../../base/options.js';
import { INFER_FIELDS, type InferOptions } from '../table/infer.js';
import type { ColumnStorage } from '../table/storage.js';
import { Table } from '../table/table.js';

/** What reading found. */
export interface ParquetReport {
  file: string;
  bytes: number;
  rows: number;
  rowGroups: number;
  /** Missing (null) cells per column. */
  missing: Record<string, number>;
  seconds: number;
}

/** Typed storage from one column's values. */
function toStorage(values: unknown[]): ColumnStorage {
  let kind: 'number' | 'date' | 'text' | null = null;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const k = typeof v === 'number' || typeof v === 'bigint' ? 'number' : v instanceof Date ? 'date' : 'text';
    if (kind === null) kind = k; else if (kind !== k) { kind = 'text'; break; }
  }
  const n = values.length;
  if (kind === 'number' || kind === 'date' || kind === null) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      out[i] = v === null || v === undefined ? NaN : v instanceof Date ? v.getTime() : Number(v as number | bigint);
    }
    return kind === 'date' ? { type: 'datetime', values: out } : { type: 'float64', values: out };
  }
  const index = new Map<string, number>();
  const dictionary: string[] = [];
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) { codes[i] = -1; continue; }
    const s = typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? Number(x) : x)) : String(v);
    let c = index.get(s);
    if (c === undefined) { c = dictionary.length; dictionary.push(s); index.set(s, c); }
    codes[i] = c;
  }
  return { type: 'dict', codes, dictionary };
}

/** Names of the root's children in schema order (a flattened tree: each element followed by its descendants). */
function topLevelNames(schema: readonly { name: string; num_children?: number }[]): string[] {
  const names: string[] = [];
  let i = 1;
  const skip = (): void => { const k = schema[i++].num_children ?? 0; for (let c = 0; c < k; c++) skip(); };
  for (let c = 0; c < (schema[0].num_children ?? 0) && i < schema.length; c++) { names.push(schema[i].name); skip(); }
  return names;
}

/** readParquet's options: the inference settings (declared, so a misspelt key is an error). */
const READ_PARQUET = defineOptions('readParquet', INFER_FIELDS);

/**
 * Read a Parquet file into a {@link Table}.
 * @throws DataError naming the file when it is empty or not valid Parquet, or when its
 * headers claim more than the file holds (see parquet_check.ts).
 */
export async function readParquet(path: string, options: InferOptions = {}): Promise<{ table: Table; report: ParquetReport }> {
  const t0 = performance.now();
  const opts = READ_PARQUET.parse(options);
  const bytes = (await stat(path)).size;
  if (bytes === 0) throw new DataError(path, undefined, undefined, 'empty file (0 bytes)');
  try {
    const file = await asyncBufferFromFile(path);
    const meta = await parquetMetadataAsync(file);
    // hyparquet trusts the page headers; a damaged one can stall it, so they are checked first
    await checkParquet(path, bytes, meta, (start, end) => file.slice(start, end));
    const rows = Number(meta.num_rows);
    const columns = new Map<string, unknown[]>();
    await parquetRead({
      file, metadata: meta,
      onChunk(chunk) {
        // Grown from the decoded chunks, never pre-sized from num_rows: the footer's row count is
        // a claim that a damaged file can make 2^40.
        let arr = columns.get(chunk.columnName);
        if (arr === undefined) { arr = []; columns.set(chunk.columnName, arr); }
        const data = chunk.columnData as ArrayLike<unknown>;
        while (arr.length < chunk.rowStart) arr.push(null);
        for (let i = 0; i < data.length; i++) arr[chunk.rowStart + i] = data[i];
      },
    });
    for (const [name, arr] of columns) {
      if (arr.length !== rows) throw new DataError(path, undefined, undefined, `column '${name}' holds ${arr.length} values but the footer says ${rows} rows`);
    }
    const order = topLevelNames(meta.schema).filter((n) => columns.has(n));
    const table = Table.fromStorage(order.map((name) => ({ name, storage: toStorage(columns.get(name)!) })), opts);
    const missing: Record<string, number> = {};
    for (const c of table.columns) missing[c.name] = c.evidence.missing;
    return { table, report: { file: path, bytes, rows, rowGroups: meta.row_groups.length, missing, seconds: (performance.now() - t0) / 1000 } };
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(path, undefined, undefined, `cannot read Parquet: ${(e as Error).message}`);
  }
}
