/**
 * PostgreSQL through pg: a small pool, a connection timeout (an unreachable server is an
 * error naming the URL, not a hang) and transactions on one pooled client.
 */
import { TuneError } from '../errors.js';
import type { Query, QueryResult, SqlDriver } from './sql_driver.js';

/** The part of pg used here. */
interface PgResult { rows: Record<string, unknown>[]; rowCount: number | null }
interface PgClient { query(sql: string, params?: readonly unknown[]): Promise<PgResult>; release(err?: Error): void }
interface PgPool {
  query(sql: string, params?: readonly unknown[]): Promise<PgResult>;
  connect(): Promise<PgClient>;
  end(): Promise<void>;
  on(event: 'error', fn: (e: Error) => void): void;
}
type PoolCtor = new (config: { connectionString: string; connectionTimeoutMillis: number; max: number; idleTimeoutMillis: number }) => PgPool;

const CONNECT_TIMEOUT_MS = 10_000;

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(\w+:\/\/[^:/@]*):[^@]*@/, '$1:***@');
}

const result = (r: PgResult): QueryResult => ({ rows: r.rows, changes: r.rowCount ?? 0 });

class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  constructor(private readonly pool: PgPool, readonly description: string) {}

  query: Query = async (sql, params = []) => result(await this.pool.query(sql, params));

  async transaction<T>(fn: (q: Query) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(async (sql, params = []) => result(await client.query(sql, params)));
      await client.query('COMMIT');
      client.release();
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
      throw e;
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** Connects to a 'postgresql://…' URL, checking the connection at once. */
export async function openPostgres(url: string): Promise<SqlDriver> {
  const shown = redactUrl(url);
  const moduleName = 'pg'; // loaded on use: in-memory and SQLite studies need no client
  let Pool: PoolCtor;
  try {
    Pool = ((await import(moduleName)) as { default: { Pool: PoolCtor } }).default.Pool;
  } catch (e) {
    throw new TuneError(`${shown}: the PostgreSQL client pg cannot be loaded (${(e as Error).message})`);
  }
  const pool = new Pool({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, max: 4, idleTimeoutMillis: 5_000 });
  pool.on('error', () => {}); // an idle client dropped by the server; the next query reconnects or reports
  try {
    await pool.query('SELECT 1');
  } catch (e) {
    await pool.end().catch(() => {});
    throw new TuneError(`cannot reach the PostgreSQL study storage ${shown}: ${(e as Error).message || (e as { code?: string }).code || String(e)}`);
  }
  return new PostgresDriver(pool, shown);
}
