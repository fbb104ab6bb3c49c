// The embedded backend: one better-sqlite3 connection in WAL mode. Kysely serialises
// transactions on the single connection, which is what SQLite allows anyway.
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { isUniqueViolation, type Backend } from './store.js';

export function openSqlite(file: string): Backend {
  const conn = new Sqlite(file);
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = NORMAL');
  conn.pragma('busy_timeout = 5000');
  conn.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: conn }) });
  return {
    kind: 'sqlite',
    db,
    isRetryable: (err, unique) => (err as { code?: string } | null)?.code === 'SQLITE_BUSY' || (unique && isUniqueViolation(err)),
    close: () => db.destroy(),
  };
}
