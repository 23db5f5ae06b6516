/** Reading a table file for the CLI, with usage errors for a missing file or an unknown column. */
import * as fs from 'node:fs';
import { DataError } from '../../data/errors.js';
import { readCsv } from '../../data/sources/csv.js';
import type { Table } from '../../data/table/table.js';
import { didYouMean } from '../config/levenshtein.js';
import { UsageError } from '../errors.js';

/** Reads a CSV/TSV file; a missing file or malformed content is a usage error naming file:line:column. */
export async function loadTable(file: string, what = 'data file'): Promise<Table> {
  if (!fs.existsSync(file)) throw new UsageError(`${what} not found: ${file}`);
  if (fs.statSync(file).isDirectory()) throw new UsageError(`${file} is a folder; give a table file (CSV/TSV) or a folder of IDX files`);
  try {
    const { table } = await readCsv(file);
    if (table.rowCount === 0) throw new UsageError(`${file}: no data rows`);
    return table;
  } catch (e) {
    if (e instanceof DataError) throw new UsageError(e.message);
    throw e;
  }
}

/** Throws a usage error naming the closest column when `name` is not a column of `table`. */
export function requireColumn(table: Table, name: string, role: string, file: string): void {
  if (table.has(name)) return;
  const names = table.columnNames;
  throw new UsageError(`${role} column '${name}' is not in ${file}${didYouMean(name, names)}; columns: ${names.join(', ')}`);
}
