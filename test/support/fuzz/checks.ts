// What every fuzzed answer must satisfy. An error body must have the shape the service's own
// renderer gives (Keystone, Neutron, Nova, Glance and Heat differ; a new service brings its own
// renderer and is checked against it unasked). Nothing a rejected request did may show in the
// store: a snapshot of every table is compared before and after.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { ApiError } from '../../../src/core/errors.js';
import type { Service } from '../../../src/core/http/server.js';
import type { Store } from '../../../src/store/index.js';

/** Type skeleton of a JSON value: keys and value kinds, not values. */
function skeleton(v: unknown): unknown {
  if (v === null) return 'null';
  if (Array.isArray(v)) return ['array'];
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as object).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, skeleton(x)]));
  return typeof v;
}

class Probe extends ApiError {
  constructor(override readonly status: number) { super('probe', 'Probe'); }
}

/** Why `body` is not `service`'s error body for `status`, or undefined when it is. */
export function errorShapeProblem(service: Service, status: number, body: unknown): string | undefined {
  const expected = service.renderError(new Probe(status), { requestId: 'req-probe', baseUrl: 'http://probe' });
  if (JSON.stringify(skeleton(body)) !== JSON.stringify(skeleton(expected))) {
    return `not a ${service.name} error body: expected the shape of ${JSON.stringify(expected)}`;
  }
  // Where the shape has a status code (Keystone's and Nova's `code`, Glance's "404 Not Found"), it must agree.
  const codes = JSON.stringify(body).match(/"code":(\d+|"\d+)/g) ?? [];
  for (const c of codes) if (!c.includes(String(status))) return `code ${c} does not match status ${status}`;
  // Keystone, Neutron, Nova and Glance say it in `message`, Heat in `explanation`, Magnum in `detail`.
  if (!/"message":"[^"]|"explanation":"[^"]|"detail":"[^"]/.test(JSON.stringify(body))) return 'empty error message';
  return undefined;
}

/** Every table's rows, one digest per table. */
export type Snapshot = Map<string, string>;

/** Columns a background heartbeat writes (a service saying it is alive), not any request: left out of the digest. */
const HEARTBEAT_COLUMNS: Record<string, string[]> = { compute_services: ['updated_at'] };
const digested = (table: string, column: string) => !HEARTBEAT_COLUMNS[table]?.includes(column);

/** The one statement that digests every table (built once per store: thousands of snapshots run). */
const statements = new WeakMap<Store, ReturnType<typeof sql.raw>>();

async function digestStatement(store: Store): Promise<ReturnType<typeof sql.raw>> {
  let stmt = statements.get(store);
  if (stmt) return stmt;
  const db = store.db as any;
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const lit = (name: string) => `'${name.replace(/'/g, "''")}'`;
  let parts: string[];
  if (store.kind === 'sqlite') {
    const tables = (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db)).rows.map((r) => r.name);
    parts = [];
    for (const t of tables) {
      const cols = (await sql<{ name: string }>`select name from pragma_table_info(${t})`.execute(db)).rows.filter((r) => digested(t, r.name)).map((r) => `quote(${q(r.name)})`);
      parts.push(`select ${lit(t)} as name, (select group_concat(${cols.join(" || ',' || ")}, char(10)) from ${q(t)}) as digest`);
    }
  } else {
    const tables = (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db)).rows.map((r) => r.name);
    // An order-free digest (count and sum of row hashes): no sort per table per request.
    parts = tables.map((t) => {
      // A heartbeat table is digested without its heartbeat columns.
      const row = HEARTBEAT_COLUMNS[t] ? `(to_jsonb(x) - array[${HEARTBEAT_COLUMNS[t]!.map(lit).join(', ')}]::text[])` : 'x';
      return `select ${lit(t)} as name, (select count(*) || ':' || coalesce(sum(hashtext(${row}::text)::bigint), 0) from ${q(t)} x) as digest`;
    });
  }
  stmt = sql.raw(parts.join(' union all '));
  statements.set(store, stmt);
  return stmt;
}

export async function snapshot(store: Store): Promise<Snapshot> {
  const rows = (await (await digestStatement(store)).execute(store.db)).rows as { name: string; digest: string | null }[];
  return new Map(rows.map((r) => [r.name, createHash('sha1').update(r.digest ?? '').digest('hex')]));
}

/** Names of the tables that differ. */
export function changedTables(a: Snapshot, b: Snapshot): string[] {
  const names = new Set([...a.keys(), ...b.keys()]);
  return [...names].filter((t) => a.get(t) !== b.get(t));
}
