// Other processes' committed changes, read from the outbox by cursor (PostgreSQL): a NOTIFY only
// wakes the reader, and a timer reads every second anyway, so a lost notification or a dropped
// LISTEN connection delays a change by at most that second — never loses it. Ids come from a
// sequence taken before commit, so a later id can commit first: ids skipped over are kept as
// gaps and looked for again until they appear or are old enough to be a rolled-back transaction's.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { ChangeEvent } from './store.js';

/** How often the feed is read without a notification: the bound on a change's delay. */
export const POLL_MS = 1000;
/** How long an id skipped over is looked for (longer than any transaction between its insert and commit). */
const GAP_MS = 30_000;
const BATCH = 2000;

/** Everything changed (after an outage): consumers re-read their whole state. */
const RESYNC: ChangeEvent = { resource: '*', id: '*', action: 'update' };

export class ChangeFeed {
  private cursor = 0;
  private readonly gaps = new Map<number, number>();
  /** Ids of events this process wrote (delivered in-process already). */
  private readonly own = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private again = false;
  private failed = false;
  private closed = false;

  constructor(private readonly db: Kysely<Database>, private readonly deliver: (events: ChangeEvent[]) => void) {}

  /** Starts after the newest event: a new process reads current state, not history. */
  async start(): Promise<void> {
    const row = await this.db.selectFrom('events').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
    this.cursor = Number(row?.max ?? 0);
    this.timer = setInterval(() => this.wake(), POLL_MS).unref();
  }

  /** Records ids this process inserted, so the feed does not deliver them a second time. */
  written(ids: number[]): void {
    for (const id of ids) if (id > this.cursor || this.gaps.has(id)) this.own.add(id);
  }

  /** Reads now (a notification came); calls during a read make one more read after it. */
  wake(): void {
    if (this.closed) return;
    if (this.reading) { this.again = true; return; }
    this.reading = (async () => {
      do {
        this.again = false;
        try {
          if (await this.read()) this.again = true; // a full batch: more is waiting
          if (this.failed) { this.failed = false; this.deliver([RESYNC]); }
        } catch {
          this.failed = true; // the database is away: once back, everything is re-read
        }
      } while (this.again && !this.closed);
    })().finally(() => { this.reading = undefined; });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.reading;
  }

  /** One batch after the cursor and among the gaps; true when the batch was full. */
  private async read(): Promise<boolean> {
    const gaps = [...this.gaps.keys()];
    const rows = await this.db.selectFrom('events').select(['id', 'resource', 'resource_id', 'action', 'project_id'])
      .where((eb) => (gaps.length ? eb.or([eb('id', '>', this.cursor), eb('id', 'in', gaps)]) : eb('id', '>', this.cursor)))
      .orderBy('id').limit(BATCH).execute();
    const now = Date.now();
    const events: ChangeEvent[] = [];
    for (const r of rows) {
      const id = Number(r.id);
      this.gaps.delete(id);
      if (id > this.cursor) {
        if (id - this.cursor <= BATCH) for (let missing = this.cursor + 1; missing < id; missing++) this.gaps.set(missing, now);
        this.cursor = id;
      }
      if (this.own.delete(id)) continue;
      events.push({ resource: r.resource, id: r.resource_id, action: r.action as ChangeEvent['action'], projectId: r.project_id });
    }
    for (const [id, since] of this.gaps) if (now - since > GAP_MS) { this.gaps.delete(id); this.own.delete(id); }
    for (const id of this.own) if (id <= this.cursor && !this.gaps.has(id)) this.own.delete(id);
    if (events.length) this.deliver(events);
    return rows.length === BATCH;
  }
}
