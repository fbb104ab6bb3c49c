// Servers as the API reads and changes them: which a caller sees (own project; all_tenants for
// the admin), Nova's list filters, sorting and marker/limit pages, show, update and delete
// (which marks the row `deleting`; the controller removes the container and ports, then the row).
import type { FastifyRequest } from 'fastify';
import { BadRequest, Conflict } from '../core/errors.js';
import { sql } from 'kysely';
import { isoSeconds } from '../core/ids.js';
import { keysetPage, nextPageQuery } from '../core/resource/index.js';
import { regexpMatch } from '../store/index.js';
import { accessIp } from './server-create.js';
import { authorize, novaCaller, type ComputeContext, type NovaCaller } from './context.js';
import { serverNotFound, ValidationError } from './errors.js';
import { atLeast, type Asked } from './microversion.js';
import { addressesOf, serverPorts } from './ports.js';
import { serverDetail, serverSummary, STATUS_SQL, STATUSES, type ServerRow } from './server-view.js';

export async function loadServer(ctx: ComputeContext, caller: NovaCaller, id: string): Promise<ServerRow> {
  const s = await ctx.store.db.selectFrom('servers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!s || (!caller.isAdmin && s.project_id !== caller.projectId)) throw serverNotFound(id);
  return s;
}

/** Detail views of `rows`, with their addresses read in one batch. */
export async function detailViews(ctx: ComputeContext, req: FastifyRequest, rows: ServerRow[]): Promise<Record<string, unknown>[]> {
  return serverViews(ctx, req, novaCaller(req), rows);
}

/** Detail views as `caller` sees them under `req`'s microversion. */
export async function serverViews(ctx: ComputeContext, req: Asked, caller: NovaCaller, rows: ServerRow[]): Promise<Record<string, unknown>[]> {
  const addresses = await addressesOf(ctx, await serverPorts(ctx, rows.map((r) => r.id)));
  const attached = await ctx.volumes?.api.serverAttachments(rows.map((r) => r.id)) ?? [];
  const volumesOf = (id: string) => attached.filter((a) => a.instance_uuid === id && a.attach_status !== 'detached')
    .map((a) => ({ id: a.volume_id, delete_on_termination: a.delete_on_termination === 1 }));
  const views = rows.map((r) => serverDetail(req, caller, r, addresses.get(r.id) ?? {}, volumesOf(r.id)));
  if (atLeast(req, 2, 71) && rows.length) {
    // OpenStack: from 2.71 a server names the group it was booted into.
    const members = await ctx.store.db.selectFrom('server_group_members').select(['group_id', 'server_id']).where('server_id', 'in', rows.map((r) => r.id)).execute();
    for (const v of views) v.server_groups = members.filter((m) => m.server_id === v.id).map((m) => m.group_id);
  }
  return views;
}

const SORT_KEYS = ['access_ip_v4', 'access_ip_v6', 'auto_disk_config', 'availability_zone', 'config_drive', 'created_at', 'display_description', 'display_name',
  'host', 'hostname', 'image_ref', 'instance_type_id', 'kernel_id', 'key_name', 'launch_index', 'launched_at', 'locked', 'locked_by', 'node', 'power_state',
  'progress', 'project_id', 'ramdisk_id', 'root_device_name', 'task_state', 'terminated_at', 'updated_at', 'user_id', 'uuid', 'vm_state'];
/** Sort keys with a column of their own (after COLUMN's renames), and those that may be NULL. */
const SORT_COLUMNS = new Set(['access_ipv4', 'access_ipv6', 'availability_zone', 'config_drive', 'created_at', 'description', 'name', 'host', 'hostname',
  'image_id', 'flavor_id', 'key_name', 'launch_index', 'launched_at', 'locked', 'power_state', 'project_id', 'task_state', 'terminated_at', 'updated_at',
  'user_id', 'id', 'vm_state']);
const NULLABLE = new Set(['task_state', 'key_name', 'description', 'launched_at', 'terminated_at']);
const COLUMN: Record<string, string> = {
  access_ip_v4: 'access_ipv4', access_ip_v6: 'access_ipv6', display_description: 'description', display_name: 'name', image_ref: 'image_id',
  instance_type_id: 'flavor_id', uuid: 'id', node: 'host',
};

/** A filter's time as the rows store it (`2026-12-01T07:20:20Z`), so text comparison is time order. */
function rowTime(key: string, v: string): string {
  // OpenStack: an ISO 8601 time (as iso8601.parse_date reads it), not whatever Date.parse guesses.
  if (!/^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?)?([zZ]|[+-]\d\d(:?\d\d)?)?$/.test(v)) throw new ValidationError(key, v, `'${v}' is not a 'date-time'`);
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  if (Number.isNaN(t)) throw new ValidationError(key, v, `'${v}' is not a 'date-time'`);
  return isoSeconds(t);
}

export async function listServers(ctx: ComputeContext, req: FastifyRequest, detail: boolean): Promise<Record<string, unknown>> {
  const caller = novaCaller(req);
  const q = req.query as Record<string, string | string[] | undefined>;
  const one = (k: string) => { const v = q[k]; return Array.isArray(v) ? v.at(-1) : v; };
  let query = ctx.store.db.selectFrom('servers').selectAll();
  const allTenants = one('all_tenants');
  const all = allTenants !== undefined && !/^(0|false|off|no)$/i.test(allTenants);
  if (all) authorize(caller, 'os_compute_api:servers:index:get_all_tenants');
  const project = one('project_id') ?? one('tenant_id');
  if (!all) query = query.where('project_id', '=', caller.projectId);
  else if (project) query = query.where('project_id', '=', project);
  const name = one('name');
  if (name !== undefined) {
    try { new RegExp(name); } catch { throw new BadRequest(`Invalid regex for name filter: ${name}`); }
    query = query.where(regexpMatch(ctx.store.kind, 'servers.name', name));
  }
  const statuses = ([] as string[]).concat(q.status ?? []).map((st) => st.toUpperCase());
  if (statuses.length) {
    // OpenStack: 2.38 made an unknown status a 400; before, it matched nothing.
    if (statuses.some((st) => !STATUSES.has(st)) && atLeast(req, 2, 38)) throw new BadRequest('Invalid status value');
    query = query.where(STATUS_SQL, 'in', statuses);
  }
  const image = one('image');
  if (image !== undefined) query = query.where('image_id', '=', image.split('/').at(-1)!);
  const flavor = one('flavor');
  if (flavor !== undefined) query = query.where('flavor_id', '=', flavor.split('/').at(-1)!);
  const since = one('changes-since');
  if (since !== undefined) query = query.where('updated_at', '>=', rowTime('changes-since', since));
  const before = one('changes-before');
  if (before !== undefined && atLeast(req, 2, 66)) query = query.where('updated_at', '<=', rowTime('changes-before', before));
  if (caller.isAdmin) {
    const host = one('host');
    if (host !== undefined) query = query.where('host', '=', host);
    const userId = one('user_id');
    if (userId !== undefined) query = query.where('user_id', '=', userId);
  }
  const keyName = one('key_name');
  if (keyName !== undefined) query = query.where('key_name', '=', keyName);
  const keys = ([] as string[]).concat(q.sort_key ?? []);
  const dirs = ([] as string[]).concat(q.sort_dir ?? []);
  for (const k of keys) if (!SORT_KEYS.includes(k)) throw new BadRequest(`Invalid input for field/attribute sort_key. Value: ${k}. '${k}' is not one of the allowed sort keys`);
  for (const d of dirs) if (!['asc', 'desc'].includes(d)) throw new BadRequest(`Invalid input for field/attribute sort_dir. Value: ${d}. '${d}' is not one of ['asc', 'desc']`);
  const sort: [string, 'asc' | 'desc'][] = (keys.length ? keys : ['created_at']).map((k, i) => [COLUMN[k] ?? k, (dirs[i] ?? dirs[0] ?? 'desc') === 'asc' ? 'asc' : 'desc']);
  if (!sort.some(([k]) => k === 'id')) sort.push(['id', sort.at(-1)![1]]);
  const limitText = one('limit');
  if (limitText !== undefined && !/^\d+$/.test(limitText)) throw new ValidationError('limit', limitText, `'${limitText}' is not of type 'integer'`);
  const limit = limitText === undefined ? undefined : Number(limitText);
  const marker = one('marker');
  const markerRow = marker === undefined ? undefined : await ctx.store.db.selectFrom('servers').selectAll().where('id', '=', marker).executeTakeFirst();
  if (marker !== undefined && !markerRow) throw new BadRequest(`marker [${marker}] not found`);
  // Nova sorts a missing value as the least one: a NULL column, or a key Pier keeps no column for, sorts as ''.
  const expr = (k: string) => (!SORT_COLUMNS.has(k) ? sql`''` : NULLABLE.has(k) ? sql`coalesce(${sql.ref(`servers.${k}`)}, '')` : sql.ref(`servers.${k}`));
  const markerKeys = markerRow && Object.fromEntries(sort.map(([k]) => [k, SORT_COLUMNS.has(k) ? ((markerRow as Record<string, unknown>)[k] ?? '') : '']));
  const page = limit === 0 ? { rows: [] as ServerRow[], more: false } : await keysetPage<ServerRow>('servers', query, { sort, limit }, markerKeys, expr);
  const items = detail ? await detailViews(ctx, req, page.rows) : page.rows.map((r) => serverSummary(req, r));
  const out: Record<string, unknown> = { servers: items };
  if (page.more && page.rows.length) {
    out.servers_links = [{ rel: 'next', href: `${req.ctx.baseUrl}/compute/v2.1/servers${detail ? '/detail' : ''}?${nextPageQuery(q, page.rows.at(-1)!.id)}` }];
  }
  return out;
}

export async function updateServer(ctx: ComputeContext, req: FastifyRequest, id: string): Promise<ServerRow> {
  const caller = novaCaller(req);
  const body = (req.body as { server?: Record<string, unknown> } | null)?.server;
  if (!body || typeof body !== 'object') throw new ValidationError('server', req.body, "'server' is a required property");
  const allowed = ['name', 'accessIPv4', 'accessIPv6', 'OS-DCF:diskConfig', ...(atLeast(req, 2, 19) ? ['description'] : []), ...(atLeast(req, 2, 90) ? ['hostname'] : [])];
  const changes: Partial<ServerRow> = {};
  for (const [k, v] of Object.entries(body)) {
    if (!allowed.includes(k)) throw new ValidationError('server', body, `Additional properties are not allowed ('${k}' was unexpected)`);
    if (k === 'name') {
      if (typeof v !== 'string' || !v.length || v.length > 255 || v !== v.trim()) throw new ValidationError('name', v, `'${String(v)}' is not a valid name`);
      changes.name = v;
    } else if (k === 'accessIPv4' || k === 'accessIPv6') {
      if (typeof v !== 'string') throw new ValidationError(k, v, "is not of type 'string'");
      changes[k === 'accessIPv4' ? 'access_ipv4' : 'access_ipv6'] = accessIp(k, v);
    } else if (k === 'description') {
      if (v !== null && (typeof v !== 'string' || v.length > 255)) throw new ValidationError(k, v, 'is not a valid description');
      changes.description = v as string | null;
    }
  }
  return ctx.store.tx(async (tx) => {
    const s = await tx.db.selectFrom('servers').selectAll().where('id', '=', id).executeTakeFirst();
    if (!s || (!caller.isAdmin && s.project_id !== caller.projectId)) throw serverNotFound(id);
    const next = { ...s, ...changes, updated_at: isoSeconds() };
    await tx.db.updateTable('servers').set({ ...changes, updated_at: next.updated_at }).where('id', '=', id).execute();
    await tx.emit({ resource: 'server', id, action: 'update', projectId: s.project_id });
    return next;
  });
}

export async function deleteServer(ctx: ComputeContext, caller: NovaCaller, id: string): Promise<void> {
  await ctx.store.tx(async (tx) => {
    const s = await tx.db.selectFrom('servers').selectAll().where('id', '=', id).executeTakeFirst();
    if (!s || (!caller.isAdmin && s.project_id !== caller.projectId)) throw serverNotFound(id);
    if (s.locked === 1 && !caller.isAdmin) throw new Conflict(`Instance ${id} is locked`);
    await tx.db.updateTable('servers').set({ task_state: 'deleting', updated_at: isoSeconds() }).where('id', '=', id).execute();
    await tx.emit({ resource: 'server', id, action: 'update', projectId: s.project_id });
  });
  ctx.kick(id);
}
