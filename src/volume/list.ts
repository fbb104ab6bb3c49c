// Cinder's list controls over keysetPage: filters from the definition, `sort=k1:dir,k2` or
// sort_key/sort_dir (default created_at desc, as Cinder), limit (at most 1000) and marker, and
// the `<collection>_links` next link of a full page.
import { sql, type SelectQueryBuilder } from 'kysely';
import { applyFilters, attributeOf, keysetPage, lastValues, type QueryParams, type ResourceDef } from '../core/resource/index.js';
import { InvalidInput } from './errors.js';

const MAX_LIMIT = 1000;

export interface CinderPage<R> { rows: R[]; links: { href: string; rel: 'next' }[] }

function sortOf(def: ResourceDef, q: Record<string, string | undefined>): [string, 'asc' | 'desc'][] {
  const pairs: [string, string | undefined][] = [];
  if (q['sort'] !== undefined) {
    if (q['sort_key'] !== undefined || q['sort_dir'] !== undefined) throw new InvalidInput("The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.");
    for (const part of q['sort'].split(',')) { const [k, d] = part.trim().split(':'); pairs.push([k!.trim(), d?.trim()]); }
  } else if (q['sort_key'] !== undefined) {
    const dirs = (q['sort_dir'] ?? '').split(',');
    q['sort_key'].split(',').forEach((k, i) => pairs.push([k.trim(), dirs[i]?.trim() || undefined]));
  }
  const out: [string, 'asc' | 'desc'][] = [];
  // OpenStack: Cinder v1's names still sort.
  const ALIASES: Record<string, string> = { display_name: 'name', display_description: 'description' };
  for (const [given, d] of pairs) {
    const k = ALIASES[given] ?? given;
    if (!k || !attributeOf(def, k)?.sort) throw new InvalidInput(`Invalid sort key: ${k}`);
    const dir = (d ?? q['sort_dir'] ?? 'desc').toLowerCase();
    if (dir !== 'asc' && dir !== 'desc') throw new InvalidInput(`Invalid sort dirs passed: ${d ?? dir}`);
    out.push([k, dir]);
  }
  if (!out.length) out.push(['created_at', 'desc']);
  if (!out.some(([k]) => k === 'id')) out.push(['id', out.at(-1)![1]]);
  return out;
}

/** One page of `qb` (already scoped to what the caller may see). `marker` loads the marker row (404 when it names nothing visible). */
export async function cinderPage<R extends Record<string, unknown>>(
  def: ResourceDef, qb: SelectQueryBuilder<any, any, any>, params: QueryParams, url: string,
  marker: (id: string) => Promise<Record<string, unknown>>, ignore: readonly string[] = [],
): Promise<CinderPage<R>> {
  const q = lastValues(params);
  qb = applyFilters(def, qb, params, { ignore: ['sort', 'all_tenants', 'project_id', 'with_count', 'offset', ...ignore] });
  let limit: number | undefined;
  if (q['limit'] !== undefined) {
    if (!/^\d+$/.test(q['limit'])) throw new InvalidInput('limit param must be an integer');
    limit = Math.min(Number(q['limit']), MAX_LIMIT);
  }
  const sort = sortOf(def, q);
  const markerRow = q['marker'] ? await marker(q['marker']) : undefined;
  const { rows } = await keysetPage<R>(def.table, qb, { sort, limit: limit ?? MAX_LIMIT }, markerRow, (k) => sql.ref(`${def.table}.${k}`));
  const links: CinderPage<R>['links'] = [];
  if (rows.length && rows.length === (limit ?? MAX_LIMIT)) {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined && k !== 'marker') next.set(k, v);
    next.set('marker', String(rows.at(-1)!['id']));
    links.push({ href: `${url}?${next.toString()}`, rel: 'next' });
  }
  return { rows, links };
}
