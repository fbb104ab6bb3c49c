// The server backend: a pg pool for queries and one dedicated connection that LISTENs, so every
// Pier process on the same database hears the others' committed changes.
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Database } from './schema.js';
import { randomUUID } from 'node:crypto';
import { EVENT_CHUNK, insertEvents, type Backend, type ChangeEvent } from './store.js';

const CHANNEL = 'pier_events';
// PostgreSQL caps a NOTIFY payload at 8000 bytes; past that, listeners resync everything.
const MAX_PAYLOAD = 7000;

export async function openPostgres(url: string): Promise<Backend> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => { /* a dropped idle client is replaced on next use */ });
  const probe = await pool.connect(); // fail fast, with pg's own message, if unreachable
  probe.release();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let listener: pg.Client | undefined;
  // Identifies this store in notifications, so it skips its own (already delivered in-process).
  const origin = randomUUID();

  return {
    kind: 'postgres',
    db,
    async writeEvents(trx, rows, events) {
      let payload = JSON.stringify({ origin, events });
      if (payload.length > MAX_PAYLOAD) payload = JSON.stringify({ origin, resync: true });
      // The last rows and the NOTIFY in one statement: one round trip for a usual transaction.
      const last = rows.length - ((rows.length - 1) % EVENT_CHUNK) - 1;
      await insertEvents(trx, rows.slice(0, last));
      await trx.with('written', (db) => db.insertInto('events').values(rows.slice(last)))
        .selectNoFrom(sql<string>`pg_notify(${CHANNEL}, ${payload})`.as('notified')).execute();
    },
    async listen(deliver) {
      listener = new pg.Client({ connectionString: url });
      await listener.connect();
      listener.on('error', () => { /* shut down or connection lost: no more remote events */ });
      listener.on('notification', (msg) => {
        const data = JSON.parse(msg.payload ?? '{}') as { origin?: string; events?: ChangeEvent[]; resync?: boolean };
        if (data.origin === origin) return;
        deliver(data.events ?? [{ resource: '*', id: '*', action: 'update' }]);
      });
      await listener.query(`LISTEN ${CHANNEL}`);
    },
    isRetryable: (err, unique) => {
      const code = (err as { code?: string } | null)?.code;
      return code === '40001' || code === '40P01' || (unique && code === '23505');
    },
    async close() {
      await listener?.end().catch(() => {});
      await db.destroy();
    },
  };
}
