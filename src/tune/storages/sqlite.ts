/**
 * SQLite through better-sqlite3 (synchronous; wrapped in the async driver interface). WAL mode
 * and a busy timeout let several worker processes share one file; every statement of this
 * process goes through one queue so a transaction never interleaves with another job's writes.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { TuneError } from '../errors.js';
import type { Query, QueryResult, SqlDriver } from './sql_driver.js';

/** The part of better-sqlite3 used here. */
interface Statement { readonly reader: boolean; all(...p: unknown[]): Record<string, unknown>[]; run(...p: unknown[]): { changes: number } }
interface Database { prepare(sql: string): Statement; exec(sql: string): void; pragma(s: string): unknown; close(): void }
type DatabaseCtor = new (path: string, opts: { timeout: number }) => Database;

/** `$1 … $n` → `?` with the parameters in the order they occur (so a number may repeat). */
function positional(sql: string, params: readonly unknown[]): { sql: string; args: unknown[] } {
  const args: unknown[] = [];
  const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
    args.push(params[Number(n) - 1]);
    return '?';
  });
  return { sql: text, args };
}

class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Statement>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Database, readonly description: string) {}

  private run(sql: string, params: readonly unknown[]): QueryResult {
    const p = positional(sql, params);
    let st = this.statements.get(p.sql);
    if (st === undefined) this.statements.set(p.sql, st = this.db.prepare(p.sql));
    if (st.reader) {
      const rows = st.all(...p.args);
      return { rows, changes: rows.length };
    }
    return { rows: [], changes: st.run(...p.args).changes };
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => {});
    return next;
  }

  query: Query = (sql, params = []) => this.exclusive(async () => this.run(sql, params));

  transaction<T>(fn: (q: Query) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const out = await fn(async (sql, params = []) => this.run(sql, params));
        this.db.exec('COMMIT');
        return out;
      } catch (e) {
        this.db.exec('ROLLBACK');
        throw e;
      }
    });
  }

  async close(): Promise<void> {
    await this.queue;
    this.db.close();
  }
}

/** Opens (creating when missing, with its folder) the SQLite file of a 'sqlite:///path' URL. */
export async function openSqlite(path: string, url: string): Promise<SqlDriver> {
  const moduleName = 'better-sqlite3'; // loaded on use: in-memory studies need no driver
  let Ctor: DatabaseCtor;
  try {
    Ctor = ((await import(moduleName)) as { default: DatabaseCtor }).default;
  } catch (e) {
    throw new TuneError(`${url}: the SQLite driver better-sqlite3 cannot be loaded (${(e as Error).message})`);
  }
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Ctor(path, { timeout: 30_000 });
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    return new SqliteDriver(db, url);
  } catch (e) {
    throw new TuneError(`cannot open the SQLite study storage ${url}: ${(e as Error).message}`);
  }
}
