/** Reading the table file of a run, with clear errors for a missing file or an unknown column. */
import * as fs from 'node:fs';
import { readCsv } from '../sources/csv.js';
import type { Table } from '../table/table.js';
import { DataRequestError } from './errors.js';
import { didYouMean } from '../../base/suggest.js';

/**
 * Reads a CSV/TSV file; a missing file is a DataRequestError, malformed content a DataError naming file:line:column.
 *
 * @example
 * const table = await loadTable('datasets/penguins.csv');
 */
export async function loadTable(file: string, what = 'data file'): Promise<Table> {
  if (!fs.existsSync(file)) throw new DataRequestError(`${what} not found: ${file}`);
  if (fs.statSync(file).isDirectory()) throw new DataRequestError(`${file} is a folder; give a table file (CSV/TSV) or a folder of IDX files`);
  const { table } = await readCsv(file);
  if (table.rowCount === 0) throw new DataRequestError(`${file}: no data rows`);
  return table;
}

/** Throws a DataRequestError naming the closest column when `name` is not a column of `table`. */
export function requireColumn(table: Table, name: string, role: string, file: string): void {
  if (table.has(name)) return;
  const names = table.columnNames;
  throw new DataRequestError(`${role} column '${name}' is not in ${file}${didYouMean(name, names)}; columns: ${names.join(', ')}`);
}
