// The store: one Kysely handle over SQLite (embedded) or PostgreSQL (server), transactions that
// retry on conflicts, and the outbox — every change event is written in the transaction that made
// the change (all of them together, just before it commits) and delivered to subscribers only
// after that transaction commits.
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Database, EventsTable } from './schema.js';
import { prepared, withDirect, type DirectRun } from './prepared.js';

export type StoreKind = 'sqlite' | 'postgres';

/** A committed change to one resource, as controllers and caches see it. */
export interface ChangeEvent {
  /** Resource kind, singular wire name: `project`, `port`, `role_assignment`. */
  readonly resource: string;
  readonly id: string;
  readonly action: 'create' | 'update' | 'delete';
  readonly projectId?: string | null;
}

export type Listener = (event: ChangeEvent) => void;

/** What a transaction body gets: the transaction's query handle and the outbox. */
export interface Tx {
  readonly db: Transaction<Database>;
  readonly kind: StoreKind;
  /**
   * Records a change event in this transaction: its outbox row is written when the body returns,
   * and it is delivered only if the transaction commits.
   */
  emit(event: ChangeEvent): Promise<void>;
}

export interface TxOptions {
  /** Also retry when a unique constraint fails (the body re-reads and picks again, e.g. IPAM). */
  retryUnique?: boolean;
  /** Attempts after the first; default 5. */
  retries?: number;
}

export interface Store {
  readonly kind: StoreKind;
  /** For reads outside a transaction. Writes go through `tx`. */
  readonly db: Kysely<Database>;
  tx<T>(body: (tx: Tx) => Promise<T>, options?: TxOptions): Promise<T>;
  /** Calls `listener` for every committed change, from this process and (PostgreSQL) from others. */
  subscribe(listener: Listener): () => void;
  /** Deletes delivered events older than `maxAgeMs` (the outbox is a log, not an archive). */
  pruneEvents(maxAgeMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface Backend {
  kind: StoreKind;
  db: Kysely<Database>;
  /**
   * Writes a transaction's outbox rows and sends `events` to other processes (NOTIFY is
   * transactional), in as few statements as it can. Without it the rows are inserted plainly.
   */
  writeEvents?(trx: Transaction<Database>, rows: EventRow[], events: ChangeEvent[]): Promise<void>;
  /** Starts receiving other processes' events. */
  listen?(deliver: (events: ChangeEvent[]) => void): Promise<void>;
  isRetryable(err: unknown, unique: boolean): boolean;
  /** Runs a statement synchronously inside a transaction (SQLite: the connection is in-process). */
  direct?: DirectRun;
  close(): Promise<void>;
}

/** One outbox row. */
export type EventRow = Insertable<EventsTable>;

const eventRow = (e: ChangeEvent, at: string): EventRow => ({ resource: e.resource, resource_id: e.id, action: e.action, project_id: e.projectId ?? null, created_at: at });

type EventValues = Required<Omit<EventRow, 'id'>>;
const insertOne = prepared((db, p: EventValues) => db.insertInto('events')
  .values({ resource: p.resource, resource_id: p.resource_id, action: p.action, project_id: p.project_id, created_at: p.created_at }));
/** Rows per multi-row insert: well under either database's limit on bound parameters. */
export const EVENT_CHUNK = 1000;

/** Inserts outbox rows: one prepared statement for the usual single event, chunks past that. */
export async function insertEvents(trx: Transaction<Database>, rows: EventRow[]): Promise<void> {
  if (rows.length === 1) return void await insertOne.run(trx, rows[0] as EventValues);
  for (let i = 0; i < rows.length; i += EVENT_CHUNK) await trx.insertInto('events').values(rows.slice(i, i + EVENT_CHUNK)).execute();
}

export async function makeStore(backend: Backend): Promise<Store> {
  const listeners = new Set<Listener>();
  const deliver = (events: ChangeEvent[]) => {
    for (const e of events) for (const l of listeners) {
      try { l(e); } catch { /* a listener's failure is its own; the change is committed */ }
    }
  };
  await backend.listen?.(deliver);

  return {
    kind: backend.kind,
    db: backend.db,
    async tx(body, options = {}) {
      const retries = options.retries ?? 5;
      for (let attempt = 0; ; attempt++) {
        const pending: ChangeEvent[] = [];
        const rows: EventRow[] = [];
        try {
          const result = await backend.db.transaction().execute(async (trx) => {
            const tx: Tx = {
              db: trx,
              kind: backend.kind,
              async emit(event) {
                pending.push(event);
                rows.push(eventRow(event, new Date().toISOString()));
              },
            };
            const run = async () => {
              const out = await body(tx);
              if (rows.length) await (backend.writeEvents ?? insertEvents)(trx, rows, pending);
              return out;
            };
            return backend.direct ? withDirect(trx, backend.direct, run) : run();
          });
          deliver(pending);
          return result;
        } catch (err) {
          if (attempt >= retries || !backend.isRetryable(err, options.retryUnique ?? false)) throw err;
          await new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** attempt));
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async pruneEvents(maxAgeMs) {
      const before = new Date(Date.now() - maxAgeMs).toISOString();
      // Ids grow with time: everything before the first event young enough to keep goes (both
      // databases find that one walking the primary key from its start). One statement, so an
      // event committed meanwhile by another process is not in its snapshot, whatever its age.
      await sql`delete from events where id < coalesce(
        (select min(id) from events where created_at >= ${before}), (select max(id) + 1 from events))`.execute(backend.db);
    },
    close: () => backend.close(),
  };
}

/** True when `err` is a unique-constraint violation from either database. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Portable `now()` for rows: ISO-8601 UTC, the form every timestamp column holds. */
export const nowIso = () => new Date().toISOString();

export { sql };
