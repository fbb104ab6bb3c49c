// Roles and implied roles (PUT /v3/roles/{prior}/implies/{implied}, GET /v3/role_inferences).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Forbidden } from '../core/errors.js';
import { authorize, collectionLinks, loadEntity, registerCrud, selfLink } from './crud.js';
import { role } from './definitions/role.js';
import { EntityNotFound } from './errors.js';
import type { IdentityState } from './state.js';

export function roleRoutes(scope: FastifyInstance, state: IdentityState): void {
  registerCrud(scope, state, role, {
    duplicate: (v) => `Duplicate entry found with name ${String(v.name)}`,
    async beforeCreate(tx, values) {
      if (values.domain_id !== null) {
        const d = await tx.db.selectFrom('domains').select('id').where('id', '=', String(values.domain_id)).executeTakeFirst();
        if (!d) throw new EntityNotFound('domain', String(values.domain_id));
      }
    },
  });

  const ref = (req: FastifyRequest, r: { id: string; name: string }) => ({ id: r.id, name: r.name, links: selfLink(req, `roles/${r.id}`) });
  const loadRole = async (id: string) => (await loadEntity(state, role, id)) as { id: string; name: string; domain_id: string | null };
  const inference = async (req: FastifyRequest, priorId: string) => {
    const rows = await state.store.db.selectFrom('implied_roles').innerJoin('roles', 'roles.id', 'implied_roles.implied_role_id')
      .select(['roles.id', 'roles.name']).where('prior_role_id', '=', priorId).orderBy('roles.name').execute();
    return rows.map((r) => ref(req, r));
  };

  type P = { Params: { prior: string; implied: string } };
  scope.put<P>('/v3/roles/:prior/implies/:implied', async (req, reply) => {
    authorize(req, 'identity:create_implied_role');
    const prior = await loadRole(req.params.prior);
    const implied = await loadRole(req.params.implied);
    if (prior.id === implied.id) throw new Forbidden('A role cannot imply itself.', 'ForbiddenNotSecurity');
    // OpenStack: a global role may not imply a domain-specific one (Keystone's InvalidImpliedRole).
    if (!prior.domain_id && implied.domain_id) throw new Forbidden('Global role cannot imply a domain-specific role', 'InvalidImpliedRole');
    await state.store.tx(async (tx) => {
      await tx.db.insertInto('implied_roles').values({ prior_role_id: prior.id, implied_role_id: implied.id }).onConflict((oc) => oc.doNothing()).execute();
      await tx.emit({ resource: 'implied_role', id: prior.id, action: 'create' });
    });
    return reply.code(201).send({ role_inference: { prior_role: ref(req, prior), implies: ref(req, implied) }, links: selfLink(req, `roles/${prior.id}/implies/${implied.id}`) });
  });
  scope.get<P>('/v3/roles/:prior/implies', async (req) => {
    authorize(req, 'identity:list_implied_roles');
    const prior = await loadRole(req.params.prior);
    return { role_inference: { prior_role: ref(req, prior), implies: await inference(req, prior.id) }, links: selfLink(req, `roles/${prior.id}/implies`) };
  });
  scope.route<P>({
    method: ['GET', 'HEAD'], url: '/v3/roles/:prior/implies/:implied', exposeHeadRoute: false,
    handler: async (req, reply) => {
      authorize(req, 'identity:get_implied_role');
      const prior = await loadRole(req.params.prior);
      const implied = await loadRole(req.params.implied);
      const row = await state.store.db.selectFrom('implied_roles').select('prior_role_id').where('prior_role_id', '=', prior.id).where('implied_role_id', '=', implied.id).executeTakeFirst();
      if (!row) throw new EntityNotFound('implied role', `${prior.id} implies ${implied.id}`);
      if (req.method === 'HEAD') return reply.code(204).send();
      return { role_inference: { prior_role: ref(req, prior), implies: ref(req, implied) }, links: selfLink(req, `roles/${prior.id}/implies/${implied.id}`) };
    },
  });
  scope.delete<P>('/v3/roles/:prior/implies/:implied', async (req, reply) => {
    authorize(req, 'identity:delete_implied_role');
    const deleted = await state.store.tx(async (tx) => {
      const r = await tx.db.deleteFrom('implied_roles').where('prior_role_id', '=', req.params.prior).where('implied_role_id', '=', req.params.implied).executeTakeFirst();
      if (!Number(r.numDeletedRows)) return false;
      await tx.emit({ resource: 'implied_role', id: req.params.prior, action: 'delete' });
      return true;
    });
    if (!deleted) throw new EntityNotFound('implied role', `${req.params.prior} implies ${req.params.implied}`);
    return reply.code(204).send();
  });
  scope.get('/v3/role_inferences', async (req) => {
    authorize(req, 'identity:list_role_inference_rules');
    const priors = await state.store.db.selectFrom('roles').select(['roles.id', 'roles.name'])
      .where('id', 'in', state.store.db.selectFrom('implied_roles').select('prior_role_id')).orderBy('name').execute();
    const out = [];
    for (const p of priors) out.push({ prior_role: ref(req, p), implies: await inference(req, p.id) });
    return { role_inferences: out, links: collectionLinks(req) };
  });
}
