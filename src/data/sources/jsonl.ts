/**
 * JSON Lines reader: one JSON object per line becomes one row; the union of
 * keys becomes the columns (in order of first appearance). Numbers go to
 * float storage, strings and booleans to dictionary storage; null or an absent
 * key is a missing cell (counted). Nested objects and arrays are kept as their
 * JSON text and counted. Blank lines are skipped and counted. Lines end with LF or CRLF; a
 * line longer than `maxLineBytes` (default 64 MiB) is a DataError, raised by the file reader
 * once that many bytes have been read without a line end (so memory stays bounded).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { DataError } from '../errors.js';
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import { INFER_FIELDS, type InferOptions } from '../table/infer.js';
import { countMissing, type ColumnStorage } from '../table/storage.js';
import { Table } from '../table/table.js';
import { DictBuilder } from './builders.js';
import { formatBytes, JSONL_LIMIT_FIELDS, limitHint } from './limits.js';
import { NaMatcher } from './na.js';

/** The options of {@link readJsonl} and {@link parseJsonl}, declared once: their type and their check. */
const JSONL_FIELDS = { ...JSONL_LIMIT_FIELDS, ...INFER_FIELDS };
const READ_JSONL = defineOptions('readJsonl', JSONL_FIELDS);
const PARSE_JSONL = defineOptions('parseJsonl', {
  ...JSONL_FIELDS,
  /** The name errors give the input (default '<input>'). */
  file: option.string(),
});

/** Settings for {@link readJsonl} and {@link parseJsonl}: `maxLineBytes` (default 64 MiB) and the inference settings. */
export type JsonlOptions = OptionsInput<typeof READ_JSONL>;

/** What reading a JSON Lines file found, besides the table. */
export interface JsonlReport {
  file: string;
  bytes: number;
  rows: number;
  blankLines: number;
  /** Cells holding an object or array, kept as JSON text. */
  nestedValues: number;
  /** Missing cells per column (null or key absent). */
  missing: Record<string, number>;
  seconds: number;
}

const NO_NA = new NaMatcher([]);

/** One column filled while reading: numbers until the first non-number, then strings. */
class JsonColumn {
  private nums: number[] | null = [];
  private dict: DictBuilder | null = null;

  constructor(private length: number) {
    for (let i = 0; i < length; i++) this.nums!.push(NaN);
  }

  get rows(): number { return this.length; }

  push(v: number | string | null): void {
    this.length++;
    if (this.nums !== null) {
      if (v === null || typeof v === 'number') { this.nums.push(v ?? NaN); return; }
      this.dict = new DictBuilder(NO_NA, this.nums.length + 16);
      for (const x of this.nums) this.dict.addText(x !== x ? null : String(x));
      this.nums = null;
    }
    this.dict!.addText(v === null ? null : String(v));
  }

  finish(): ColumnStorage {
    if (this.nums !== null) return { type: 'float64', values: Float64Array.from(this.nums) };
    return this.dict!.finish();
  }
}

/** Accumulates rows from parsed lines. */
class JsonlBuilder {
  readonly columns = new Map<string, JsonColumn>();
  rows = 0;
  blankLines = 0;
  nestedValues = 0;

  constructor(private readonly file: string) {}

  addLine(text: string, line: number): void {
    if (text.trim() === '') { this.blankLines++; return; }
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      const msg = (e as Error).message;
      const m = /position (\d+)/.exec(msg);
      const col = m === null ? undefined : Number(m[1]) + 1;
      throw new DataError(this.file, line, col, `invalid JSON: ${msg}`);
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      throw new DataError(this.file, line, 1, `expected a JSON object, found ${Array.isArray(obj) ? 'an array' : obj === null ? 'null' : typeof obj}`);
    }
    for (const [key, raw] of Object.entries(obj as Record<string, unknown>)) {
      let col = this.columns.get(key);
      if (col === undefined) { col = new JsonColumn(this.rows); this.columns.set(key, col); }
      let v: number | string | null;
      if (raw === null || typeof raw === 'number' || typeof raw === 'string') v = raw;
      else if (typeof raw === 'boolean') v = raw ? 'true' : 'false';
      else { v = JSON.stringify(raw); this.nestedValues++; }
      col.push(v);
    }
    this.rows++;
    for (const col of this.columns.values()) if (col.rows < this.rows) col.push(null);
  }

  finish(opts: InferOptions): Table {
    if (this.rows === 0) throw new DataError(this.file, undefined, undefined, 'no records: the input holds only blank lines');
    return Table.fromStorage([...this.columns].map(([name, c]) => ({ name, storage: c.finish() })), opts);
  }

  report(table: Table, bytes: number, seconds: number): JsonlReport {
    const missing: Record<string, number> = {};
    for (const c of table.columns) missing[c.name] = countMissing(c.storage);
    return { file: this.file, bytes, rows: this.rows, blankLines: this.blankLines, nestedValues: this.nestedValues, missing, seconds };
  }
}

const LF = 10;
const CR = 13;

/** Throws when line `line` of `file` takes more than `maxLineBytes` (`bytes` read so far). */
function checkLineBytes(file: string, line: number, bytes: number, maxLineBytes: number): void {
  if (bytes > maxLineBytes) throw new DataError(file, line, undefined, `a line longer than ${formatBytes(maxLineBytes)} ${limitHint('maxLineBytes')}`);
}

/** A line's bytes without the CR of a CRLF line end. */
function withoutCr(bytes: Buffer): Buffer {
  return bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, bytes.length - 1) : bytes;
}

/**
 * The lines of a file, read in chunks. The bytes of an unfinished line are held only up to
 * `maxLineBytes`: a longer line is refused before the rest of it is read.
 */
async function* fileLines(path: string, maxLineBytes: number): AsyncGenerator<string> {
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 1;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(LF); nl >= 0; nl = chunk.indexOf(LF, start)) {
      const rest = chunk.subarray(start, nl);
      const bytes = withoutCr(pending.length === 0 ? rest : Buffer.concat([...pending, rest]));
      checkLineBytes(path, line, bytes.length, maxLineBytes);
      yield bytes.toString('utf8');
      pending.length = 0;
      pendingBytes = 0;
      line++;
      start = nl + 1;
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      // (the last byte held may be the CR of a CRLF; the line end's check above is exact)
      checkLineBytes(path, line, pendingBytes - 1, maxLineBytes);
    }
  }
  if (pendingBytes > 0) {
    const bytes = withoutCr(Buffer.concat(pending));
    checkLineBytes(path, line, bytes.length, maxLineBytes);
    yield bytes.toString('utf8');
  }
}

/** Read a JSON Lines file into a {@link Table}, line by line. */
export async function readJsonl(path: string, options: JsonlOptions = {}): Promise<{ table: Table; report: JsonlReport }> {
  const t0 = performance.now();
  const opts = READ_JSONL.parse(options);
  const { maxLineBytes } = opts;
  const size = (await stat(path)).size;
  if (size === 0) throw new DataError(path, undefined, undefined, 'empty file (0 bytes)');
  const b = new JsonlBuilder(path);
  let line = 0;
  for await (const text of fileLines(path, maxLineBytes)) b.addLine(line === 0 ? text.replace(/^\uFEFF/, '') : text, ++line);
  const table = b.finish(opts);
  return { table, report: b.report(table, size, (performance.now() - t0) / 1000) };
}

/** Parse JSON Lines text held in memory; `file` names it in errors (default '<input>'). */
export function parseJsonl(text: string, options: OptionsInput<typeof PARSE_JSONL> = {}): { table: Table; report: JsonlReport } {
  const t0 = performance.now();
  const opts = PARSE_JSONL.parse(options);
  const file = opts.file ?? '<input>';
  const { maxLineBytes } = opts;
  if (text.length === 0) throw new DataError(file, undefined, undefined, 'empty input (0 bytes)');
  const b = new JsonlBuilder(file);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((l, i) => {
    // a line of n characters takes at most 3n bytes: most lines need no byte count
    if (l.length * 3 > maxLineBytes) checkLineBytes(file, i + 1, Buffer.byteLength(l), maxLineBytes);
    b.addLine(l, i + 1);
  });
  const table = b.finish(opts);
  return { table, report: b.report(table, Buffer.byteLength(text), (performance.now() - t0) / 1000) };
}
