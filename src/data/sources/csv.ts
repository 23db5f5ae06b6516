/**
 * CSV/TSV reader: streams a file in chunks, scans bytes for records and fills
 * typed column builders directly (numbers into float64 arrays, strings
 * dictionary-encoded), then infers each column's kind.
 *
 * Supports RFC 4180 quoting with doubled quotes, newlines inside quotes,
 * header detection, delimiter sniffing (, \t ; |), a UTF-8 byte order mark,
 * LF/CRLF/CR line ends, comment lines, and missing-value tokens. Every
 * skipped line and missing cell is counted in the returned report; malformed
 * input raises a {@link DataError} naming file, line and column.
 */
import { open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { DataError } from '../errors.js';
import { defineOptions, option, type OptionsInput, type ResolvedOptions } from '../../base/options.js';
import { INFER_FIELDS, type InferOptions } from '../table/infer.js';
import { Table } from '../table/table.js';
import { DateBuilder, DictBuilder, FloatBuilder, type ColumnBuilder } from './builders.js';
import { CSV_LIMIT_FIELDS } from './limits.js';
import { DEFAULT_NA_TOKENS, NaMatcher } from './na.js';
import { FIELD_ESCAPED, RecordScanner, unescapeQuotes, type RecordLimits, type ScannerOptions } from './scanner.js';
import { detectHeader, guessColumn, sampleRecords, sniffDelimiter } from './sniff.js';

const oneChar = (v: unknown): v is string => typeof v === 'string' && v.length === 1;
const strings = (v: unknown): v is readonly string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The options of {@link readCsv} and {@link parseCsv}, declared once: their type and their check. */
const CSV_FIELDS = {
  /** Field delimiter (one character); sniffed from , \t ; | when absent. */
  delimiter: option.custom<string>('one character', oneChar),
  /** Whether the first record names the columns; detected when 'auto' (default). */
  header: option.custom<boolean | 'auto'>("true, false or 'auto'", (v): v is boolean | 'auto' => typeof v === 'boolean' || v === 'auto'),
  /** Column names to use (required count = fields per record); replaces a header if there is one. */
  names: option.custom<readonly string[]>('a list of column names', strings),
  /** Comment-line prefix (default '#'); null turns comments off. */
  comment: option.custom<string | null>('a string or null', (v): v is string | null => v === null || (typeof v === 'string' && v.length > 0)),
  /** Quote character (default '"'). */
  quote: option.custom<string>('one character', oneChar),
  /** Decimal separator for numbers (default '.'). */
  decimal: option.custom<string>('one character', oneChar),
  /** Cells equal to one of these (after trimming spaces) are missing (default {@link DEFAULT_NA_TOKENS}). */
  naTokens: option.custom<readonly string[]>('a list of strings', strings),
  /** What to do with a record whose field count differs from the header's: 'error' (default) or 'skip' (counted). */
  onRaggedRow: option.choice(['error', 'skip']),
  /** Bytes read per chunk (default 2 MiB; two chunks are in flight). */
  chunkSize: option.number({ min: 1, integer: true }),
  /** Records sampled to guess column storage and the header (default 1000). */
  sampleRecords: option.number({ min: 1, integer: true }),
  ...CSV_LIMIT_FIELDS,
  ...INFER_FIELDS,
};
const READ_CSV = defineOptions('readCsv', CSV_FIELDS);
const PARSE_CSV = defineOptions('parseCsv', {
  ...CSV_FIELDS,
  /** The name errors give the input (default '<input>'). */
  file: option.string(),
});

/** Settings for {@link readCsv} and {@link parseCsv}. */
export type CsvOptions = OptionsInput<typeof READ_CSV>;
type ResolvedCsv = ResolvedOptions<typeof READ_CSV>;

/** What reading found, besides the table. */
export interface CsvReport {
  file: string;
  bytes: number;
  delimiter: string;
  header: boolean;
  /** Data rows kept. */
  rows: number;
  commentLines: number;
  blankLines: number;
  /** Records skipped for a wrong field count (only with onRaggedRow 'skip'). */
  raggedRows: number;
  /** First few skipped records: line and field count. */
  raggedExamples: { line: number; fields: number }[];
  /** Header names that were empty or repeated, and the names given instead. */
  renamedColumns: { index: number; from: string; to: string }[];
  /** Missing cells per column. */
  missing: Record<string, number>;
  /** Columns whose first guess (number/date) met a value it could not hold, with the line of that value. */
  storageChanges: { column: string; line: number }[];
  seconds: number;
}

/** A table and its read report. */
export interface CsvResult {
  table: Table;
  report: CsvReport;
}

const BOM = [0xef, 0xbb, 0xbf];

/** Incremental parser over byte chunks; one per input. */
class CsvParser {
  private readonly na: NaMatcher;
  private readonly quote: number;
  private readonly comment: Uint8Array | null;
  private readonly decimal: string;
  private scanner!: RecordScanner;
  private builders: ColumnBuilder[] = [];
  private names: string[] = [];
  private ncols = -1;
  private headerPending = false;
  private scratch = Buffer.allocUnsafe(1024);
  private started = false;
  readonly report: CsvReport;
  private readonly sink: (buf: Uint8Array, n: number, starts: Int32Array, ends: Int32Array, flags: Uint8Array, line: number) => void;

  constructor(private readonly file: string, private readonly opts: ResolvedCsv, private readonly limits: RecordLimits,
    private readonly capacityHint: (firstChunk: Buffer) => number) {
    this.na = new NaMatcher(opts.naTokens ?? DEFAULT_NA_TOKENS);
    this.quote = (opts.quote ?? '"').charCodeAt(0);
    const comment = opts.comment === undefined ? '#' : opts.comment;
    this.comment = comment === null || comment === '' ? null : Buffer.from(comment, 'utf8');
    this.decimal = opts.decimal ?? '.';
    this.report = {
      file, bytes: 0, delimiter: '', header: false, rows: 0, commentLines: 0, blankLines: 0, raggedRows: 0,
      raggedExamples: [], renamedColumns: [], missing: {}, storageChanges: [], seconds: 0,
    };
    this.sink = (buf, n, starts, ends, flags, line) => this.onRecord(buf, n, starts, ends, flags, line);
  }

  /** Scan `buf`; returns the offset of the first byte not consumed. */
  feed(buf: Buffer, final: boolean): number {
    let pos = 0;
    if (!this.started) {
      if (buf.length >= 3 && buf[0] === BOM[0] && buf[1] === BOM[1] && buf[2] === BOM[2]) pos = 3;
      this.start(buf.subarray(pos), final);
    }
    return this.scanner.scan(buf, pos, final, this.sink);
  }

  private start(first: Buffer, final: boolean): void {
    this.started = true;
    const fallback = extname(this.file).toLowerCase() === '.tsv' || extname(this.file).toLowerCase() === '.tab' ? '\t' : ',';
    const common = { file: this.file, quote: this.quote, comment: this.comment, limits: this.limits };
    const delimiter = this.opts.delimiter ?? sniffDelimiter(first, common, final, fallback);
    if (delimiter.length !== 1) throw new DataError(this.file, undefined, undefined, `delimiter must be one character, got ${JSON.stringify(delimiter)}`);
    this.report.delimiter = delimiter;
    const scanning: ScannerOptions = { ...common, delimiter: delimiter.charCodeAt(0) };
    this.scanner = new RecordScanner(scanning);
    const sample = sampleRecords(first, scanning, this.opts.sampleRecords ?? 1000, final);
    if (sample.length === 0) return;
    const header = this.opts.header === undefined || this.opts.header === 'auto' ? detectHeader(sample, this.na, this.decimal) : this.opts.header;
    this.report.header = header;
    this.headerPending = header;
    this.ncols = sample[0].length;
    this.names = this.columnNames(header ? sample[0] : null);
    const body = header ? sample.slice(1) : sample;
    const capacity = this.capacityHint(first);
    const dec = this.decimal.charCodeAt(0);
    this.builders = this.names.map((_, k) => {
      const g = guessColumn(body.map((r) => r[k] ?? ''), this.na, this.decimal);
      if (g === 'number' || g === 'empty') return new FloatBuilder(this.na, dec, capacity);
      if (g === 'date') return new DateBuilder(this.na, capacity);
      return new DictBuilder(this.na, capacity);
    });
  }

  private columnNames(header: string[] | null): string[] {
    const given = this.opts.names;
    if (given !== undefined) {
      if (given.length !== this.ncols) throw new DataError(this.file, undefined, undefined, `${given.length} column names given, but records have ${this.ncols} fields`);
      return [...given];
    }
    if (header === null) return Array.from({ length: this.ncols }, (_, k) => `column_${k + 1}`);
    const seen = new Set<string>();
    return header.map((raw, k) => {
      let name = raw.trim() === '' ? `column_${k + 1}` : raw;
      if (seen.has(name)) { let j = 1; while (seen.has(`${name}.${j}`)) j++; name = `${name}.${j}`; }
      if (name !== raw) this.report.renamedColumns.push({ index: k, from: raw, to: name });
      seen.add(name);
      return name;
    });
  }

  private onRecord(buf: Uint8Array, n: number, starts: Int32Array, ends: Int32Array, flags: Uint8Array, line: number): void {
    if (this.headerPending) { this.headerPending = false; return; }
    if (n !== this.ncols) {
      if (this.opts.onRaggedRow === 'skip') {
        this.report.raggedRows++;
        if (this.report.raggedExamples.length < 20) this.report.raggedExamples.push({ line, fields: n });
        return;
      }
      throw new DataError(this.file, line, undefined, `expected ${this.ncols} fields, found ${n}`);
    }
    const builders = this.builders;
    for (let k = 0; k < n; k++) {
      let b = buf, s = starts[k], e = ends[k];
      if (flags[k] & FIELD_ESCAPED) {
        if (this.scratch.length < e - s) this.scratch = Buffer.allocUnsafe(2 * (e - s));
        e = unescapeQuotes(buf, s, e, this.quote, this.scratch); s = 0; b = this.scratch;
      }
      if (!builders[k].add(b, s, e)) {
        builders[k] = builders[k].promote();
        builders[k].add(b, s, e);
        this.report.storageChanges.push({ column: this.names[k], line });
      }
    }
    this.report.rows++;
  }

  /** Finish: build the table. */
  finish(opts: InferOptions): Table {
    this.report.commentLines = this.scanner?.commentLines ?? 0;
    this.report.blankLines = this.scanner?.blankLines ?? 0;
    if (this.ncols < 0) throw new DataError(this.file, undefined, undefined, 'no records: the file holds only blank or comment lines');
    const table = Table.fromStorage(this.names.map((name, k) => ({ name, storage: this.builders[k].finish() })), opts);
    for (const c of table.columns) this.report.missing[c.name] = c.evidence.missing;
    return table;
  }
}

/** The record limits of checked options. */
const csvLimits = (opts: ResolvedCsv): RecordLimits => ({ maxColumns: opts.maxColumns, maxRecordBytes: opts.maxRecordBytes });

/** Estimate of the data rows in `total` bytes from the first chunk (for sizing buffers once). */
function rowEstimate(total: number) {
  return (first: Buffer): number => {
    const sample = first.subarray(0, Math.min(first.length, 1 << 20));
    let lines = 0;
    for (let i = 0; i < sample.length; i++) if (sample[i] === 10) lines++;
    if (lines === 0) return 1024;
    return Math.ceil((total / sample.length) * lines * 1.02) + 16;
  };
}

/**
 * Read a CSV/TSV file into a {@link Table}, streaming it in chunks.
 * Throws {@link DataError} for an empty file, ragged rows, unterminated quotes
 * and stray characters after a closing quote.
 */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<CsvResult> {
  const t0 = performance.now();
  const opts = READ_CSV.parse(options);
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    if (size === 0) throw new DataError(path, undefined, undefined, 'empty file (0 bytes)');
    const parser = new CsvParser(path, opts, csvLimits(opts), rowEstimate(size));
    const chunk = Math.max(1 << 16, opts.chunkSize ?? 2 << 20);
    // Double buffering: the read of chunk i+1 (into one of two raw buffers) runs while
    // chunk i is parsed. The parse buffer holds the unconsumed tail of the previous
    // chunk followed by the new bytes; builders copy what they keep, so nothing
    // points into these buffers and they are reused throughout.
    const raw = [Buffer.allocUnsafe(chunk), Buffer.allocUnsafe(chunk)];
    let buf = Buffer.allocUnsafe(2 * chunk);
    let carry = 0;
    let pos = 0;
    let turn = 0;
    let pending = fh.read(raw[0], 0, chunk, 0);
    for (;;) {
      const { bytesRead } = await pending;
      const got = raw[turn];
      pos += bytesRead;
      const final = pos >= size || bytesRead === 0;
      turn ^= 1;
      if (!final) pending = fh.read(raw[turn], 0, chunk, pos);
      if (buf.length < carry + bytesRead) { const bigger = Buffer.allocUnsafe(2 * (carry + bytesRead)); buf.copy(bigger, 0, 0, carry); buf = bigger; }
      got.copy(buf, carry, 0, bytesRead);
      const data = buf.subarray(0, carry + bytesRead);
      const used = parser.feed(data, final);
      if (final) break;
      buf.copy(buf, 0, used, data.length);
      carry = data.length - used;
    }
    const table = parser.finish(opts);
    parser.report.bytes = size;
    parser.report.seconds = (performance.now() - t0) / 1000;
    return { table, report: parser.report };
  } finally {
    await fh.close();
  }
}

/**
 * Parse CSV/TSV text or bytes held in memory. `file` names the source in
 * error messages (default '<input>').
 */
export function parseCsv(input: string | Uint8Array, options: OptionsInput<typeof PARSE_CSV> = {}): CsvResult {
  const t0 = performance.now();
  const opts = PARSE_CSV.parse(options);
  const file = opts.file ?? '<input>';
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length === 0) throw new DataError(file, undefined, undefined, 'empty input (0 bytes)');
  const parser = new CsvParser(file, opts, csvLimits(opts), rowEstimate(buf.length));
  parser.feed(buf, true);
  const table = parser.finish(opts);
  parser.report.bytes = buf.length;
  parser.report.seconds = (performance.now() - t0) / 1000;
  return { table, report: parser.report };
}

/** Short dataset name from a path (file name without extension). */
export function datasetName(path: string): string {
  return basename(path, extname(path));
}
