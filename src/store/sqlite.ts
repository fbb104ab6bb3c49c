// The embedded backend: one better-sqlite3 connection in WAL mode. Kysely serialises
// transactions on the single connection, which is what SQLite allows anyway.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { isUniqueViolation, type Backend } from './store.js';

const ALREADY_ROLLED_BACK = { reader: false, run: () => ({ changes: 0, lastInsertRowid: 0 }) } as unknown as Sqlite.Statement;

export function openSqlite(file: string): Backend {
  const conn = new Sqlite(file);
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = NORMAL');
  conn.pragma('busy_timeout = 5000');
  conn.pragma('foreign_keys = ON');
  // `x REGEXP p` (portable-sql.ts); patterns were checked by the caller, so a bad one is no match.
  const patterns = new Map<string, RegExp | null>();
  conn.function('regexp', { deterministic: true }, (pattern, value) => {
    let re = patterns.get(String(pattern));
    if (re === undefined) {
      try { re = new RegExp(String(pattern)); } catch { re = null; }
      if (patterns.size > 100) patterns.clear();
      patterns.set(String(pattern), re);
    }
    return re && value !== null && re.test(String(value)) ? 1 : 0;
  });
  // Checkpoints (copying the WAL into the database, with two fsyncs) run on a thread of their
  // own: inline, every thousandth page made one request in ~70 pay tens of milliseconds.
  conn.pragma('wal_autocheckpoint = 0');
  const checkpointer = startCheckpointer(file);
  // Kysely prepares every query afresh; keeping prepared statements by SQL text halves the cost
  // of a small query (the same few hundred statements are run over and over).
  const statements = new Map<string, Sqlite.Statement>();
  const database = {
    prepare(text: string) {
      // SQLite rolls a transaction back by itself on SQLITE_FULL or IOERR; kysely's rollback then
      // finds none, and its "no transaction is active" would hide the error that tells why.
      if (text === 'rollback' && !conn.inTransaction) return ALREADY_ROLLED_BACK;
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
    // What kysely's SQLite connection does with a compiled query, minus its promises.
    direct(query) {
      const s = database.prepare(query.sql);
      if (s.reader) return { rows: s.all(query.parameters) };
      const { changes, lastInsertRowid } = s.run(query.parameters);
      return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
    },
    // Every SQLITE_BUSY variant is transient; SQLITE_BUSY_SNAPSHOT (a transaction that began
    // reading cannot become a writer once the WAL moved under it) needs the whole body re-run.
    isRetryable: (err, unique) => String((err as { code?: string } | null)?.code).startsWith('SQLITE_BUSY') || (unique && isUniqueViolation(err)),
    close: async () => {
      await checkpointer.terminate();
      await db.destroy();
    },
  };
}

/** How often the checkpointer runs, and the WAL size (pages) past which it makes writers wait. */
const CHECKPOINT_MS = 100;
const WAL_LIMIT_PAGES = 16_384;

// A PASSIVE checkpoint never blocks the API's writes; under sustained writes it may never catch
// the WAL's end, so past WAL_LIMIT_PAGES a RESTART checkpoint (writers wait for it) lets the next
// write start the WAL from its beginning again.
const CHECKPOINTER = `
const { workerData } = require('node:worker_threads');
const Sqlite = require(workerData.module);
const db = new Sqlite(workerData.file);
db.pragma('busy_timeout = 5000');
setInterval(() => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (r && r.log > ${WAL_LIMIT_PAGES}) db.pragma('wal_checkpoint(RESTART)');
  } catch { /* busy or closing: the next round tries again */ }
}, ${CHECKPOINT_MS});
`;

function startCheckpointer(file: string): Worker {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CHECKPOINTER, { eval: true, workerData: { file, module } });
  worker.unref();
  return worker;
}
