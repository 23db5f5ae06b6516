/**
 * A columnar table: named columns, each with typed storage, an inferred kind
 * and the evidence for it. Tables are immutable; selection and row takes
 * return new tables (row takes copy the storage, column selections share it).
 */
import { inferColumn, inferSettings, type ColumnKind, type InferOptions, type TypeEvidence } from './infer.js';
import { storageBytes, storageLength, takeStorage, type ColumnStorage } from './storage.js';

/** One named column. */
export interface Column {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly storage: ColumnStorage;
  readonly evidence: TypeEvidence;
}

/** A value as read back from a table: a number, a string, a Date, or null when missing. */
export type CellValue = number | string | Date | null;

/** Immutable columnar table. */
export class Table {
  readonly columns: readonly Column[];
  readonly rowCount: number;
  private readonly byName: Map<string, Column>;

  /** Build a table from columns of equal length and distinct names. */
  constructor(columns: readonly Column[]) {
    this.columns = columns;
    this.byName = new Map();
    this.rowCount = columns.length === 0 ? 0 : storageLength(columns[0].storage);
    for (const c of columns) {
      if (this.byName.has(c.name)) throw new Error(`Table: duplicate column name ${JSON.stringify(c.name)}`);
      const n = storageLength(c.storage);
      if (n !== this.rowCount) throw new Error(`Table: column ${JSON.stringify(c.name)} has ${n} rows, expected ${this.rowCount}`);
      this.byName.set(c.name, c);
    }
  }

  /**
   * Build a table from named storages, inferring each column's kind. `opts` may be a reader's
   * whole options object: only its inference settings are read (and checked, under `owner`).
   */
  static fromStorage(entries: readonly { name: string; storage: ColumnStorage }[], opts: InferOptions = {}, owner = 'Table.fromStorage'): Table {
    const settings = inferSettings(opts, owner);
    return new Table(entries.map(({ name, storage }) => {
      const r = inferColumn(name, storage, settings);
      return { name, kind: r.kind, storage: r.storage, evidence: r.evidence };
    }));
  }

  /** Column names in order. */
  get columnNames(): string[] {
    return this.columns.map((c) => c.name);
  }

  /** True when a column of that name exists. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The column called `name`; throws naming the available columns when absent. */
  column(name: string): Column {
    const c = this.byName.get(name);
    if (c === undefined) throw new Error(`no column ${JSON.stringify(name)}; columns are: ${this.columnNames.join(', ')}`);
    return c;
  }

  /** A table with only `names`, in that order. */
  select(names: readonly string[]): Table {
    return new Table(names.map((n) => this.column(n)));
  }

  /** A table without `names` (each must exist). */
  drop(names: readonly string[]): Table {
    for (const n of names) this.column(n);
    const gone = new Set(names);
    return new Table(this.columns.filter((c) => !gone.has(c.name)));
  }

  /** A table with rows `index` in that order (indices may repeat); kinds and evidence are kept. */
  take(index: ArrayLike<number>): Table {
    for (let i = 0; i < index.length; i++) {
      const r = index[i];
      if (!Number.isInteger(r) || r < 0 || r >= this.rowCount) throw new RangeError(`take: row index ${r} at position ${i} is outside 0..${this.rowCount - 1}`);
    }
    return new Table(this.columns.map((c) => ({ ...c, storage: takeStorage(c.storage, index) })));
  }

  /** The first `n` rows. */
  head(n = 5): Table {
    const k = Math.min(n, this.rowCount);
    return this.take(Int32Array.from({ length: k }, (_, i) => i));
  }

  /** The value in row `row` of column `name`. */
  get(row: number, name: string): CellValue {
    const s = this.column(name).storage;
    if (s.type === 'dict') { const c = s.codes[row]; return c < 0 ? null : s.dictionary[c]; }
    const v = s.values[row];
    if (v !== v) return null;
    return s.type === 'datetime' ? new Date(v) : v;
  }

  /** Row `row` as an object keyed by column name. */
  row(row: number): Record<string, CellValue> {
    const out: Record<string, CellValue> = {};
    for (const c of this.columns) out[c.name] = this.get(row, c.name);
    return out;
  }

  /** Bytes held by the columns' storage (dictionary strings estimated). */
  memoryBytes(): number {
    let b = 0;
    for (const c of this.columns) b += storageBytes(c.storage);
    return b;
  }
}
