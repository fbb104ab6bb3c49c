// OS-TRUST (/v3/OS-TRUST/trusts): a trustor delegates some of its roles on one project to a
// trustee, optionally impersonated, until it expires or its uses run out. Trusts are never
// updated; an expired or used-up trust is gone (404), as in Keystone.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Forbidden } from '../core/errors.js';
import { newHexId } from '../core/ids.js';
import { checkBody, fromRow, queryValues, toRow, unwrap, view, type QueryParams, type Values } from '../core/resource/index.js';
import { authorize, collectionLinks, loadEntity, selfLink } from './crud.js';
import { project } from './definitions/project.js';
import { role } from './definitions/role.js';
import { trust as def } from './definitions/trust.js';
import { user } from './definitions/user.js';
import { assignedRoleIds, expandImplied } from './effective-roles.js';
import { EntityNotFound, ValidationError } from './errors.js';
import type { IdentityState } from './state.js';

type P = { Params: { id: string; roleId: string } };

/** A trust that can still be used: not expired, uses left. */
export function isLive(t: Values, now = Date.now()): boolean {
  return (!t.expires_at || Date.parse(String(t.expires_at)) > now) && (t.remaining_uses === null || Number(t.remaining_uses) > 0);
}

export async function loadTrust(state: IdentityState, id: string): Promise<Values> {
  const row = await state.store.db.selectFrom('trusts').selectAll().where('id', '=', id).executeTakeFirst();
  const t = row ? fromRow(def, row) : undefined;
  if (!t || !isLive(t)) throw new EntityNotFound('trust', id);
  return t;
}

export function trustRoutes(scope: FastifyInstance, state: IdentityState): void {
  const base = '/v3/OS-TRUST/trusts';
  const roleView = (req: FastifyRequest, r: Values) => ({ ...view(role, r), links: selfLink(req, `roles/${String(r.id)}`) });
  const rolesOf = async (t: Values) => {
    const ids = (t.roles as { id: string }[]).map((r) => r.id);
    if (!ids.length) return [];
    const rows = await state.store.db.selectFrom('roles').selectAll().where('id', 'in', ids).orderBy('id').execute();
    return rows.map((r) => fromRow(role, r));
  };
  const summary = (req: FastifyRequest, t: Values) => {
    const { roles: _roles, ...rest } = view(def, t);
    return { ...rest, redelegated_trust_id: null, links: selfLink(req, `OS-TRUST/trusts/${String(t.id)}`) };
  };
  const full = async (req: FastifyRequest, t: Values) => ({
    ...summary(req, t),
    roles: (await rolesOf(t)).map((r) => roleView(req, r)),
    roles_links: { self: selfLink(req, `OS-TRUST/trusts/${String(t.id)}/roles`).self, next: null, previous: null },
  });
  const target = (t: Values) => ({ target: { trust: { trustor_user_id: t.trustor_user_id, trustee_user_id: t.trustee_user_id } } });

  scope.post(base, async (req, reply) => {
    const body = unwrap(def, req.body);
    authorize(req, 'identity:create_trust', { target: { trust: body } });
    const { values, extra } = checkBody(def, body, 'create');
    const auth = req.ctx.auth!;
    const wanted = values.roles as { id?: string; name?: string }[];
    if (values.project_id && !wanted.length) throw new Forbidden('You are not authorized to perform the requested action: At least one role should be specified.', 'ForbiddenAction');
    if (auth.userId !== values.trustor_user_id) throw new Forbidden('You are not authorized to perform the requested action: The authenticated user should match the trustor.', 'ForbiddenAction');
    await loadEntity(state, user, String(values.trustee_user_id));
    if (values.expires_at && Date.parse(String(values.expires_at)) <= Date.now()) {
      throw new ValidationError("The 'expires_at' must not be before now. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.");
    }
    const db = state.store.db;
    // Roles by id or by (global) name; each one the trustor holds on the project, implied ones included.
    const ids: string[] = [];
    for (const w of wanted) {
      const r = w.id ? await db.selectFrom('roles').select('id').where('id', '=', w.id).executeTakeFirst()
        : await db.selectFrom('roles').select('id').where('name', '=', String(w.name)).where('domain_id', 'is', null).executeTakeFirst();
      if (!r) throw new EntityNotFound('role', String(w.id ?? w.name));
      ids.push(r.id);
    }
    if (values.project_id) {
      await loadEntity(state, project, String(values.project_id));
      const assigned = await assignedRoleIds(db, auth.userId, { project: String(values.project_id) });
      const held = new Set([...assigned, ...(await expandImplied(db, assigned)).map((r) => r.id)]);
      for (const id of ids) if (!held.has(id)) throw new EntityNotFound('role', id);
    }
    Object.assign(values, { id: newHexId(), roles: [...new Set(ids)].map((id) => ({ id })), allow_redelegation: values.allow_redelegation ?? false, redelegation_count: values.redelegation_count ?? 0 });
    await state.store.tx(async (tx) => {
      await tx.db.insertInto('trusts').values(toRow(def, values, extra) as never).execute();
      await tx.emit({ resource: 'trust', id: String(values.id), action: 'create' });
    });
    return reply.code(201).send({ trust: await full(req, values) });
  });

  scope.get(base, async (req) => {
    const q = req.query as QueryParams;
    const trustor = queryValues(q, 'trustor_user_id')[0];
    const trustee = queryValues(q, 'trustee_user_id')[0];
    if (trustor) authorize(req, 'identity:list_trusts_for_trustor', { target: { trust: { trustor_user_id: trustor } } });
    else if (trustee) authorize(req, 'identity:list_trusts_for_trustee', { target: { trust: { trustee_user_id: trustee } } });
    else authorize(req, 'identity:list_trusts');
    let sel = state.store.db.selectFrom('trusts').selectAll();
    if (trustor) sel = sel.where('trustor_user_id', '=', trustor);
    else if (trustee) sel = sel.where('trustee_user_id', '=', trustee);
    const rows = (await sel.orderBy('id').execute()).map((r) => fromRow(def, r)).filter((t) => isLive(t));
    return { trusts: rows.map((t) => summary(req, t)), links: collectionLinks(req) };
  });

  scope.get<P>(`${base}/:id`, async (req) => {
    const t = await loadTrust(state, req.params.id);
    authorize(req, 'identity:get_trust', target(t));
    return { trust: await full(req, t) };
  });

  scope.delete<P>(`${base}/:id`, async (req, reply) => {
    const t = await loadTrust(state, req.params.id);
    authorize(req, 'identity:delete_trust', target(t));
    await state.store.tx(async (tx) => {
      await tx.db.deleteFrom('trusts').where('id', '=', req.params.id).execute();
      await tx.emit({ resource: 'trust', id: req.params.id, action: 'delete' });
    });
    return reply.code(204).send();
  });

  scope.get<P>(`${base}/:id/roles`, async (req) => {
    const t = await loadTrust(state, req.params.id);
    authorize(req, 'identity:list_roles_for_trust', target(t));
    return { roles: (await rolesOf(t)).map((r) => roleView(req, r)), links: collectionLinks(req) };
  });

  scope.route<P>({
    method: ['GET', 'HEAD'], url: `${base}/:id/roles/:roleId`, exposeHeadRoute: false,
    handler: async (req, reply) => {
      const t = await loadTrust(state, req.params.id);
      authorize(req, 'identity:get_role_for_trust', target(t));
      const r = (await rolesOf(t)).find((x) => x.id === req.params.roleId);
      if (!r) throw new EntityNotFound('role', req.params.roleId);
      if (req.method === 'HEAD') return reply.code(200).send();
      return { role: roleView(req, r) };
    },
  });
}
