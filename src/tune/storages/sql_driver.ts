/** The little a SQL storage needs from a database client; SQL uses $1, $2, ... placeholders. */
export type Row = Record<string, unknown>;
export interface QueryResult { rows: Row[]; changes: number }
export type Query = (sql: string, params?: readonly unknown[]) => Promise<QueryResult>;
export type Dialect = 'sqlite' | 'postgres';

export interface SqlDriver {
  readonly dialect: Dialect;
  readonly description: string;
  query: Query;
  /** Runs `fn` in one transaction that holds the write lock (SQLite: BEGIN IMMEDIATE). */
  transaction<T>(fn: (q: Query) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
