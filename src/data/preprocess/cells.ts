/**
 * Reading one cell of a column as the transform expects it, whatever storage
 * the column got in the table being transformed (a new file may type a column
 * differently from the training file). A cell that cannot be read as expected
 * comes back as `bad` with its text, so the row can be reported.
 */
import { parseNumberString } from '../sources/number.js';
import { parseDateTime } from '../table/datetime.js';
import type { ColumnStorage } from '../table/storage.js';

/** A read cell: a value, missing, or unreadable (with the offending text). */
export type Cell<T> = { ok: true; value: T } | { ok: true; value: null } | { ok: false; text: string };

const MISSING = { ok: true, value: null } as const;
const TRUE_WORDS = new Set(['true', 'yes', 't', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'f', 'n', '0']);

/** The cell as a number. */
export function numberCell(s: ColumnStorage, i: number): Cell<number> {
  if (s.type === 'float64') { const v = s.values[i]; return v === v ? { ok: true, value: v } : MISSING; }
  if (s.type === 'datetime') { const v = s.values[i]; return v === v ? { ok: false, text: new Date(v).toISOString() } : MISSING; }
  const c = s.codes[i];
  if (c < 0) return MISSING;
  const v = parseNumberString(s.dictionary[c]);
  return v === undefined ? { ok: false, text: s.dictionary[c] } : { ok: true, value: v };
}

/** The cell as 0/1 from boolean words (true/yes/t/y/1 and false/no/f/n/0). */
export function booleanCell(s: ColumnStorage, i: number): Cell<number> {
  if (s.type === 'float64') { const v = s.values[i]; if (v !== v) return MISSING; return v === 0 || v === 1 ? { ok: true, value: v } : { ok: false, text: String(v) }; }
  if (s.type === 'datetime') return s.values[i] === s.values[i] ? { ok: false, text: new Date(s.values[i]).toISOString() } : MISSING;
  const c = s.codes[i];
  if (c < 0) return MISSING;
  const w = s.dictionary[c].trim().toLowerCase();
  return TRUE_WORDS.has(w) ? { ok: true, value: 1 } : FALSE_WORDS.has(w) ? { ok: true, value: 0 } : { ok: false, text: s.dictionary[c] };
}

/** The cell as text (numbers in their shortest form). */
export function textCell(s: ColumnStorage, i: number): Cell<string> {
  if (s.type === 'dict') { const c = s.codes[i]; return c < 0 ? MISSING : { ok: true, value: s.dictionary[c] }; }
  const v = s.values[i];
  if (v !== v) return MISSING;
  return { ok: true, value: s.type === 'datetime' ? new Date(v).toISOString() : String(v) };
}

/** The cell as epoch milliseconds. */
export function timeCell(s: ColumnStorage, i: number): Cell<number> {
  if (s.type === 'datetime') { const v = s.values[i]; return v === v ? { ok: true, value: v } : MISSING; }
  if (s.type === 'float64') { const v = s.values[i]; return v === v ? { ok: false, text: String(v) } : MISSING; }
  const c = s.codes[i];
  if (c < 0) return MISSING;
  const v = parseDateTime(s.dictionary[c]);
  return v === undefined ? { ok: false, text: s.dictionary[c] } : { ok: true, value: v };
}
