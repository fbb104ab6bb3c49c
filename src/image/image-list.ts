// `GET /v2/images` as Glance answers it: which images a caller's list holds by default
// (own, public, accepted shared; community and hidden ones only when asked), filters
// (property equality, `in:`, tags, size and time ranges), `sort`/`sort_key`+`sort_dir`, and
// marker/limit pages with a `next` link.
import { BadRequest } from '../core/errors.js';
import { sql } from 'kysely';
import { isoSeconds } from '../core/ids.js';
import { keysetPage, nextPageQuery, queryValues, type QueryParams } from '../core/resource/index.js';
import { jsonText, type Store } from '../store/index.js';
import { imageView, type ImageCaller, type ImageRow } from './images.js';

const SORT_KEYS = ['name', 'status', 'container_format', 'disk_format', 'size', 'id', 'created_at', 'updated_at', 'visibility', 'owner', 'min_disk', 'min_ram', 'virtual_size', 'protected', 'os_hidden'];
const CONTROLS = new Set(['limit', 'marker', 'sort', 'sort_key', 'sort_dir', 'visibility', 'member_status', 'tag', 'size_min', 'size_max', 'os_hidden', 'created_at', 'updated_at']);
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 1000;

function sortPlan(q: QueryParams): [string, 'asc' | 'desc'][] {
  const plan: [string, 'asc' | 'desc'][] = [];
  const sort = queryValues(q, 'sort')[0];
  const keys = queryValues(q, 'sort_key');
  if (sort !== undefined && (keys.length || queryValues(q, 'sort_dir').length)) throw new BadRequest('Old and new sorting syntax cannot be combined');
  if (sort !== undefined) {
    for (const part of sort.split(',')) {
      const [key = '', dir = 'asc'] = part.trim().split(':');
      plan.push([key, dir as 'asc']);
    }
  } else {
    const dirs = queryValues(q, 'sort_dir');
    if (dirs.length > 1 && dirs.length !== keys.length) throw new BadRequest('Number of sort dirs does not match the number of sort keys');
    keys.forEach((k, i) => plan.push([k, (dirs[i] ?? dirs[0] ?? 'desc') as 'asc']));
  }
  for (const [k, d] of plan) {
    if (!SORT_KEYS.includes(k)) throw new BadRequest(`Invalid sort key: ${k}. It must be one of the following: ${SORT_KEYS.join(', ')}.`);
    if (d !== 'asc' && d !== 'desc') throw new BadRequest(`Invalid sort direction: ${d}`);
  }
  if (!plan.length) plan.push(['created_at', 'desc']);
  if (!plan.some(([k]) => k === 'id')) plan.push(['id', plan.at(-1)![1]]);
  return plan;
}

/** `gte:2026-01-01T00:00:00Z` style comparisons on timestamps: the operator and the time as rows hold it. */
function timeFilter(spec: string): ['>' | '>=' | '<' | '<=' | '=' | '<>', string] {
  const m = /^(gt|gte|lt|lte|eq|neq):(.+)$/.exec(spec);
  if (!m) throw new BadRequest(`Unable to filter by unknown operator '${spec.split(':')[0]}'.`);
  const t = Date.parse(m[2]!);
  if (Number.isNaN(t)) throw new BadRequest(`Unable to parse datetime '${m[2]}'.`);
  const op = ({ gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '=', neq: '<>' } as const)[m[1] as 'gt'];
  return [op, isoSeconds(t)];
}

// Glance sorts a missing value first (ascending): a NULL sorts as the least value of its type.
const NUMERIC = new Set(['size', 'virtual_size', 'min_disk', 'min_ram', 'protected', 'os_hidden']);
const NULLABLE = new Set(['name', 'checksum', 'size', 'virtual_size', 'owner', 'disk_format', 'container_format']);
const least = (k: string) => (NUMERIC.has(k) ? -1 : '');
const sortExpr = (k: string) => (NULLABLE.has(k) ? sql`coalesce(${sql.ref(`images.${k}`)}, ${least(k)})` : sql.ref(`images.${k}`));
/** Columns a property filter compares as text, and the boolean one shown as true/false. */
const TEXT_COLUMNS = new Set(['id', 'name', 'status', 'checksum', 'os_hash_algo', 'os_hash_value', 'owner', 'disk_format', 'container_format']);

export async function listImages(store: Store, caller: ImageCaller, q: QueryParams): Promise<Record<string, unknown>> {
  const plan = sortPlan(q);
  const limitText = queryValues(q, 'limit')[0];
  if (limitText !== undefined && !/^\d+$/.test(limitText)) throw new BadRequest('limit param must be an integer');
  if (limitText !== undefined && Number(limitText) < 0) throw new BadRequest('limit param must be positive');
  const limit = Math.min(limitText === undefined ? DEFAULT_LIMIT : Number(limitText), MAX_LIMIT);
  const visibility = queryValues(q, 'visibility')[0];
  if (visibility !== undefined && !['public', 'private', 'shared', 'community', 'all'].includes(visibility)) {
    throw new BadRequest(`Invalid visibility value: ${visibility}`);
  }
  const memberStatus = queryValues(q, 'member_status')[0] ?? 'accepted';
  if (!['pending', 'accepted', 'rejected', 'all'].includes(memberStatus)) throw new BadRequest(`Invalid status value: ${memberStatus}`);
  const hidden = queryValues(q, 'os_hidden')[0];
  if (hidden !== undefined && !/^(true|false)$/i.test(hidden)) throw new BadRequest(`Invalid value '${hidden}' for 'os_hidden' filter. Valid values are 'true' or 'false'.`);
  const sizes = { size_min: queryValues(q, 'size_min')[0], size_max: queryValues(q, 'size_max')[0] };
  for (const [k, v] of Object.entries(sizes)) if (v !== undefined && !/^\d+$/.test(v)) throw new BadRequest(`Invalid value for ${k}: ${v}`);

  let query = store.db.selectFrom('images').selectAll().where((eb) => {
    const own = eb('owner', '=', caller.projectId);
    const member = eb.exists(eb.selectFrom('image_members').select('image_id').whereRef('image_members.image_id', '=', 'images.id')
      .where('member_id', '=', caller.projectId).$if(memberStatus !== 'all', (m) => m.where('status', '=', memberStatus)));
    const sharedOk = eb.or([own, member]);
    const is = (v: string) => eb('visibility', '=', v);
    if (visibility === undefined || visibility === 'all') {
      if (caller.isAdmin) return visibility === 'all' ? eb.lit(true) : eb.or([eb('visibility', '<>', 'community'), own]);
      return eb.or([is('public'), eb.and([is('community'), visibility === 'all' ? eb.lit(true) : own]), eb.and([is('shared'), sharedOk]), own]);
    }
    if (caller.isAdmin || visibility === 'public' || visibility === 'community') return is(visibility);
    return eb.and([is(visibility), visibility === 'shared' ? sharedOk : own]);
  });
  query = query.where('os_hidden', '=', hidden?.toLowerCase() === 'true' ? 1 : 0);
  const tags = queryValues(q, 'tag');
  // Tags are a JSON list in text: a LIKE finds candidates, the view's own list decides (below).
  for (const t of tags) query = query.where(sql<boolean>`images.tags like ${`%${JSON.stringify(t).replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`);
  if (sizes.size_min !== undefined) query = query.where('size', '>=', Number(sizes.size_min));
  if (sizes.size_max !== undefined) query = query.where('size', '<=', Number(sizes.size_max));
  for (const key of ['created_at', 'updated_at'] as const) {
    const spec = queryValues(q, key)[0];
    if (spec !== undefined) query = query.where(key, ...timeFilter(spec));
  }
  for (const [key, raw] of Object.entries(q)) {
    if (CONTROLS.has(key) || raw === undefined) continue;
    for (const w of Array.isArray(raw) ? raw : [raw]) {
      const options = w.startsWith('in:') ? w.slice(3).split(',') : [w];
      if (TEXT_COLUMNS.has(key)) query = query.where(sql.ref(`images.${key}`), 'in', options);
      else if (key === 'protected') query = query.where('protected', 'in', options.flatMap((o) => (o === 'true' ? [1] : o === 'false' ? [0] : [])));
      else if (NUMERIC.has(key)) query = query.where(sql`cast(${sql.ref(`images.${key}`)} as text)`, 'in', options);
      else query = query.where(jsonText(store.kind, 'images.properties', key), 'in', options);
    }
  }
  const marker = queryValues(q, 'marker')[0];
  let markerKeys: Record<string, unknown> | undefined;
  if (marker !== undefined) {
    const m = await store.db.selectFrom('images').selectAll().where('id', '=', marker).executeTakeFirst();
    if (!m) throw new BadRequest(`marker not found: Invalid marker. Image ${marker} could not be found.`);
    markerKeys = Object.fromEntries(plan.map(([k]) => [k, (m as Record<string, unknown>)[k] ?? least(k)]));
  }
  const page = limit === 0 ? { rows: [] as ImageRow[], more: false } : await keysetPage<ImageRow>('images', query, { sort: plan, limit }, markerKeys, sortExpr);
  const views = page.rows.map(imageView).filter((v) => tags.every((t) => (v.tags as string[]).includes(t)));
  const out: Record<string, unknown> = { images: views, first: '/v2/images', schema: '/v2/schemas/images' };
  if (page.more && page.rows.length) out.next = `/v2/images?${nextPageQuery(q, page.rows.at(-1)!.id, { limit: String(limit) })}`;
  return out;
}
