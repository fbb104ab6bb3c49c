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
  // Kysely prepares every query afresh; keeping prepared statements by SQL text halves the cost
  // of a small query (the same few hundred statements are run over and over).
  const statements = new Map<string, Sqlite.Statement>();
  const database = {
    prepare(text: string) {
      let s = statements.get(text);
      if (!s) {
        if (statements.size >= 2000) statements.clear();
        s = conn.prepare(text);
        statements.set(text, s);
      }
      return s;
    },
    close: () => conn.close(),
  };
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return {
    kind: 'sqlite',
    db,
    isRetryable: (err, unique) => (err as { code?: string } | null)?.code === 'SQLITE_BUSY' || (unique && isUniqueViolation(err)),
    close: () => db.destroy(),
  };
}
