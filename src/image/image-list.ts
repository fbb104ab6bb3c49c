// `GET /v2/images` as Glance answers it: which images a caller's list holds by default
// (own, public, accepted shared; community and hidden ones only when asked), filters
// (property equality, `in:`, tags, size and time ranges), `sort`/`sort_key`+`sort_dir`, and
// marker/limit pages with a `next` link.
import { BadRequest } from '../core/errors.js';
import { queryValues, type QueryParams } from '../core/resource/index.js';
import type { Store } from '../store/index.js';
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

/** `gte:2026-01-01T00:00:00Z` style comparisons on timestamps. */
function timeMatch(spec: string, value: string): boolean {
  const m = /^(gt|gte|lt|lte|eq|neq):(.+)$/.exec(spec);
  if (!m) throw new BadRequest(`Unable to filter by unknown operator '${spec.split(':')[0]}'.`);
  const t = Date.parse(m[2]!);
  if (Number.isNaN(t)) throw new BadRequest(`Unable to parse datetime '${m[2]}'.`);
  const v = Date.parse(value);
  return { gt: v > t, gte: v >= t, lt: v < t, lte: v <= t, eq: v === t, neq: v !== t }[m[1] as 'gt'];
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1; // NULLs first, as Glance's ascending sort puts them
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

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

  const rows = (await store.db.selectFrom('images').selectAll().execute()) as ImageRow[];
  const memberships = new Map((await store.db.selectFrom('image_members').select(['image_id', 'status']).where('member_id', '=', caller.projectId).execute())
    .map((m) => [m.image_id, m.status]));
  const own = (r: ImageRow) => r.owner === caller.projectId;
  const sharedOk = (r: ImageRow) => own(r) || (memberships.has(r.id) && (memberStatus === 'all' || memberships.get(r.id) === memberStatus));
  const listed = (r: ImageRow): boolean => {
    if (visibility === undefined || visibility === 'all') {
      if (caller.isAdmin) return visibility === 'all' || r.visibility !== 'community' || own(r);
      if (r.visibility === 'public') return true;
      if (r.visibility === 'community') return own(r) || visibility === 'all';
      if (r.visibility === 'shared') return sharedOk(r);
      return own(r);
    }
    if (r.visibility !== visibility) return false;
    if (caller.isAdmin || visibility === 'public' || visibility === 'community') return true;
    return visibility === 'shared' ? sharedOk(r) : own(r);
  };

  const hidden = queryValues(q, 'os_hidden')[0];
  if (hidden !== undefined && !/^(true|false)$/i.test(hidden)) throw new BadRequest(`Invalid value '${hidden}' for 'os_hidden' filter. Valid values are 'true' or 'false'.`);
  const wantHidden = hidden?.toLowerCase() === 'true';
  const tags = queryValues(q, 'tag');
  const sizeMin = queryValues(q, 'size_min')[0];
  const sizeMax = queryValues(q, 'size_max')[0];
  for (const [k, v] of [['size_min', sizeMin], ['size_max', sizeMax]] as const) {
    if (v !== undefined && !/^\d+$/.test(v)) throw new BadRequest(`Invalid value for ${k}: ${v}`);
  }
  const views = rows.filter(listed).map(imageView).filter((v) => {
    if ((v.os_hidden === true) !== wantHidden) return false;
    if (tags.length && !tags.every((t) => (v.tags as string[]).includes(t))) return false;
    const size = v.size as number | null;
    if (sizeMin !== undefined && (size === null || size < Number(sizeMin))) return false;
    if (sizeMax !== undefined && (size === null || size > Number(sizeMax))) return false;
    for (const key of ['created_at', 'updated_at']) {
      const spec = queryValues(q, key)[0];
      if (spec !== undefined && !timeMatch(spec, v[key] as string)) return false;
    }
    for (const [key, raw] of Object.entries(q)) {
      if (CONTROLS.has(key) || raw === undefined) continue;
      const wanted = (Array.isArray(raw) ? raw : [raw]);
      const have = v[key] === undefined || v[key] === null ? null : String(v[key]);
      for (const w of wanted) {
        const options = w.startsWith('in:') ? w.slice(3).split(',') : [w];
        if (have === null || !options.includes(have)) return false;
      }
    }
    return true;
  });
  views.sort((a, b) => {
    for (const [k, d] of plan) {
      const c = compare(a[k], b[k]);
      if (c) return d === 'asc' ? c : -c;
    }
    return 0;
  });
  let start = 0;
  const marker = queryValues(q, 'marker')[0];
  if (marker !== undefined) {
    const at = views.findIndex((v) => v.id === marker);
    if (at < 0) throw new BadRequest(`marker not found: Invalid marker. Image ${marker} could not be found.`);
    start = at + 1;
  }
  const page = views.slice(start, start + limit);
  const out: Record<string, unknown> = { images: page, first: '/v2/images', schema: '/v2/schemas/images' };
  if (start + limit < views.length && page.length) {
    const params = new URLSearchParams();
    for (const [k, raw] of Object.entries(q)) {
      if (k === 'marker' || raw === undefined) continue;
      for (const v of Array.isArray(raw) ? raw : [raw]) params.append(k, v);
    }
    params.set('marker', String(page.at(-1)!.id));
    params.set('limit', String(limit));
    out.next = `/v2/images?${params.toString()}`;
  }
  return out;
}
