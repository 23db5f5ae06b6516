/**
 * Column type inference with the evidence counted. Works on finished column
 * storage: float columns are checked for integrality and uniqueness;
 * dictionary columns are classified once per distinct value and weighted by
 * how often each value occurs, so the cost does not grow with repeated values.
 * A dictionary column whose values are all numbers or all dates is converted to
 * float or datetime storage.
 */
import { defineOptions, option, type OptionsInput, type ResolvedOptions } from '../../base/options.js';
import { parseNumberString } from '../sources/number.js';
import { parseDateTime, slashOrder } from './datetime.js';
import { sortPresent } from './sort.js';
import { codeCounts, type ColumnStorage, type DictStorage } from './storage.js';

/** What a column holds. */
export type ColumnKind = 'numeric' | 'integer' | 'boolean' | 'categorical' | 'text' | 'datetime' | 'identifier' | 'empty';

/** Counts behind a column's kind. Cell counts exclude missing cells. */
export interface TypeEvidence {
  /** Rows in the column. */
  rows: number;
  /** Missing cells (NA tokens, empty). */
  missing: number;
  /** Cells that read as numbers. */
  number: number;
  /** Of those, cells holding whole numbers. */
  integer: number;
  /** Cells that are boolean words (true/false, yes/no, t/f, y/n). */
  boolean: number;
  /** Cells that read as dates or date-times. */
  datetime: number;
  /** Cells that are none of the above. */
  text: number;
  /** Distinct non-missing values. */
  unique: number;
  /** True when non-missing cells are of more than one of: number, boolean, datetime, text. */
  mixed: boolean;
  /** Up to three example values of each type seen, for mixed columns. */
  examples: Partial<Record<'number' | 'boolean' | 'datetime' | 'text', string[]>>;
  /** Why the kind was chosen, in words. */
  reason: string;
}

/** The inference settings, which the readers (readCsv, readJsonl, readParquet) take among their own. */
export const INFER_FIELDS = {
  /** Minimum non-missing rows before a column can be called identifier-like (default 20). */
  minIdentifierRows: option.number({ default: 20, min: 1, integer: true }),
  /** Mean length from which an all-distinct or mostly-distinct string column is called text (default 30). */
  textMinLength: option.number({ default: 30, min: 0 }),
};
const INFER_OPTIONS = defineOptions('inferColumn', INFER_FIELDS);

/** Settings for {@link inferColumn}. */
export type InferOptions = OptionsInput<typeof INFER_OPTIONS>;

/**
 * The inference settings held in `options`, checked under `owner`. A reader passes its whole
 * options object (its own keys are the reader's to check), so keys other than the inference
 * settings are not looked at here.
 */
export function inferSettings(options: object, owner: string): ResolvedOptions<typeof INFER_OPTIONS> {
  const given = options as Partial<Record<keyof typeof INFER_FIELDS, unknown>>;
  return INFER_OPTIONS.parse({ minIdentifierRows: given.minIdentifierRows, textMinLength: given.textMinLength }, owner);
}

/** Result of inference: the kind, the evidence, and the storage (possibly converted). */
export interface Inferred {
  kind: ColumnKind;
  evidence: TypeEvidence;
  storage: ColumnStorage;
}

const BOOL_WORDS = new Set(['true', 'false', 'yes', 'no', 't', 'f', 'y', 'n']);
const ID_NAME = /(^|[_\s.-])(id|key|uuid|guid)$|^(id|index|idx|row|rownum|row_number|obs)$/i;

/** Infer the kind of column `name` held in `storage`. */
export function inferColumn(name: string, storage: ColumnStorage, options: InferOptions = {}): Inferred {
  const { minIdentifierRows: minId, textMinLength } = INFER_OPTIONS.parse(options);
  if (storage.type === 'dict') return inferDict(name, storage, minId, textMinLength);
  const v = storage.values;
  const ev = emptyEvidence(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) ev.missing++;
    else if (storage.type === 'datetime') ev.datetime++;
    else { ev.number++; if (Number.isInteger(x)) ev.integer++; }
  }
  const nonMissing = v.length - ev.missing;
  if (nonMissing === 0) return { kind: 'empty', evidence: { ...ev, reason: 'every cell is missing' }, storage };
  if (storage.type === 'datetime') return { kind: 'datetime', evidence: lazyUnique({ ...ev, reason: 'every value reads as a date or date-time' }, v), storage };
  if (ev.integer === nonMissing) {
    // whole numbers: the distinct count decides whether this is an identifier (counting sort when the range is small)
    const sorted = nonMissingSorted(v);
    ev.unique = countRuns(sorted);
    uniqueCache.set(v, ev.unique);
    const consecutive = ev.unique === nonMissing && sorted[sorted.length - 1] - sorted[0] === nonMissing - 1;
    if (nonMissing >= minId && ev.unique === nonMissing && (consecutive || ID_NAME.test(name))) {
      return { kind: 'identifier', evidence: { ...ev, reason: consecutive ? 'distinct consecutive integers, one per row' : 'distinct integers, one per row, in a column named like an id' }, storage };
    }
    return { kind: 'integer', evidence: { ...ev, reason: 'every value is a whole number' }, storage };
  }
  return { kind: 'numeric', evidence: lazyUnique({ ...ev, reason: 'every value reads as a number' }, v), storage };
}

/**
 * Evidence whose `unique` count is worked out when first read (it needs a sort,
 * which profiling does anyway and records with {@link rememberUnique}); reading
 * a file therefore sorts no non-integer column.
 */
function lazyUnique(ev: TypeEvidence, v: Float64Array): TypeEvidence {
  let known: number | undefined;
  Object.defineProperty(ev, 'unique', {
    enumerable: true,
    configurable: true,
    get: () => (known ??= uniqueCache.get(v) ?? rememberUnique(v, countRuns(nonMissingSorted(v)))),
    set: (x: number) => { known = x; },
  });
  return ev;
}

const uniqueCache = new WeakMap<Float64Array, number>();

/** Record the distinct count of `v`'s present values (found while profiling). */
export function rememberUnique(v: Float64Array, unique: number): number {
  uniqueCache.set(v, unique);
  return unique;
}

function inferDict(name: string, s: DictStorage, minId: number, textMinLength: number): Inferred {
  const counts = codeCounts(s);
  const ev = emptyEvidence(s.codes.length);
  const dict = s.dictionary;
  const order = slashOrder(dict).order;
  const nums = new Float64Array(dict.length);
  const dates = new Float64Array(dict.length);
  let lenSum = 0, spaced = 0, used = 0;
  for (let c = 0; c < dict.length; c++) {
    const n = counts[c];
    if (n === 0) continue;
    used++;
    const text = dict[c];
    const num = parseNumberString(text);
    let type: 'number' | 'boolean' | 'datetime' | 'text';
    if (num !== undefined) { type = 'number'; nums[c] = num; if (Number.isInteger(num)) ev.integer += n; } else if (BOOL_WORDS.has(text.trim().toLowerCase())) type = 'boolean';
    else { const d = parseDateTime(text, order); if (d !== undefined) { type = 'datetime'; dates[c] = d; } else type = 'text'; }
    ev[type] += n;
    const ex = (ev.examples[type] ??= []);
    if (ex.length < 3) ex.push(text);
    lenSum += text.length * n;
    if (/\s/.test(text.trim())) spaced += n;
  }
  ev.unique = used;
  ev.missing = s.codes.length - (ev.number + ev.boolean + ev.datetime + ev.text);
  const nonMissing = s.codes.length - ev.missing;
  const kinds = (ev.number > 0 ? 1 : 0) + (ev.boolean > 0 ? 1 : 0) + (ev.datetime > 0 ? 1 : 0) + (ev.text > 0 ? 1 : 0);
  ev.mixed = kinds > 1;
  if (!ev.mixed) ev.examples = {};
  if (nonMissing === 0) return { kind: 'empty', evidence: { ...ev, reason: 'every cell is missing' }, storage: s };
  if (ev.number === nonMissing) {
    const values = new Float64Array(s.codes.length);
    for (let i = 0; i < values.length; i++) { const c = s.codes[i]; values[i] = c < 0 ? NaN : nums[c]; }
    const r = inferColumn(name, { type: 'float64', values }, { minIdentifierRows: minId });
    return r;
  }
  if (ev.datetime === nonMissing) {
    const values = new Float64Array(s.codes.length);
    for (let i = 0; i < values.length; i++) { const c = s.codes[i]; values[i] = c < 0 ? NaN : dates[c]; }
    return { kind: 'datetime', evidence: { ...ev, reason: `every value reads as a date${order === 'dmy' ? ' (day first)' : ''}` }, storage: { type: 'datetime', values } };
  }
  if (ev.boolean === nonMissing) return { kind: 'boolean', evidence: { ...ev, reason: 'every value is a boolean word' }, storage: s };
  const meanLen = lenSum / nonMissing;
  const mixedNote = ev.mixed ? ` (mixed: ${describeMix(ev)})` : '';
  if (nonMissing >= minId && used === nonMissing && meanLen < textMinLength) {
    return { kind: 'identifier', evidence: { ...ev, reason: `a distinct value in every row${mixedNote}` }, storage: s };
  }
  if (meanLen >= textMinLength && used > nonMissing / 2) {
    return { kind: 'text', evidence: { ...ev, reason: `long, mostly distinct strings (mean length ${meanLen.toFixed(1)})${mixedNote}` }, storage: s };
  }
  if (spaced > nonMissing / 2 && used > Math.max(50, nonMissing / 2)) {
    return { kind: 'text', evidence: { ...ev, reason: `mostly distinct strings with spaces${mixedNote}` }, storage: s };
  }
  return { kind: 'categorical', evidence: { ...ev, reason: `${used} distinct strings${mixedNote}` }, storage: s };
}

function describeMix(ev: TypeEvidence): string {
  const parts: string[] = [];
  for (const k of ['number', 'boolean', 'datetime', 'text'] as const) if (ev[k] > 0) parts.push(`${ev[k]} ${k}`);
  return parts.join(', ');
}

function emptyEvidence(rows: number): TypeEvidence {
  return { rows, missing: 0, number: 0, integer: 0, boolean: 0, datetime: 0, text: 0, unique: 0, mixed: false, examples: {}, reason: '' };
}

let lastSorted: { of: Float64Array; sorted: Float64Array } | null = null;
let sortedBuffer = new Float64Array(0);

/**
 * Non-missing values of `v`, sorted ascending. The result lives in a buffer
 * reused by the next call on another column: use it before sorting another
 * column, and do not modify it (copy it to keep it). Back-to-back calls on one
 * column sort once. Reusing one buffer keeps memory near the table's own size
 * and leaves no sorted copies for the garbage collector.
 */
export function nonMissingSorted(v: Float64Array): Float64Array {
  if (lastSorted !== null && lastSorted.of === v) return lastSorted.sorted;
  let n = 0;
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) n++;
  if (sortedBuffer.length < n) sortedBuffer = new Float64Array(n);
  const out = sortPresent(v, sortedBuffer.subarray(0, n));
  lastSorted = { of: v, sorted: out };
  return out;
}

/**
 * The shared sort output buffer as n float64s of work space (for a caller that
 * sorts its own keys in place); the next {@link nonMissingSorted} call reuses it.
 */
export function borrowSortBuffer(n: number): Float64Array {
  lastSorted = null;
  if (sortedBuffer.length < n) sortedBuffer = new Float64Array(n);
  return sortedBuffer.subarray(0, n);
}

/** Number of distinct values in an ascending array. */
export function countRuns(sorted: Float64Array): number {
  if (sorted.length === 0) return 0;
  let u = 1;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) u++;
  return u;
}
