// Application credentials (/v3/users/{id}/application_credentials): a secret that authenticates
// as its user on one project with a subset of the user's roles there, until it expires. The
// secret is shown once, at creation, and stored only as a hash.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Forbidden } from '../core/errors.js';
import { newHexId } from '../core/ids.js';
import { checkBody, fromRow, queryValues, toRow, unwrap, view, type QueryParams, type Values } from '../core/resource/index.js';
import { isUniqueViolation, nowIso } from '../store/index.js';
import { authorize, collectionLinks, loadEntity, selfLink } from './crud.js';
import { applicationCredential as def } from './definitions/application-credential.js';
import { user } from './definitions/user.js';
import { DuplicateEntry, EntityNotFound, ValidationError } from './errors.js';
import { hashSecret } from './passwords.js';
import type { IdentityState } from './state.js';
import { addRevocation } from './tokens.js';
import { isoMicro } from '../core/ids.js';

type P = { Params: { userId: string; id: string } };

export function applicationCredentialRoutes(scope: FastifyInstance, state: IdentityState): void {
  const base = '/v3/users/:userId/application_credentials';
  const render = (req: FastifyRequest, v: Values) => ({
    ...view(def, v),
    // Stored to the microsecond (older rows to the millisecond); shown without the zone, as Keystone does.
    expires_at: v.expires_at ? (/\.\d{6}Z$/.test(String(v.expires_at)) ? String(v.expires_at).slice(0, -1) : isoMicro(String(v.expires_at), false)) : null,
    links: selfLink(req, `users/${String(v.user_id)}/application_credentials/${String(v.id)}`),
  });
  const target = async (req: FastifyRequest<P>) => ({ target: { user: await loadEntity(state, user, req.params.userId) } });
  const load = async (userId: string, id: string) => {
    const row = await state.store.db.selectFrom('application_credentials').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    if (!row) throw new EntityNotFound('application credential', id);
    return fromRow(def, row);
  };

  scope.post<P>(base, async (req, reply) => {
    authorize(req, 'identity:create_application_credential', await target(req));
    const auth = req.ctx.auth!;
    if (auth.userId !== req.params.userId) throw new Forbidden('Cannot create an application credential for another user.', 'ForbiddenNotSecurity');
    if (!auth.projectId) throw new ValidationError('Application credentials can only be created with a project-scoped token.');
    if (auth.appCredId) {
      const own = await state.store.db.selectFrom('application_credentials').select('unrestricted').where('id', '=', auth.appCredId).executeTakeFirst();
      if (!own?.unrestricted) throw new Forbidden('Using method \'application_credential\' is not allowed for managing additional application credentials.', 'ForbiddenNotSecurity');
    }
    const { values } = checkBody(def, unwrap(def, req.body), 'create');
    if (values.expires_at && Date.parse(String(values.expires_at)) <= Date.now()) {
      throw new ValidationError("Invalid input for field 'expires_at': the expiration time must be in the future.");
    }
    // Roles: by id or name, each one the caller holds on its project (default: all of them).
    const held = auth.roleIds.map((id, i) => ({ id, name: auth.roles[i]! }));
    const wanted = (values.roles as { id?: string; name?: string }[] | undefined) ?? held;
    const allRoles = await state.store.db.selectFrom('roles').select(['id', 'name', 'domain_id']).execute();
    const roles = wanted.map((w) => {
      const r = allRoles.find((x) => (w.id ? x.id === w.id : x.name.toLowerCase() === String(w.name).toLowerCase()));
      if (!r || !auth.roleIds.includes(r.id)) throw new Forbidden(`User ${auth.userId} does not hold role ${w.id ?? w.name} on project ${auth.projectId}.`, 'RoleAssignmentNotFound');
      return r;
    });
    const secret = typeof values.secret === 'string' ? values.secret : randomBytes(64).toString('base64url');
    Object.assign(values, {
      id: newHexId(), user_id: auth.userId, project_id: auth.projectId, roles, created_at: nowIso(),
      secret_hash: await hashSecret(secret), description: values.description ?? null,
    });
    await state.store.tx(async (tx) => {
      try {
        await tx.db.insertInto('application_credentials').values({
          ...toRow(def, values), secret_hash: String(values.secret_hash), created_at: String(values.created_at),
        } as never).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateEntry('application_credential', `Duplicate entry found with name ${String(values.name)}`);
        throw err;
      }
      await tx.emit({ resource: 'application_credential', id: String(values.id), action: 'create' });
    });
    return reply.code(201).send({ application_credential: { ...render(req, values), secret } });
  });

  scope.get<P>(base, async (req) => {
    authorize(req, 'identity:list_application_credentials', await target(req));
    const name = queryValues(req.query as QueryParams, 'name')[0];
    let q = state.store.db.selectFrom('application_credentials').selectAll().where('user_id', '=', req.params.userId);
    if (name) q = q.where('name', '=', name);
    const rows = await q.orderBy('id').execute();
    return { application_credentials: rows.map((r) => render(req, fromRow(def, r))), links: collectionLinks(req) };
  });

  scope.get<P>(`${base}/:id`, async (req) => {
    authorize(req, 'identity:get_application_credential', await target(req));
    return { application_credential: render(req, await load(req.params.userId, req.params.id)) };
  });

  scope.delete<P>(`${base}/:id`, async (req, reply) => {
    authorize(req, 'identity:delete_application_credential', await target(req));
    await load(req.params.userId, req.params.id);
    await state.store.tx(async (tx) => {
      await tx.db.deleteFrom('application_credentials').where('id', '=', req.params.id).execute();
      await addRevocation(state, { app_cred_id: req.params.id }, tx);
      await tx.emit({ resource: 'application_credential', id: req.params.id, action: 'delete' });
    });
    return reply.code(204).send();
  });
}
