/**
 * A target column that mixes numbers and text is an input error: this finds
 * the first cell of the minority kind (the stray text in a numeric target, or
 * the stray number among labels) and names its file, line and column.
 */
import { DataError } from '../errors.js';
import { parseNumberString } from '../sources/number.js';
import type { CsvReport } from '../sources/csv.js';
import type { Table } from '../table/table.js';

/** Line of data row `row` in a CSV file: where the reader recorded it, or by counting when every record is one line. */
function lineOf(read: CsvReport | null, column: string, row: number): number | undefined {
  if (read === null) return undefined;
  const change = read.storageChanges.find((c) => c.column === column);
  if (change !== undefined) return change.line;
  if (read.blankLines === 0 && read.commentLines === 0 && read.raggedRows === 0) return row + (read.header ? 2 : 1);
  return undefined;
}

/** @throws DataError naming file, line and column when the target mixes numbers and text. */
export function checkTargetTypes(table: Table, target: string, file: string, read: CsvReport | null): void {
  const col = table.column(target);
  const s = col.storage, ev = col.evidence;
  const present = ev.rows - ev.missing;
  if (s.type !== 'dict' || ev.number === 0 || ev.number === present) return;
  const numericTarget = ev.number >= present / 2;
  let row = -1;
  for (let i = 0; i < s.codes.length && row < 0; i++) {
    const c = s.codes[i];
    if (c >= 0 && (parseNumberString(s.dictionary[c]) === undefined) === numericTarget) row = i;
  }
  if (row < 0) return;
  const value = s.dictionary[s.codes[row]];
  const line = lineOf(read, target, row);
  const what = numericTarget ? `non-numeric value ${JSON.stringify(value)} in a numeric target` : `number ${JSON.stringify(value)} among text labels`;
  throw new DataError(file, line, undefined, `column ${JSON.stringify(target)}: ${what} (data row ${row + 1}; ${ev.number} numeric and ${present - ev.number} other values)`);
}
