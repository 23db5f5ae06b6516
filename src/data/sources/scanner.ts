/**
 * Byte-level record scanner for delimited text (RFC 4180 and the usual
 * relaxations). It finds field boundaries in a buffer and hands each complete
 * record to a sink; it never makes strings. Records that are cut by the end of
 * the buffer are left for the next call (the caller carries the tail over).
 *
 * Handles: quoted fields with doubled quotes (""), delimiters and newlines
 * inside quotes, LF, CRLF and lone CR line ends, blank lines (skipped and
 * counted), and comment lines starting with a prefix (skipped and counted).
 * A quote inside an unquoted field is kept as a literal character.
 *
 * Records are bounded (see {@link RecordLimits}): a record with too many fields, or too many
 * bytes (the tail a chunked read carries over included), is a DataError as soon as it is seen,
 * so a damaged or hostile file cannot make the reader grow its buffers without end.
 */
import { DataError } from '../errors.js';
import { formatBytes, limitHint } from './limits.js';

/** Bit set in a field's flags when the field was quoted. */
export const FIELD_QUOTED = 1;
/** Bit set in a field's flags when the quoted field contains doubled quotes to unescape. */
export const FIELD_ESCAPED = 2;

const LF = 10;
const CR = 13;

/**
 * Receives one record: `n` fields whose bytes are `buf[starts[k], ends[k])`
 * (quotes already stripped, doubled quotes not yet unescaped), `line` being the
 * 1-based line the record starts on.
 */
export type RecordSink = (buf: Uint8Array, n: number, starts: Int32Array, ends: Int32Array, flags: Uint8Array, line: number) => void;

/** The largest record a scanner accepts (the CSV reader's options of the same names). */
export interface RecordLimits {
  /** Fields per record. */
  maxColumns: number;
  /** Bytes per record, newlines inside quotes included. */
  maxRecordBytes: number;
}

/** Scanner settings. */
export interface ScannerOptions {
  /** File name used in error messages. */
  file: string;
  /** Field delimiter byte. */
  delimiter: number;
  /** Quote byte (34 for '"'). */
  quote: number;
  /** Comment prefix bytes; lines starting with it are skipped. Null for none. */
  comment: Uint8Array | null;
  limits: RecordLimits;
}

/** Incremental scanner; keeps the line count across calls. */
export class RecordScanner {
  /** 1-based line number of the next unread byte. */
  line = 1;
  /** Comment lines skipped so far. */
  commentLines = 0;
  /** Blank lines skipped so far. */
  blankLines = 0;
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  private flags = new Uint8Array(64);

  constructor(private readonly opts: ScannerOptions) {}

  /**
   * Scan `buf` from `pos` to its end, calling `sink` for each complete record.
   * When `final` is false a record that reaches the end of `buf` is left
   * unread. Returns the offset of the first unread byte.
   */
  scan(buf: Uint8Array, pos: number, final: boolean, sink: RecordSink): number {
    const used = this.scanRecords(buf, pos, final, sink);
    // the record left unread is carried into the next call: refuse it before it grows further
    if (buf.length - used > this.opts.limits.maxRecordBytes) throw this.tooLong();
    return used;
  }

  private scanRecords(buf: Uint8Array, pos: number, final: boolean, sink: RecordSink): number {
    const end = buf.length;
    const { maxColumns, maxRecordBytes } = this.opts.limits;
    const delim = this.opts.delimiter;
    const quote = this.opts.quote;
    const comment = this.opts.comment;
    let i = pos;
    while (i < end) {
      const recStart = i;
      let c = buf[i];
      if (c === LF) { this.blankLines++; this.line++; i++; continue; }
      if (c === CR) {
        if (i + 1 < end) { i += buf[i + 1] === LF ? 2 : 1; } else if (final) { i++; } else return recStart;
        this.blankLines++; this.line++; continue;
      }
      if (comment !== null && c === comment[0]) {
        if (end - i < comment.length && !final) return recStart;
        if (startsWith(buf, i, comment)) {
          const nl = indexOfLineEnd(buf, i);
          if (nl < 0) { if (!final) return recStart; this.commentLines++; this.line++; return end; }
          if (buf[nl] === CR) {
            if (nl + 1 < end) i = buf[nl + 1] === LF ? nl + 2 : nl + 1; else if (final) i = nl + 1; else return recStart;
          } else i = nl + 1;
          this.commentLines++; this.line++; continue;
        }
      }
      let line = this.line;
      let lineStart = i;
      let nf = 0;
      for (;;) {
        if (i - recStart > maxRecordBytes) throw this.tooLong();
        if (nf === maxColumns) {
          throw new DataError(this.opts.file, this.line, undefined, `a record with more than ${maxColumns} fields ${limitHint('maxColumns')}`);
        }
        if (nf === this.starts.length) this.growFields();
        c = i < end ? buf[i] : -1;
        if (c === quote) {
          const qLine = line;
          const qCol = i;
          const qLineStart = lineStart;
          let j = i + 1;
          let esc = false;
          let q: number;
          for (;;) {
            q = buf.indexOf(quote, j);
            if (q < 0) {
              if (final) throw new DataError(this.opts.file, qLine, column(buf, qLineStart, qCol), 'unterminated quoted field (the quote opened here is never closed)');
              return recStart;
            }
            if (q + 1 < end && buf[q + 1] === quote) { esc = true; j = q + 2; continue; }
            if (q + 1 >= end && !final) return recStart;
            break;
          }
          for (let k = i + 1; k < q; k++) if (buf[k] === LF || (buf[k] === CR && buf[k + 1] !== LF)) { line++; lineStart = k + 1; }
          this.starts[nf] = i + 1; this.ends[nf] = q; this.flags[nf] = esc ? (FIELD_QUOTED | FIELD_ESCAPED) : FIELD_QUOTED; nf++;
          i = q + 1;
          c = i < end ? buf[i] : -1;
          if (c === delim) { i++; continue; }
          if (c !== LF && c !== CR && c !== -1) {
            throw new DataError(this.opts.file, line, column(buf, lineStart, i), `unexpected character ${JSON.stringify(String.fromCharCode(c))} after a closing quote (expected a delimiter or end of line)`);
          }
        } else {
          const s = i;
          while (i < end) { c = buf[i]; if (c === delim || c === LF || c === CR) break; i++; }
          this.starts[nf] = s; this.ends[nf] = i; this.flags[nf] = 0; nf++;
          if (i < end && c === delim) { i++; continue; }
          c = i < end ? buf[i] : -1;
        }
        // the record's bytes, its line end not counted
        if (i - recStart > maxRecordBytes) throw this.tooLong();
        if (c === -1) {
          if (!final) return recStart;
          i = end;
        } else if (c === LF) {
          i++;
        } else if (i + 1 < end) {
          i += buf[i + 1] === LF ? 2 : 1;
        } else if (final) {
          i++;
        } else return recStart;
        this.line = line + 1;
        sink(buf, nf, this.starts, this.ends, this.flags, line);
        break;
      }
    }
    return i;
  }

  /** The error for the record being read: it starts on `this.line`, which moves past a record once it is complete. */
  private tooLong(): DataError {
    const limit = this.opts.limits.maxRecordBytes;
    return new DataError(this.opts.file, this.line, undefined, `a record longer than ${formatBytes(limit)} ${limitHint('maxRecordBytes')}`);
  }

  private growFields(): void {
    const n = this.starts.length * 2;
    const s = new Int32Array(n); s.set(this.starts); this.starts = s;
    const e = new Int32Array(n); e.set(this.ends); this.ends = e;
    const f = new Uint8Array(n); f.set(this.flags); this.flags = f;
  }
}

function startsWith(buf: Uint8Array, i: number, prefix: Uint8Array): boolean {
  if (i + prefix.length > buf.length) return false;
  for (let k = 0; k < prefix.length; k++) if (buf[i + k] !== prefix[k]) return false;
  return true;
}

function indexOfLineEnd(buf: Uint8Array, i: number): number {
  for (let k = i; k < buf.length; k++) if (buf[k] === LF || buf[k] === CR) return k;
  return -1;
}

/** 1-based character column of byte `pos` in the line starting at byte `lineStart`. */
export function column(buf: Uint8Array, lineStart: number, pos: number): number {
  return Buffer.from(buf.buffer, buf.byteOffset + lineStart, pos - lineStart).toString('utf8').length + 1;
}

/** Copy `buf[start, end)` to `out` with each doubled `quote` made single; returns the length written. */
export function unescapeQuotes(buf: Uint8Array, start: number, end: number, quote: number, out: Uint8Array): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    out[n++] = buf[i];
    if (buf[i] === quote && i + 1 < end && buf[i + 1] === quote) i++;
  }
  return n;
}
