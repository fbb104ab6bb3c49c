// Servers as the API reads and changes them: which a caller sees (own project; all_tenants for
// the admin), Nova's list filters, sorting and marker/limit pages, show, update and delete
// (which marks the row `deleting`; the controller removes the container and ports, then the row).
import type { FastifyRequest } from 'fastify';
import { BadRequest, Conflict } from '../core/errors.js';
import { isoSeconds } from '../core/ids.js';
import { novaCaller, type ComputeContext, type NovaCaller } from './context.js';
import { PolicyNotAuthorized, serverNotFound, ValidationError } from './errors.js';
import { atLeast, type Asked } from './microversion.js';
import { addressesOf, serverPorts } from './ports.js';
import { serverDetail, serverSummary, STATUS_FILTERS, type ServerRow } from './server-view.js';

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
  return rows.map((r) => serverDetail(req, caller, r, addresses.get(r.id) ?? {}));
}

const SORT_KEYS = ['access_ip_v4', 'access_ip_v6', 'auto_disk_config', 'availability_zone', 'config_drive', 'created_at', 'display_description', 'display_name',
  'host', 'hostname', 'image_ref', 'instance_type_id', 'kernel_id', 'key_name', 'launch_index', 'launched_at', 'locked', 'locked_by', 'node', 'power_state',
  'progress', 'project_id', 'ramdisk_id', 'root_device_name', 'task_state', 'terminated_at', 'updated_at', 'user_id', 'uuid', 'vm_state'];
const COLUMN: Record<string, keyof ServerRow> = {
  access_ip_v4: 'access_ipv4', access_ip_v6: 'access_ipv6', display_description: 'description', display_name: 'name', image_ref: 'image_id',
  instance_type_id: 'flavor_id', uuid: 'id', node: 'host',
};

export async function listServers(ctx: ComputeContext, req: FastifyRequest, detail: boolean): Promise<Record<string, unknown>> {
  const caller = novaCaller(req);
  const q = req.query as Record<string, string | string[] | undefined>;
  const one = (k: string) => { const v = q[k]; return Array.isArray(v) ? v.at(-1) : v; };
  let rows = await ctx.store.db.selectFrom('servers').selectAll().execute();
  const allTenants = one('all_tenants');
  const all = allTenants !== undefined && !/^(0|false|off|no)$/i.test(allTenants);
  if (all && !caller.isAdmin) throw new PolicyNotAuthorized('os_compute_api:servers:index:get_all_tenants');
  const project = one('project_id') ?? one('tenant_id');
  if (!all || !caller.isAdmin) rows = rows.filter((s) => s.project_id === caller.projectId);
  else if (project) rows = rows.filter((s) => s.project_id === project);
  const name = one('name');
  if (name !== undefined) {
    let re: RegExp;
    try { re = new RegExp(name); } catch { throw new BadRequest(`Invalid regex for name filter: ${name}`); }
    rows = rows.filter((s) => re.test(s.name));
  }
  const statuses = ([] as string[]).concat(q.status ?? []);
  if (statuses.length) {
    const tests = statuses.map((st) => STATUS_FILTERS[st.toUpperCase()]);
    if (tests.some((t) => !t)) {
      // OpenStack: 2.38 made an unknown status a 400; before, it matched nothing.
      if (atLeast(req, 2, 38)) throw new BadRequest('Invalid status value');
      rows = [];
    } else rows = rows.filter((s) => tests.some((t) => t!(s)));
  }
  const image = one('image');
  if (image !== undefined) rows = rows.filter((s) => s.image_id === image.split('/').at(-1));
  const flavor = one('flavor');
  if (flavor !== undefined) rows = rows.filter((s) => s.flavor_id === flavor.split('/').at(-1));
  for (const [key, after] of [['changes-since', true], ['changes-before', false]] as const) {
    const v = one(key);
    if (v === undefined) continue;
    if (key === 'changes-before' && !atLeast(req, 2, 66)) continue;
    const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
    if (Number.isNaN(t)) throw new ValidationError(key, v, `'${v}' is not a 'date-time'`);
    rows = rows.filter((s) => (after ? Date.parse(s.updated_at) >= t : Date.parse(s.updated_at) <= t));
  }
  if (caller.isAdmin) {
    const host = one('host');
    if (host !== undefined) rows = rows.filter((s) => s.host === host);
    const userId = one('user_id');
    if (userId !== undefined) rows = rows.filter((s) => s.user_id === userId);
  }
  const keyName = one('key_name');
  if (keyName !== undefined) rows = rows.filter((s) => s.key_name === keyName);
  const keys = ([] as string[]).concat(q.sort_key ?? []);
  const dirs = ([] as string[]).concat(q.sort_dir ?? []);
  for (const k of keys) if (!SORT_KEYS.includes(k)) throw new BadRequest(`Invalid input for field/attribute sort_key. Value: ${k}. '${k}' is not one of the allowed sort keys`);
  for (const d of dirs) if (!['asc', 'desc'].includes(d)) throw new BadRequest(`Invalid input for field/attribute sort_dir. Value: ${d}. '${d}' is not one of ['asc', 'desc']`);
  const plan: [keyof ServerRow, number][] = (keys.length ? keys : ['created_at']).map((k, i) => [COLUMN[k] ?? (k as keyof ServerRow), (dirs[i] ?? dirs[0] ?? 'desc') === 'asc' ? 1 : -1]);
  if (!plan.some(([k]) => k === 'id')) plan.push(['id', plan.at(-1)![1]]);
  rows.sort((a, b) => {
    for (const [k, d] of plan) {
      const x = a[k] ?? ''; const y = b[k] ?? '';
      if (x < y) return -d;
      if (x > y) return d;
    }
    return 0;
  });
  const marker = one('marker');
  if (marker !== undefined) {
    const at = rows.findIndex((s) => s.id === marker);
    if (at < 0) throw new BadRequest(`marker [${marker}] not found`);
    rows = rows.slice(at + 1);
  }
  const limitText = one('limit');
  let more = false;
  if (limitText !== undefined) {
    if (!/^\d+$/.test(limitText)) throw new ValidationError('limit', limitText, `'${limitText}' is not of type 'integer'`);
    const limit = Number(limitText);
    more = rows.length > limit && limit > 0;
    rows = rows.slice(0, limit);
  }
  const items = detail ? await detailViews(ctx, req, rows) : rows.map((r) => serverSummary(req, r));
  const out: Record<string, unknown> = { servers: items };
  if (more && rows.length) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (k !== 'marker' && v !== undefined) for (const x of ([] as string[]).concat(v)) params.append(k, x);
    params.set('marker', rows.at(-1)!.id);
    out.servers_links = [{ rel: 'next', href: `${req.ctx.baseUrl}/compute/v2.1/servers${detail ? '/detail' : ''}?${params.toString()}` }];
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
      changes[k === 'accessIPv4' ? 'access_ipv4' : 'access_ipv6'] = v;
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
