/** A storage from its URL: none (memory), 'sqlite:///path.db', 'postgresql://user@host/db'. */
import { TuneError } from '../errors.js';
import { InMemoryStorage } from './memory.js';
import { openPostgres } from './postgres.js';
import { SqlStorage } from './sql.js';
import { openSqlite } from './sqlite.js';
import type { Storage } from './storage.js';

/**
 * Opens a storage. 'sqlite:///runs/tune.db' is a path relative to the working directory and
 * 'sqlite:////abs/tune.db' an absolute one (SQLAlchemy's convention, as Optuna's URLs).
 */
export async function openStorage(url: string | undefined): Promise<Storage> {
  if (url === undefined || url === '' || url === 'memory') return new InMemoryStorage();
  if (url.startsWith('sqlite:///')) return SqlStorage.open(await openSqlite(url.slice('sqlite:///'.length) || ':memory:', url));
  if (/^postgres(ql)?:\/\//.test(url)) return SqlStorage.open(await openPostgres(url));
  throw new TuneError(`storage URL '${url}' is not understood: use sqlite:///path.db or postgresql://user@host/db`);
}
