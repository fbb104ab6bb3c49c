// List queries from a definition: filters on filterable attributes (a repeated key means OR),
// sort_key/sort_dir on sortable ones (id always last, so pages are stable), and keyset pagination
// with limit/marker. The caller adds scoping (project visibility) to the query it passes in.
import type { SelectQueryBuilder } from 'kysely';
import { sql } from 'kysely';
import { BadRequest } from '../errors.js';
import { attributeOf, queryValues, type QueryParams, type ResourceDef } from './define.js';

/** Query keys that are list controls, never filters. */
const CONTROLS = new Set(['fields', 'sort_key', 'sort_dir', 'limit', 'marker', 'page_reverse']);

export interface ListOptions {
  /** Reject a filter on an unknown or non-filterable attribute (Neutron's filter-validation). */
  strictFilters?: boolean;
  /** Keys the service handles itself (e.g. `tags`, `all_tenants`). */
  ignore?: readonly string[];
  /** Largest page; a bigger `limit` is capped. */
  maxLimit?: number;
  /** Default sort when none asked. */
  defaultSort?: readonly [string, 'asc' | 'desc'][];
}

export interface ListPlan {
  sort: [string, 'asc' | 'desc'][];
  limit?: number;
  marker?: string;
}

type AnyQuery = SelectQueryBuilder<any, any, any>;

/** The largest page SQL is asked for (a 32-bit integer, for every backend). */
const MAX_PAGE = 2 ** 31 - 2;

export function applyFilters(def: ResourceDef, qb: AnyQuery, params: QueryParams, opts: ListOptions = {}): AnyQuery {
  for (const key of Object.keys(params)) {
    if (CONTROLS.has(key) || opts.ignore?.includes(key)) continue;
    const attr = attributeOf(def, key);
    if (!attr?.filter || attr.stored === false) {
      if (opts.strictFilters) throw new BadRequest(`['${key}'] is invalid attribute for filtering`, 'HTTPBadRequest');
      continue;
    }
    const given = queryValues(params, key);
    // OpenStack: a filter value that cannot be converted to the attribute's type is a 400.
    for (const s of given) {
      const bad = attr.type.converts === true && s !== '' ? attr.type.check(s) : undefined;
      if (bad && opts.strictFilters) throw new BadRequest(`Invalid input for operation: ${bad}.`, 'InvalidInput');
    }
    const wanted = given.map((s) => (attr.type.fromQuery ? attr.type.fromQuery(s) : s));
    const col = `${def.table}.${key}`;
    const matchable = wanted.filter((v) => v !== undefined);
    if (!matchable.length) { qb = qb.where(sql.lit(false)); continue; }
    const nulls = matchable.some((v) => v === '' || v === null);
    qb = qb.where((eb) => {
      const ors = [eb(col, 'in', matchable)];
      if (nulls) ors.push(eb(col, 'is', null));
      return eb.or(ors);
    });
  }
  return qb;
}

export function planList(def: ResourceDef, params: QueryParams, opts: ListOptions = {}): ListPlan {
  const keys = queryValues(params, 'sort_key');
  const dirs = queryValues(params, 'sort_dir');
  if (dirs.length !== keys.length) throw new BadRequest('The number of sort_keys and sort_dirs must be same', 'HTTPBadRequest');
  const sort: [string, 'asc' | 'desc'][] = keys.map((k, i) => {
    const attr = attributeOf(def, k);
    if (!attr?.sort || attr.stored === false) throw new BadRequest(`['${k}'] is invalid attribute for sort_keys`, 'HTTPBadRequest');
    const d = (dirs[i] ?? 'asc').toLowerCase();
    if (d !== 'asc' && d !== 'desc') throw new BadRequest(`${dirs[i]} is invalid value for sort_dirs, valid sort dir values are asc and desc`, 'HTTPBadRequest');
    return [k, d];
  });
  if (!sort.length && opts.defaultSort) sort.push(...opts.defaultSort);
  if (!sort.some(([k]) => k === 'id')) sort.push(['id', sort.at(-1)?.[1] ?? 'asc']);

  const limitText = queryValues(params, 'limit')[0];
  let limit: number | undefined;
  if (limitText !== undefined && limitText !== '') {
    if (!/^\d+$/.test(limitText)) throw new BadRequest(`Limit must be an integer 0 or greater and not '${limitText}'`, 'BadRequest');
    limit = Number(limitText) || undefined; // Neutron: limit=0 means no limit
  }
  if (opts.maxLimit && (limit === undefined || limit > opts.maxLimit)) limit = opts.maxLimit;
  return { sort, limit, marker: queryValues(params, 'marker')[0] };
}

/**
 * Orders and pages `qb` (a query on `table`) by `plan`. With a marker row, continues after it in
 * the sort order (keyset: no OFFSET scan). Fetches one row more than the limit so the caller
 * knows whether a next page exists. `expr` maps a sort key to the SQL it sorts by (default the
 * column of that name): every service pages this way, whatever its parameters are called.
 */
export async function keysetPage<R = Record<string, unknown>>(
  table: string, qb: AnyQuery, plan: ListPlan, markerRow?: Record<string, unknown>, expr: (key: string) => any = (k) => sql.ref(`${table}.${k}`),
): Promise<{ rows: R[]; more: boolean }> {
  if (markerRow) {
    qb = qb.where((eb) => {
      // (k1 > m1) or (k1 = m1 and k2 > m2) or … — lexicographic "after the marker".
      const ors = plan.sort.map((_, i) => {
        const ands = plan.sort.slice(0, i).map(([k]) => eb(expr(k), '=', markerRow[k]));
        const [k, d] = plan.sort[i]!;
        ands.push(eb(expr(k), d === 'asc' ? '>' : '<', markerRow[k]));
        return eb.and(ands);
      });
      return eb.or(ors);
    });
  }
  for (const [k, d] of plan.sort) qb = qb.orderBy(expr(k), d);
  // A limit past any table's size means "all": capped so SQL never sees a number it cannot hold.
  if (plan.limit) qb = qb.limit(Math.min(plan.limit, MAX_PAGE) + 1);
  const rows = (await qb.execute()) as R[];
  const more = plan.limit !== undefined && rows.length > plan.limit;
  if (more) rows.pop();
  return { rows, more };
}

/** Neutron's paging over a definition's table. */
export const pageRows = (def: ResourceDef, qb: AnyQuery, plan: ListPlan, markerRow?: Record<string, unknown>) => keysetPage(def.table, qb, plan, markerRow);

/** The query string of the next page: the request's own parameters with the last item as marker. */
export function nextPageQuery(params: QueryParams, marker: string, set: Record<string, string> = {}): string {
  const out = new URLSearchParams();
  for (const [k, raw] of Object.entries(params)) {
    if (k === 'marker' || k in set || raw === undefined) continue;
    for (const v of Array.isArray(raw) ? raw : [raw]) out.append(k, v);
  }
  out.set('marker', marker);
  for (const [k, v] of Object.entries(set)) out.set(k, v);
  return out.toString();
}
