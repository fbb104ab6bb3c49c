// The store: one Kysely handle over SQLite (embedded) or PostgreSQL (server), transactions that
// retry on conflicts, and the outbox — every change event is written in the transaction that made
// the change and delivered to subscribers only after that transaction commits.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import { prepared } from './prepared.js';

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
  /** Records a change event in this transaction; it is delivered only if the transaction commits. */
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
  /** Sends `events` to other processes inside the transaction (NOTIFY is transactional). */
  notify?(trx: Transaction<Database>, events: ChangeEvent[]): Promise<void>;
  /** Starts receiving other processes' events. */
  listen?(deliver: (events: ChangeEvent[]) => void): Promise<void>;
  isRetryable(err: unknown, unique: boolean): boolean;
  close(): Promise<void>;
}

const insertEvent = prepared((db, p: { resource: string; id: string; action: string; project: string | null; at: string }) => db.insertInto('events')
  .values({ resource: p.resource, resource_id: p.id, action: p.action, project_id: p.project, created_at: p.at }));

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
        try {
          const result = await backend.db.transaction().execute(async (trx) => {
            const tx: Tx = {
              db: trx,
              kind: backend.kind,
              async emit(event) {
                pending.push(event);
                await insertEvent.run(trx, {
                  resource: event.resource, id: event.id, action: event.action, project: event.projectId ?? null, at: new Date().toISOString(),
                });
              },
            };
            const out = await body(tx);
            if (pending.length && backend.notify) await backend.notify(trx, pending);
            return out;
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
      await backend.db.deleteFrom('events').where('created_at', '<', before).execute();
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
