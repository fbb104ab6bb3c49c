// The server backend: a pg pool for queries, the change feed that reads the other processes'
// committed changes from the outbox, and one connection that LISTENs only to wake the feed (it
// reconnects by itself; the feed's own timer bounds the delay while it is down).
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Database } from './schema.js';
import { ChangeFeed } from './change-feed.js';
import { EVENT_CHUNK, type Backend } from './store.js';

const CHANNEL = 'pier_events';
const RECONNECT_MS = 1000;

export async function openPostgres(url: string): Promise<Backend> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => { /* a dropped idle client is replaced on next use */ });
  // pg-pool listens for errors on idle clients only: a connection that dies while checked out
  // (between a transaction's statements) would throw from the process; its next query fails instead.
  pool.on('connect', (client) => { client.on('error', () => {}); });
  const probe = await pool.connect(); // fail fast, with pg's own message, if unreachable
  probe.release();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let feed: ChangeFeed | undefined;
  let listener: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const listen = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: url, application_name: `pier-listen-${process.pid}` });
    const lost = () => {
      if (listener !== client) return;
      listener = undefined;
      client.end().catch(() => {});
      if (!closed) retry = setTimeout(() => void listen().catch(lost), RECONNECT_MS).unref();
    };
    listener = client;
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', () => feed?.wake());
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    feed?.wake(); // whatever was committed while it was away
  };

  return {
    kind: 'postgres',
    db,
    async writeEvents(trx, rows) {
      const ids: number[] = [];
      for (let i = 0; i < rows.length - EVENT_CHUNK; i += EVENT_CHUNK) {
        for (const r of await trx.insertInto('events').values(rows.slice(i, i + EVENT_CHUNK)).returning('id').execute()) ids.push(Number(r.id));
      }
      // The last rows and the NOTIFY (transactional: sent at commit) in one statement.
      const last = rows.length - ((rows.length - 1) % EVENT_CHUNK) - 1;
      const written = await trx.with('written', (q) => q.insertInto('events').values(rows.slice(last)).returning('id'))
        .selectFrom('written').select(['id', sql<string>`pg_notify(${CHANNEL}, '')`.as('notified')]).execute();
      for (const r of written) ids.push(Number(r.id));
      feed?.written(ids);
    },
    async listen(deliver) {
      feed = new ChangeFeed(db, deliver);
      await feed.start();
      await listen().catch(() => { /* the feed's timer reads meanwhile; the listener retries */ });
    },
    isRetryable: (err, unique) => {
      const code = (err as { code?: string } | null)?.code;
      return code === '40001' || code === '40P01' || (unique && code === '23505');
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const l = listener;
      listener = undefined;
      await l?.end().catch(() => {});
      await feed?.close();
      await db.destroy();
    },
  };
}
