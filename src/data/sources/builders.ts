/**
 * Growing column builders fed with cell bytes while a file is read. Each
 * starts with the storage the sampled rows suggested; a cell it cannot hold
 * makes it hand over to a dictionary builder ({@link ColumnBuilder.promote}),
 * which keeps every value (numbers and dates seen before are kept as their
 * canonical text) and records where that happened.
 */
import { ByteDictionary } from '../table/dictionary.js';
import { formatDateTime, parseIsoBytes } from '../table/datetime.js';
import type { ColumnStorage } from '../table/storage.js';
import type { NaMatcher } from './na.js';
import { parseNumber } from './number.js';

/** Receives the cells of one column. */
export interface ColumnBuilder {
  /** Add one cell; false when this builder cannot hold it (then promote and retry). */
  add(buf: Uint8Array, start: number, end: number): boolean;
  /** A dictionary builder holding the same rows. */
  promote(): ColumnBuilder;
  /** Rows added so far. */
  readonly length: number;
  /** The finished storage, trimmed to length. */
  finish(): ColumnStorage;
}

/** Builds float64 storage. */
export class FloatBuilder implements ColumnBuilder {
  private values: Float64Array;
  length = 0;

  constructor(private readonly na: NaMatcher, private readonly decimal: number, capacity: number) {
    this.values = new Float64Array(Math.max(16, capacity));
  }

  add(buf: Uint8Array, start: number, end: number): boolean {
    let v = parseNumber(buf, start, end, this.decimal);
    if (v === undefined) {
      if (!this.na.isNa(buf, start, end)) return false;
      v = NaN;
    }
    if (this.length === this.values.length) this.values = grow64(this.values);
    this.values[this.length++] = v;
    return true;
  }

  promote(): ColumnBuilder {
    const d = new DictBuilder(this.na, this.values.length);
    for (let i = 0; i < this.length; i++) d.addText(this.values[i] !== this.values[i] ? null : String(this.values[i]));
    return d;
  }

  finish(): ColumnStorage {
    return { type: 'float64', values: trim64(this.values, this.length) };
  }
}

/** Builds datetime storage from ISO-like dates. */
export class DateBuilder implements ColumnBuilder {
  private values: Float64Array;
  length = 0;

  constructor(private readonly na: NaMatcher, capacity: number) {
    this.values = new Float64Array(Math.max(16, capacity));
  }

  add(buf: Uint8Array, start: number, end: number): boolean {
    let v = parseIsoBytes(buf, start, end);
    if (v === undefined) {
      if (!this.na.isNa(buf, start, end)) return false;
      v = NaN;
    }
    if (this.length === this.values.length) this.values = grow64(this.values);
    this.values[this.length++] = v;
    return true;
  }

  promote(): ColumnBuilder {
    const d = new DictBuilder(this.na, this.values.length);
    for (let i = 0; i < this.length; i++) d.addText(this.values[i] !== this.values[i] ? null : formatDateTime(this.values[i]));
    return d;
  }

  finish(): ColumnStorage {
    return { type: 'datetime', values: trim64(this.values, this.length) };
  }
}

/** Builds dictionary-encoded storage; never refuses a cell. */
export class DictBuilder implements ColumnBuilder {
  private codes: Int32Array;
  private readonly dict = new ByteDictionary();
  length = 0;

  constructor(private readonly na: NaMatcher, capacity: number) {
    this.codes = new Int32Array(Math.max(16, capacity));
  }

  add(buf: Uint8Array, start: number, end: number): boolean {
    const code = this.na.isNa(buf, start, end) ? -1 : this.dict.intern(buf, start, end);
    if (this.length === this.codes.length) { const c = new Int32Array(this.codes.length * 2); c.set(this.codes); this.codes = c; }
    this.codes[this.length++] = code;
    return true;
  }

  /** Add a decoded value (null for missing). */
  addText(text: string | null): void {
    const b = text === null ? null : Buffer.from(text, 'utf8');
    if (this.length === this.codes.length) { const c = new Int32Array(this.codes.length * 2); c.set(this.codes); this.codes = c; }
    this.codes[this.length++] = b === null ? -1 : this.dict.intern(b, 0, b.length);
  }

  promote(): ColumnBuilder {
    return this;
  }

  finish(): ColumnStorage {
    const codes = this.codes.length === this.length ? this.codes : this.codes.length - this.length <= this.codes.length / 16 ? this.codes.subarray(0, this.length) : this.codes.slice(0, this.length);
    return { type: 'dict', codes, dictionary: this.dict.values() };
  }
}

function grow64(a: Float64Array): Float64Array {
  const b = new Float64Array(Math.ceil(a.length * 1.5) + 16);
  b.set(a);
  return b;
}

/** The first n values: a view when little is wasted (≤ 1/16 of the buffer), else a copy. */
function trim64(a: Float64Array, n: number): Float64Array {
  return a.length === n ? a : a.length - n <= a.length / 16 ? a.subarray(0, n) : a.slice(0, n);
}
