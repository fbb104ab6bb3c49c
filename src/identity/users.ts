// Users: passwords are hashed (never stored or shown), a password change or a disable revokes the
// user's tokens, and deleting a user removes its assignments, memberships and credentials.
import type { FastifyInstance } from 'fastify';
import { nowIso } from '../store/index.js';
import { authorize, collectionLinks, loadEntity, registerCrud, selfLink } from './crud.js';
import { group } from './definitions/group.js';
import { project } from './definitions/project.js';
import { user } from './definitions/user.js';
import { fromRow, view } from '../core/resource/index.js';
import { AuthFailed, ValidationError } from './errors.js';
import { hashSecret, verifySecret } from './passwords.js';
import { showProject } from './projects.js';
import { resolveDomainId } from './scoping.js';
import type { IdentityState } from './state.js';
import { addRevocation } from './tokens.js';

export function userRoutes(scope: FastifyInstance, state: IdentityState): void {
  registerCrud(scope, state, user, {
    duplicate: (v) => `Duplicate entry found with name ${String(v.name)} at domain ID ${String(v.domain_id)}`,
    show: (v) => ({ ...v, password_expires_at: null }),
    sameIdInUpdate: 'Cannot change user ID',
    async beforeCreate(tx, values, req) {
      values.domain_id = await resolveDomainId(tx, req, values.domain_id, 'not-found');
      values.created_at = nowIso();
      await setPassword(values);
    },
    async beforeUpdate(tx, current, changes) {
      if ('password' in changes) {
        await setPassword(changes);
        await addRevocation(state, { user_id: String(current.id) }, tx);
      }
      if (changes.enabled === false && current.enabled) await addRevocation(state, { user_id: String(current.id) }, tx);
    },
    async beforeDelete(tx, current) {
      await tx.db.deleteFrom('assignments').where('actor_type', '=', 'user').where('actor_id', '=', String(current.id)).execute();
    },
  });

  type P = { Params: { id: string } };
  // POST /v3/users/{id}/password: a password change, proven by the old password alone.
  // OpenStack: Keystone leaves this route unenforced (no policy, no token needed), so that a user
  // whose password expired can still change it.
  scope.post<P>('/v3/users/:id/password', { config: { public: true } }, async (req, reply) => {
    await loadEntity(state, user, req.params.id);
    const body = (req.body as { user?: { password?: unknown; original_password?: unknown } } | undefined)?.user;
    if (typeof body?.password !== 'string' || typeof body.original_password !== 'string') {
      throw new ValidationError("Invalid input for field 'user': 'password' and 'original_password' are required properties");
    }
    const row = await state.store.db.selectFrom('users').select('password_hash').where('id', '=', req.params.id).executeTakeFirstOrThrow();
    if (!(await verifySecret(body.original_password, row.password_hash))) throw new AuthFailed('The request you have made requires authentication.');
    const hash = await hashSecret(body.password);
    await state.store.tx(async (tx) => {
      await tx.db.updateTable('users').set({ password_hash: hash, password_created_at: nowIso() }).where('id', '=', req.params.id).execute();
      await addRevocation(state, { user_id: req.params.id }, tx);
      await tx.emit({ resource: 'user', id: req.params.id, action: 'update' });
    });
    return reply.code(204).send();
  });

  scope.get<P>('/v3/users/:id/groups', async (req) => {
    const u = await loadEntity(state, user, req.params.id);
    authorize(req, 'identity:list_groups_for_user', { target: { user: u } });
    const rows = await state.store.db.selectFrom('groups').innerJoin('user_groups', 'user_groups.group_id', 'groups.id')
      .selectAll('groups').where('user_groups.user_id', '=', req.params.id).orderBy('groups.id').execute();
    return { groups: rows.map((r) => ({ ...view(group, fromRow(group, r)), links: selfLink(req, `groups/${r.id}`) })), links: collectionLinks(req) };
  });

  // GET /v3/users/{id}/projects: projects where the user (or one of its groups) has a role.
  scope.get<P>('/v3/users/:id/projects', async (req) => {
    const u = await loadEntity(state, user, req.params.id);
    authorize(req, 'identity:list_user_projects', { target: { user: u } });
    const db = state.store.db;
    const actors = db.selectFrom('user_groups').select('group_id').where('user_id', '=', req.params.id);
    const rows = await db.selectFrom('projects').selectAll()
      .where('id', 'in', db.selectFrom('assignments').select('target_id').where('target_type', '=', 'project')
        .where((eb) => eb.or([eb('actor_id', '=', req.params.id), eb('actor_id', 'in', actors)])))
      .orderBy('id').execute();
    return { projects: rows.map((r) => ({ ...view(project, showProject(fromRow(project, r))), links: selfLink(req, `projects/${r.id}`) })), links: collectionLinks(req) };
  });
}

/** Replaces a plain `password` in create/update values with its hash columns. */
async function setPassword(values: Record<string, unknown>): Promise<void> {
  if (!('password' in values)) return;
  const password = values.password;
  delete values.password;
  values.password_hash = typeof password === 'string' ? await hashSecret(password) : null;
  values.password_created_at = nowIso();
}
