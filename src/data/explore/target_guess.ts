/**
 * Which column of a table is the target when nobody said: explore's reading of the table, used
 * only when it is unambiguous — the one value column of a time series, or the one column named
 * like a target (`target`, `label`, `class`, `y`, ...). Otherwise the columns that could be
 * predicted are listed, so the caller can ask instead of guessing.
 */
import { DataRequestError } from '../prepare/errors.js';
import type { Table } from '../table/table.js';
import { detectSeries } from './series.js';

export type TargetGuess =
  | { column: string; reason: string }
  | { column: null; candidates: string[] };

/** Names that say "this is what to predict". */
const TARGET_NAME = /^(target|label|labels|class|y|outcome|response)$/i;

/** Kinds a target cannot have: nothing to learn from an identifier, free text, dates or an empty column. */
const NOT_A_TARGET = new Set(['identifier', 'text', 'datetime', 'empty']);

/**
 * The target of `table` when it is evident, else the candidate columns.
 *
 * @example
 * guessTarget(co2Table);    // { column: 'co2', reason: 'the value column of a time series over date' }
 * guessTarget(crimeTable);  // { column: null, candidates: ['violent', 'murder', ...] }
 */
export function guessTarget(table: Table): TargetGuess {
  const series = detectSeries(table);
  if (series !== null && series.valueColumns.length === 1) {
    return { column: series.valueColumns[0], reason: `the value column of a time series over ${series.timeColumn}` };
  }
  const candidates = table.columns.filter((c) => !NOT_A_TARGET.has(c.kind) && c.name !== series?.timeColumn).map((c) => c.name);
  const named = candidates.filter((c) => TARGET_NAME.test(c));
  if (named.length === 1) return { column: named[0], reason: 'the only column named like a target' };
  return { column: null, candidates };
}

/**
 * The target of a table file read without one: the evident column (with a note saying so added
 * to `notes`), or a DataRequestError listing the candidates (the CLI exits 2 with it).
 *
 * @example
 * evidentTarget(table, 'co2.csv', notes); // 'co2'; notes: ["no target given: predicting 'co2' (...)"]
 */
export function evidentTarget(table: Table, file: string, notes: string[]): string {
  const guess = guessTarget(table);
  if (guess.column !== null) {
    notes.push(`no target given: predicting '${guess.column}' (${guess.reason}); pass --target <column> to choose another`);
    return guess.column;
  }
  const listed = guess.candidates.length === 0 ? 'none of its columns can be predicted' : `candidates: ${guess.candidates.join(', ')}`;
  throw new DataRequestError(`${file}: no target given and none is evident; pass --target <column> (${listed})`);
}
