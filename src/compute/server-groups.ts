// Server groups (`os-server-groups`): a project's named placement policy (affinity,
// anti-affinity and their soft forms) and the servers booted into it with the `group`
// scheduler hint. Counted against the server_groups / server_group_members quotas.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequest, Conflict, Forbidden } from '../core/errors.js';
import { newUuid } from '../core/ids.js';
import type { Store, Tx } from '../store/index.js';
import { authorize, novaCaller, type ComputeContext, type NovaCaller } from './context.js';
import { NovaNotFound, ValidationError } from './errors.js';
import { atLeast, type Asked } from './microversion.js';
import { quotaLimit } from './quotas.js';
import type { ComputeTables } from './tables.js';

type GroupRow = ComputeTables['server_groups'];

const groupNotFound = (id: string) => new NovaNotFound(`Instance group ${id} could not be found.`);

/** The group a create request's `group` hint names, checked: it exists and is the caller's. */
export async function hintedGroup(store: Store, caller: NovaCaller, hints: unknown): Promise<GroupRow | undefined> {
  if (hints === undefined || hints === null) return undefined;
  if (typeof hints !== 'object' || Array.isArray(hints)) throw new ValidationError('os:scheduler_hints', hints, `${JSON.stringify(hints)} is not of type 'object'`);
  const group = (hints as { group?: unknown }).group;
  if (group === undefined) return undefined;
  if (typeof group !== 'string' || !/^[0-9a-f-]{32,36}$/i.test(group)) throw new ValidationError('os:scheduler_hints.group', group, `'${String(group)}' is not a 'uuid'`);
  const g = await store.db.selectFrom('server_groups').selectAll().where('id', '=', group).executeTakeFirst();
  if (!g || (!caller.isAdmin && g.project_id !== caller.projectId)) throw new BadRequest(`Invalid server group ${group}`);
  return g;
}

/**
 * Adds `servers` to `group` inside the create transaction: the group's member quota, and the
 * policy on this single host — a hard anti-affinity group takes one member here.
 */
export async function joinGroup(tx: Tx, group: GroupRow, serverId: string): Promise<void> {
  const members = await tx.db.selectFrom('server_group_members').select('server_id').where('group_id', '=', group.id).execute();
  const limit = await quotaLimit(tx, group.project_id, 'server_group_members');
  if (limit >= 0 && members.length + 1 > limit) throw new Forbidden('Quota exceeded, too many servers in group');
  if (group.policy === 'anti-affinity') {
    const rules = JSON.parse(group.rules) as { max_server_per_host?: number };
    if (members.length + 1 > (rules.max_server_per_host ?? 1)) throw new Conflict('No valid host was found. There are not enough hosts available.');
  }
  await tx.db.insertInto('server_group_members').values({ group_id: group.id, server_id: serverId }).execute();
}

async function membersOf(store: Store, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  // Members whose server is gone (or going) are not shown, as Nova hides deleted instances.
  const rows = await store.db.selectFrom('server_group_members').innerJoin('servers', 'servers.id', 'server_group_members.server_id')
    .select(['server_group_members.group_id', 'server_group_members.server_id', 'servers.task_state']).where('server_group_members.group_id', 'in', ids).execute();
  for (const r of rows) if (r.task_state !== 'deleting') out.get(r.group_id)!.push(r.server_id);
  return out;
}

function groupView(req: Asked, g: GroupRow, members: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { id: g.id, name: g.name };
  if (atLeast(req, 2, 64)) Object.assign(out, { policy: g.policy, rules: JSON.parse(g.rules) as Record<string, unknown> });
  else Object.assign(out, { policies: [g.policy], metadata: {} });
  out.members = members;
  if (atLeast(req, 2, 13)) Object.assign(out, { project_id: g.project_id, user_id: g.user_id });
  return out;
}

function checkCreate(req: FastifyRequest): { name: string; policy: string; rules: Record<string, unknown> } {
  const body = req.body as Record<string, unknown> | null;
  const sg = body?.server_group;
  if (!body || typeof body !== 'object' || sg === undefined) throw new ValidationError('', body, "'server_group' is a required property");
  if (!sg || typeof sg !== 'object' || Array.isArray(sg)) throw new ValidationError('server_group', sg, `${JSON.stringify(sg)} is not of type 'object'`);
  const v = sg as Record<string, unknown>;
  const v264 = atLeast(req, 2, 64);
  const allowed = v264 ? ['name', 'policy', 'rules'] : ['name', 'policies'];
  for (const k of Object.keys(v)) if (!allowed.includes(k)) throw new ValidationError('server_group', v, `Additional properties are not allowed ('${k}' was unexpected)`);
  for (const k of ['name', v264 ? 'policy' : 'policies']) if (!(k in v)) throw new ValidationError('server_group', v, `'${k}' is a required property`);
  const name = v.name;
  if (typeof name !== 'string' || !name.trim() || name.length > 255 || name !== name.trim()) throw new ValidationError('server_group.name', name, `${JSON.stringify(name)} is not a valid name`);
  const known = ['affinity', 'anti-affinity', ...(atLeast(req, 2, 15) ? ['soft-affinity', 'soft-anti-affinity'] : [])];
  if (v264) {
    if (typeof v.policy !== 'string' || !known.includes(v.policy)) throw new ValidationError('server_group.policy', v.policy, `${JSON.stringify(v.policy)} is not one of ${JSON.stringify(known)}`);
    const rules = v.rules ?? {};
    if (!rules || typeof rules !== 'object' || Array.isArray(rules)) throw new ValidationError('server_group.rules', rules, `${JSON.stringify(rules)} is not of type 'object'`);
    for (const [k, r] of Object.entries(rules)) {
      if (k !== 'max_server_per_host') throw new ValidationError('server_group.rules', rules, `Additional properties are not allowed ('${k}' was unexpected)`);
      const n = typeof r === 'string' && /^\d+$/.test(r) ? Number(r) : r;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new ValidationError('server_group.rules.max_server_per_host', r, `${JSON.stringify(r)} is less than the minimum of 1`);
      (rules as Record<string, unknown>)[k] = n;
    }
    if (v.policy !== 'anti-affinity' && Object.keys(rules).length) throw new BadRequest('Only anti-affinity policy supports rules.');
    return { name, policy: v.policy, rules: rules as Record<string, unknown> };
  }
  const p = v.policies;
  if (!Array.isArray(p) || p.length !== 1 || typeof p[0] !== 'string' || !known.includes(p[0])) {
    throw new ValidationError('server_group.policies', p, `${JSON.stringify(p)} is not a list of exactly one of ${JSON.stringify(known)}`);
  }
  return { name, policy: p[0], rules: {} };
}

export function serverGroupRoutes(scope: FastifyInstance, ctx: ComputeContext): void {
  const store = ctx.store;
  scope.get<{ Querystring: Record<string, string | undefined> }>('/v2.1/os-server-groups', async (req) => {
    const caller = novaCaller(req);
    let q = store.db.selectFrom('server_groups').selectAll().orderBy('created_at').orderBy('id');
    const all = req.query.all_projects !== undefined && caller.isAdmin;
    if (all) authorize(caller, 'os_compute_api:os-server-groups:index:all_projects');
    else q = q.where('project_id', '=', caller.projectId);
    let rows = await q.execute();
    const offset = req.query.offset; const limit = req.query.limit;
    for (const [k, v] of [['offset', offset], ['limit', limit]] as const) {
      if (v !== undefined && !/^\d+$/.test(v)) throw new ValidationError(k, v, `'${v}' does not match '^[0-9]*$'`);
    }
    rows = rows.slice(Number(offset ?? 0), limit === undefined ? undefined : Number(offset ?? 0) + Math.min(Number(limit), 1000));
    const members = await membersOf(store, rows.map((g) => g.id));
    return { server_groups: rows.map((g) => groupView(req, g, members.get(g.id)!)) };
  });
  scope.post('/v2.1/os-server-groups', async (req) => {
    const caller = novaCaller(req);
    const v = checkCreate(req);
    const row: GroupRow = {
      id: newUuid(), name: v.name, project_id: caller.projectId, user_id: caller.userId, policy: v.policy, rules: JSON.stringify(v.rules),
      created_at: new Date().toISOString(),
    };
    await store.tx(async (tx) => {
      const limit = await quotaLimit(tx, caller.projectId, 'server_groups');
      const n = await tx.db.selectFrom('server_groups').select((e) => e.fn.countAll().as('n')).where('project_id', '=', caller.projectId).executeTakeFirst();
      if (limit >= 0 && Number(n?.n ?? 0) + 1 > limit) throw new Forbidden('Quota exceeded, too many server groups.');
      await tx.db.insertInto('server_groups').values(row).execute();
      await tx.emit({ resource: 'server_group', id: row.id, action: 'create', projectId: row.project_id });
    });
    return { server_group: groupView(req, row, []) };
  });
  type P = { Params: { id: string } };
  const load = async (req: FastifyRequest<P>, rule: string) => {
    const g = await store.db.selectFrom('server_groups').selectAll().where('id', '=', req.params.id).executeTakeFirst();
    if (!g) throw groupNotFound(req.params.id);
    authorize(novaCaller(req), `os_compute_api:os-server-groups:${rule}`, { project_id: g.project_id });
    return g;
  };
  scope.get<P>('/v2.1/os-server-groups/:id', async (req) => {
    const g = await load(req, 'show');
    return { server_group: groupView(req, g, (await membersOf(store, [g.id])).get(g.id)!) };
  });
  scope.delete<P>('/v2.1/os-server-groups/:id', async (req, reply) => {
    const g = await load(req, 'delete');
    await store.tx(async (tx) => {
      await tx.db.deleteFrom('server_groups').where('id', '=', g.id).execute();
      await tx.emit({ resource: 'server_group', id: g.id, action: 'delete', projectId: g.project_id });
    });
    return reply.code(204).send();
  });
}

/** Server groups in use by a project: limits' totalServerGroupsUsed and the quota detail. */
export async function serverGroupCount(store: Store | Tx, projectId: string): Promise<number> {
  const n = await store.db.selectFrom('server_groups').select((e) => e.fn.countAll().as('n')).where('project_id', '=', projectId).executeTakeFirst();
  return Number(n?.n ?? 0);
}
