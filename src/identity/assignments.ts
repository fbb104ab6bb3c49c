// Role assignments: the grant routes (PUT/HEAD/GET/DELETE …/{users|groups}/{id}/roles/{role} on
// projects, domains, the system, and OS-INHERIT's inherited_to_projects) and GET
// /v3/role_assignments with its filters, `effective` (groups → members, inheritance → projects,
// implied roles) and `include_names`.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { queryValues, type QueryParams } from '../core/resource/index.js';
import { authorize, collectionLinks, loadEntity, selfLink } from './crud.js';
import { domain } from './definitions/domain.js';
import { group } from './definitions/group.js';
import { project } from './definitions/project.js';
import { role } from './definitions/role.js';
import { user } from './definitions/user.js';
import { EntityNotFound } from './errors.js';
import type { IdentityState } from './state.js';
import type { IdentityTables } from './tables.js';

type Row = IdentityTables['assignments'];
type P = { Params: { targetId?: string; actorId: string; roleId: string } };

export function assignmentRoutes(scope: FastifyInstance, state: IdentityState): void {
  const targets = [
    { type: 'project', prefix: '/v3/projects/:targetId', inherited: 0, def: project },
    { type: 'domain', prefix: '/v3/domains/:targetId', inherited: 0, def: domain },
    { type: 'system', prefix: '/v3/system', inherited: 0, def: undefined },
    { type: 'project', prefix: '/v3/OS-INHERIT/projects/:targetId', inherited: 1, def: project },
    { type: 'domain', prefix: '/v3/OS-INHERIT/domains/:targetId', inherited: 1, def: domain },
  ] as const;
  for (const t of targets) {
    for (const actorType of ['user', 'group'] as const) {
      const suffix = t.inherited ? '/inherited_to_projects' : '';
      const url = `${t.prefix}/${actorType}s/:actorId/roles/:roleId${suffix}`;
      const resolve = async (req: FastifyRequest<P>): Promise<Row> => {
        if (t.def) await loadEntity(state, t.def, req.params.targetId!);
        await loadEntity(state, actorType === 'user' ? user : group, req.params.actorId);
        await loadEntity(state, role, req.params.roleId);
        return {
          actor_type: actorType, actor_id: req.params.actorId, target_type: t.type,
          target_id: req.params.targetId ?? 'all', role_id: req.params.roleId, inherited: t.inherited,
        };
      };
      const exists = (a: Row) => state.store.db.selectFrom('assignments').select('role_id')
        .where('actor_type', '=', a.actor_type).where('actor_id', '=', a.actor_id).where('target_type', '=', a.target_type)
        .where('target_id', '=', a.target_id).where('role_id', '=', a.role_id).where('inherited', '=', a.inherited).executeTakeFirst();

      scope.put<P>(url, async (req, reply) => {
        authorize(req, 'identity:create_grant');
        const a = await resolve(req);
        await state.store.tx(async (tx) => {
          await tx.db.insertInto('assignments').values(a).onConflict((oc) => oc.doNothing()).execute();
          await tx.emit({ resource: 'assignment', id: a.role_id, action: 'create', projectId: t.type === 'project' ? a.target_id : null });
        });
        return reply.code(204).send();
      });
      scope.route<P>({
        method: ['GET', 'HEAD'], url, exposeHeadRoute: false,
        handler: async (req, reply) => {
          authorize(req, 'identity:check_grant');
          const a = await resolve(req);
          if (!(await exists(a))) throw new EntityNotFound('role assignment', `${a.role_id}`);
          return reply.code(204).send();
        },
      });
      scope.delete<P>(url, async (req, reply) => {
        authorize(req, 'identity:revoke_grant');
        const a = await resolve(req);
        if (!(await exists(a))) throw new EntityNotFound('role assignment', `${a.role_id}`);
        await state.store.tx(async (tx) => {
          await tx.db.deleteFrom('assignments').where('actor_type', '=', a.actor_type).where('actor_id', '=', a.actor_id)
            .where('target_type', '=', a.target_type).where('target_id', '=', a.target_id).where('role_id', '=', a.role_id)
            .where('inherited', '=', a.inherited).execute();
          await tx.emit({ resource: 'assignment', id: a.role_id, action: 'delete', projectId: t.type === 'project' ? a.target_id : null });
        });
        return reply.code(204).send();
      });
      // GET …/{actors}/{id}/roles: the roles granted there.
      scope.get<P>(`${t.prefix}/${actorType}s/:actorId/roles${suffix}`, async (req) => {
        authorize(req, 'identity:list_grants');
        if (t.def) await loadEntity(state, t.def, req.params.targetId!);
        const rows = await state.store.db.selectFrom('roles').innerJoin('assignments', 'assignments.role_id', 'roles.id')
          .select(['roles.id', 'roles.name', 'roles.domain_id', 'roles.description', 'roles.options'])
          .where('actor_type', '=', actorType).where('actor_id', '=', req.params.actorId).where('target_type', '=', t.type)
          .where('target_id', '=', req.params.targetId ?? 'all').where('inherited', '=', t.inherited).orderBy('roles.name').execute();
        return { roles: rows.map((r) => ({ id: r.id, name: r.name, domain_id: r.domain_id, description: r.description, options: JSON.parse(r.options), links: selfLink(req, `roles/${r.id}`) })), links: collectionLinks(req) };
      });
    }
  }

  scope.get('/v3/role_assignments', async (req) => {
    authorize(req, 'identity:list_role_assignments');
    return { role_assignments: await listAssignments(state, req, req.query as QueryParams), links: collectionLinks(req) };
  });
}

interface Listed { row: Row; viaGroup?: string; priorRole?: string; inheritedFrom?: Row }

async function listAssignments(state: IdentityState, req: FastifyRequest, q: QueryParams) {
  const db = state.store.db;
  const flag = (k: string) => k in q && !/^(false|0)$/i.test(queryValues(q, k)[0] ?? '');
  const effective = flag('effective');
  let items: Listed[] = (await db.selectFrom('assignments').selectAll().execute()).map((row) => ({ row }));

  if (effective) {
    const members = await db.selectFrom('user_groups').selectAll().execute();
    const projects = await db.selectFrom('projects').select(['id', 'domain_id', 'parent_id']).execute();
    const implied = await db.selectFrom('implied_roles').selectAll().execute();
    const descendants = (pred: (p: { id: string; domain_id: string; parent_id: string | null }) => boolean) => {
      const out = projects.filter(pred).map((p) => p.id);
      for (let i = 0; i < out.length; i++) for (const p of projects) if (p.parent_id === out[i]) out.push(p.id);
      return out;
    };
    const expanded: Listed[] = [];
    for (const it of items) {
      // Inherited assignments apply to the projects below their target, not to the target itself.
      const rows: Listed[] = !it.row.inherited ? [it]
        : (it.row.target_type === 'domain' ? descendants((p) => p.domain_id === it.row.target_id && !p.parent_id) : descendants((p) => p.parent_id === it.row.target_id))
          .map((pid) => ({ row: { ...it.row, target_type: 'project', target_id: pid, inherited: 0 }, inheritedFrom: it.row }));
      for (const r of rows) {
        if (r.row.actor_type === 'group') {
          for (const m of members.filter((x) => x.group_id === r.row.actor_id)) {
            expanded.push({ ...r, row: { ...r.row, actor_type: 'user', actor_id: m.user_id }, viaGroup: r.row.actor_id });
          }
        } else expanded.push(r);
      }
    }
    // Implied roles, transitively.
    for (let i = 0; i < expanded.length; i++) {
      const it = expanded[i]!;
      for (const imp of implied.filter((x) => x.prior_role_id === it.row.role_id)) {
        if (!expanded.some((e) => e.row.role_id === imp.implied_role_id && e.row.actor_id === it.row.actor_id && e.row.target_id === it.row.target_id)) {
          expanded.push({ ...it, row: { ...it.row, role_id: imp.implied_role_id }, priorRole: it.priorRole ?? it.row.role_id });
        }
      }
    }
    // OpenStack: a domain-specific role is never effective itself, only the global roles it implies.
    const domainRoles = new Set((await db.selectFrom('roles').select('id').where('domain_id', 'is not', null).execute()).map((r) => r.id));
    items = expanded.filter((it) => !domainRoles.has(it.row.role_id));
  }

  const one = (k: string) => queryValues(q, k)[0];
  const inheritedTo = one('scope.OS-INHERIT:inherited_to');
  items = items.filter(({ row }) =>
    (!one('user.id') || (row.actor_type === 'user' && row.actor_id === one('user.id'))) &&
    (!one('group.id') || (row.actor_type === 'group' && row.actor_id === one('group.id'))) &&
    (!one('role.id') || row.role_id === one('role.id')) &&
    (!one('scope.project.id') || (row.target_type === 'project' && row.target_id === one('scope.project.id'))) &&
    (!one('scope.domain.id') || (row.target_type === 'domain' && row.target_id === one('scope.domain.id'))) &&
    (!('scope.system' in q) || row.target_type === 'system') &&
    (!inheritedTo || row.inherited === 1));

  const names = flag('include_names');
  const lookup = names ? await nameTables(state) : undefined;
  const url = (r: Row) => `${r.inherited ? 'OS-INHERIT/' : ''}${r.target_type === 'system' ? 'system' : `${r.target_type}s/${r.target_id}`}/${r.actor_type}s/${r.actor_id}/roles/${r.role_id}${r.inherited ? '/inherited_to_projects' : ''}`;
  return items.map(({ row, viaGroup, priorRole, inheritedFrom }) => {
    const source = viaGroup || inheritedFrom ? { ...(inheritedFrom ?? row), ...(viaGroup ? { actor_type: 'group', actor_id: viaGroup } : {}) } : row;
    const links: Record<string, string> = { assignment: selfLink(req, url(source as Row)).self };
    if (viaGroup) links.membership = selfLink(req, `groups/${viaGroup}/users/${row.actor_id}`).self;
    if (priorRole) links.prior_role = selfLink(req, `roles/${priorRole}`).self;
    const scopeBody: Record<string, unknown> = row.target_type === 'system' ? { system: { all: true } } : { [row.target_type]: { id: row.target_id, ...lookup?.scope(row.target_type, row.target_id) } };
    if (row.inherited) scopeBody['OS-INHERIT:inherited_to'] = 'projects';
    return {
      role: { id: row.role_id, ...lookup?.role(row.role_id) },
      [row.actor_type]: { id: row.actor_id, ...lookup?.actor(row.actor_type, row.actor_id) },
      scope: scopeBody,
      links,
    };
  });
}

/** Name lookups for include_names: one query per table, not one per assignment. */
async function nameTables(state: IdentityState) {
  const db = state.store.db;
  const index = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));
  const domains = index(await db.selectFrom('domains').select(['id', 'name']).execute());
  const projects = index(await db.selectFrom('projects').select(['id', 'name', 'domain_id']).execute());
  const users = index(await db.selectFrom('users').select(['id', 'name', 'domain_id']).execute());
  const groups = index(await db.selectFrom('groups').select(['id', 'name', 'domain_id']).execute());
  const roles = index(await db.selectFrom('roles').select(['id', 'name', 'domain_id']).execute());
  const dom = (id: string | null) => (id ? { id, name: domains.get(id)?.name } : undefined);
  return {
    role: (id: string) => { const r = roles.get(id); return r ? { name: r.name, ...(r.domain_id ? { domain: dom(r.domain_id) } : {}) } : {}; },
    actor: (type: string, id: string) => { const a = (type === 'user' ? users : groups).get(id); return a ? { name: a.name, domain: dom(a.domain_id) } : {}; },
    scope: (type: string, id: string) => {
      if (type === 'domain') return { name: domains.get(id)?.name };
      const p = projects.get(id);
      return p ? { name: p.name, domain: dom(p.domain_id) } : {};
    },
  };
}
