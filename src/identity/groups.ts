// Groups and their membership (PUT/HEAD/DELETE /v3/groups/{g}/users/{u}).
import type { FastifyInstance } from 'fastify';
import { fromRow, view } from '../core/resource/index.js';
import { authorize, collectionLinks, loadEntity, registerCrud, selfLink } from './crud.js';
import { group } from './definitions/group.js';
import { user } from './definitions/user.js';
import { EntityNotFound } from './errors.js';
import { resolveDomainId } from './scoping.js';
import type { IdentityState } from './state.js';

export function groupRoutes(scope: FastifyInstance, state: IdentityState): void {
  registerCrud(scope, state, group, {
    duplicate: (v) => `Duplicate entry found with name ${String(v.name)} at domain ID ${String(v.domain_id)}`,
    async beforeCreate(tx, values, req) {
      values.domain_id = await resolveDomainId(tx, req, values.domain_id, 'not-found');
    },
    async beforeDelete(tx, current) {
      await tx.db.deleteFrom('assignments').where('actor_type', '=', 'group').where('actor_id', '=', String(current.id)).execute();
    },
  });

  type P = { Params: { id: string; userId: string } };
  scope.get<P>('/v3/groups/:id/users', async (req) => {
    await loadEntity(state, group, req.params.id);
    authorize(req, 'identity:list_users_in_group');
    const rows = await state.store.db.selectFrom('users').innerJoin('user_groups', 'user_groups.user_id', 'users.id')
      .selectAll('users').where('user_groups.group_id', '=', req.params.id).orderBy('users.id').execute();
    return { users: rows.map((r) => ({ ...view(user, fromRow(user, r)), password_expires_at: null, links: selfLink(req, `users/${r.id}`) })), links: collectionLinks(req) };
  });
  const membership = async (groupId: string, userId: string) => {
    await loadEntity(state, group, groupId);
    await loadEntity(state, user, userId);
    return state.store.db.selectFrom('user_groups').select('user_id').where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst();
  };
  scope.put<P>('/v3/groups/:id/users/:userId', async (req, reply) => {
    authorize(req, 'identity:add_user_to_group');
    if (!(await membership(req.params.id, req.params.userId))) {
      await state.store.tx(async (tx) => {
        await tx.db.insertInto('user_groups').values({ group_id: req.params.id, user_id: req.params.userId }).onConflict((oc) => oc.doNothing()).execute();
        await tx.emit({ resource: 'group_membership', id: req.params.id, action: 'update' });
      });
    }
    return reply.code(204).send();
  });
  scope.route<P>({
    method: ['GET', 'HEAD'], url: '/v3/groups/:id/users/:userId', exposeHeadRoute: false,
    handler: async (req, reply) => {
      authorize(req, 'identity:check_user_in_group');
      if (!(await membership(req.params.id, req.params.userId))) throw new EntityNotFound('user', `${req.params.userId} in group ${req.params.id}`);
      return reply.code(204).send();
    },
  });
  scope.delete<P>('/v3/groups/:id/users/:userId', async (req, reply) => {
    authorize(req, 'identity:remove_user_from_group');
    if (!(await membership(req.params.id, req.params.userId))) throw new EntityNotFound('user', `${req.params.userId} in group ${req.params.id}`);
    await state.store.tx(async (tx) => {
      await tx.db.deleteFrom('user_groups').where('group_id', '=', req.params.id).where('user_id', '=', req.params.userId).execute();
      await tx.emit({ resource: 'group_membership', id: req.params.id, action: 'update' });
    });
    return reply.code(204).send();
  });
}
