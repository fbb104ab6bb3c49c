// Queries compiled once per dialect and then run with fresh values. Kysely builds and compiles a
// query on every call (immutable builders, a visitor over the tree): for the small statements of
// a hot path that costs as much as running them. Only the values change from call to call, so
// the SQL is compiled on first use with named holes and the holes are filled in at run time.
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

// A hole is a string no caller's value can be: kysely passes it through compilation untouched.
const HOLE = '\u0000pier-hole:';

/** Where each compiled parameter comes from: a named value or a constant of the query. */
type Slot = { hole: string } | { value: unknown };

interface Compiled { query: CompiledQuery; slots: Slot[] }

function compile(c: Compilable<unknown>): Compiled {
  const query = c.compile();
  const slots = query.parameters.map((v): Slot => (typeof v === 'string' && v.startsWith(HOLE) ? { hole: v.slice(HOLE.length) } : { value: v }));
  return { query, slots };
}

function fill(c: Compiled, values: Record<string, unknown>): CompiledQuery {
  return { ...c.query, parameters: c.slots.map((s) => ('hole' in s ? values[s.hole] : s.value)) };
}

// The dialect's adapter (one per Kysely instance, shared by its transactions) decides the SQL.
const adapterOf = (db: Db): object => db.getExecutor().adapter;

/** Runs a compiled query synchronously on the connection a transaction holds. */
export type DirectRun = (query: CompiledQuery) => QueryResult<any>;

// Open SQLite transactions, and how to run a statement on their connection without kysely's
// executor (connection provider, plugins, a few promises per statement: more than SQLite itself
// takes for a small statement). Only inside a transaction is that safe: it holds the connection.
const direct = new WeakMap<Db, DirectRun>();

/** While `body` runs, queries compiled here run on `db` (a transaction) through `run`. */
export async function withDirect<T>(db: Db, run: DirectRun, body: () => Promise<T>): Promise<T> {
  direct.set(db, run);
  try {
    return await body();
  } finally {
    direct.delete(db);
  }
}

function execute<R>(db: Db, query: CompiledQuery): Promise<QueryResult<R>> | QueryResult<R> {
  const run = direct.get(db);
  return run ? run(query) : db.executeQuery<R>(query);
}

export interface Prepared<P, R> {
  /** Every row. */
  all(db: Db, values: P): Promise<R[]>;
  /** The first row, or undefined. */
  first(db: Db, values: P): Promise<R | undefined>;
  /** Runs a write; resolves with the number of rows it affected. */
  run(db: Db, values: P): Promise<number>;
}

/**
 * A query with named holes: `build(db, p)` uses `p.name` wherever a value goes (a value, not a
 * list: `in` lists and identifiers stay in kysely's per-call builders). `p` has no keys of its
 * own, so name each hole: `values({ a: p.a })`, never `values(p)` or `{ ...p }`.
 */
export function prepared<P extends Record<string, unknown>, R>(build: (db: Db, p: P) => Compilable<R>): Prepared<P, R> {
  const holes = new Proxy({}, { get: (_, name) => `${HOLE}${String(name)}` }) as P;
  const byAdapter = new WeakMap<object, Compiled>();
  const exec = (db: Db, values: P) => {
    const adapter = adapterOf(db);
    let c = byAdapter.get(adapter);
    if (!c) byAdapter.set(adapter, (c = compile(build(db, holes))));
    return execute<R>(db, fill(c, values));
  };
  return {
    all: async (db, values) => (await exec(db, values)).rows,
    first: async (db, values) => (await exec(db, values)).rows[0],
    run: async (db, values) => Number((await exec(db, values)).numAffectedRows ?? 0),
  };
}

const inserts = new WeakMap<object, Map<string, Compiled>>();

/** `insert into <table> (<row's columns>) values (…)`, compiled once per table and column set. */
export async function insertRow(db: Db, table: keyof Database, row: Record<string, unknown>): Promise<void> {
  const columns = Object.keys(row).filter((k) => row[k] !== undefined); // as kysely's values() does
  const adapter = adapterOf(db);
  let cache = inserts.get(adapter);
  if (!cache) inserts.set(adapter, (cache = new Map()));
  const key = `${table}\u0000${columns.join('\u0000')}`;
  let c = cache.get(key);
  if (!c) {
    if (cache.size >= 1000) cache.clear(); // column sets are few; this only bounds a pathological mix
    const holes = Object.fromEntries(columns.map((k) => [k, `${HOLE}${k}`]));
    cache.set(key, (c = compile(db.insertInto(table).values(holes as never))));
  }
  await execute(db, fill(c, row));
}
