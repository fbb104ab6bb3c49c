// /v3/auth: issue, validate, check and revoke tokens; the caller's catalog, projects, domains
// and system access.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Forbidden } from '../core/errors.js';
import { fromRow, queryValues, view, type QueryParams } from '../core/resource/index.js';
import { catalogFor } from './catalog.js';
import { authorize, collectionLinks, selfLink } from './crud.js';
import { domain } from './definitions/domain.js';
import { project } from './definitions/project.js';
import { assignedRoleIds, userGroupIds } from './effective-roles.js';
import { EntityNotFound } from './errors.js';
import { showProject } from './projects.js';
import type { IdentityState } from './state.js';
import { issueToken, revokeToken, validateToken, withCatalog, type ValidToken } from './tokens.js';

export function authRoutes(scope: FastifyInstance, state: IdentityState): void {
  const flag = (req: FastifyRequest, key: string) => key in (req.query as object) && !/^(false|0)$/i.test(queryValues(req.query as QueryParams, key)[0] ?? '');

  scope.post('/v3/auth/tokens', { config: { public: true } }, async (req, reply) => {
    const { token, valid } = await issueToken(state, req.body);
    const body = await withCatalog(state, valid, req.ctx.baseUrl, flag(req, 'nocatalog'));
    return reply.code(201).header('x-subject-token', token).send({ token: body });
  });

  /** The subject token of GET/HEAD/DELETE, after the caller may act on it. */
  const subject = async (req: FastifyRequest, rule: string): Promise<ValidToken> => {
    const header = req.headers['x-subject-token'];
    const token = typeof header === 'string' ? header : '';
    let valid: ValidToken;
    try {
      valid = await validateToken(state, token);
    } catch {
      // OpenStack: Keystone validates the subject to build the policy target, so an invalid
      // or revoked subject is 404 before any policy check, for every caller.
      throw new EntityNotFound('token', token);
    }
    authorize(req, rule, { target: { token: { user_id: valid.auth.userId } } });
    return valid;
  };

  scope.route({
    method: ['GET', 'HEAD'], url: '/v3/auth/tokens', exposeHeadRoute: false,
    handler: async (req, reply) => {
      const valid = await subject(req, req.method === 'HEAD' ? 'identity:check_token' : 'identity:validate_token');
      reply.header('x-subject-token', valid.auth.token);
      if (req.method === 'HEAD') return reply.code(200).send();
      return { token: await withCatalog(state, valid, req.ctx.baseUrl, flag(req, 'nocatalog')) };
    },
  });

  scope.delete('/v3/auth/tokens', async (req, reply) => {
    const valid = await subject(req, 'identity:revoke_token');
    await revokeToken(state, state.codec.open(valid.auth.token)!);
    return reply.code(204).send();
  });

  scope.get('/v3/auth/catalog', async (req) => {
    const auth = req.ctx.auth!;
    if (!auth.projectId && !auth.domainId && !auth.system) throw new Forbidden('A scoped token is required to view the catalog.', 'Forbidden');
    return { catalog: await catalogFor(state, req.ctx.baseUrl, { projectId: auth.projectId, userId: auth.userId }), links: collectionLinks(req) };
  });

  /** Targets of `type` on which the caller holds any role (directly, through a group, or inherited). */
  const reachable = async (req: FastifyRequest, type: 'project' | 'domain') => {
    const db = state.store.db;
    const userId = req.ctx.auth!.userId;
    const actors = [userId, ...(await userGroupIds(db, userId))];
    const rows = await db.selectFrom('assignments').select(['target_type', 'target_id']).where('actor_id', 'in', actors).execute();
    const candidates = type === 'domain'
      ? [...new Set(rows.filter((r) => r.target_type === 'domain').map((r) => r.target_id))]
      : (await db.selectFrom('projects').select('id').execute()).map((p) => p.id);
    const out: string[] = [];
    for (const id of candidates) {
      if (type === 'domain' || (await assignedRoleIds(db, userId, { project: id })).size) out.push(id);
    }
    return out;
  };

  scope.get('/v3/auth/projects', async (req) => {
    const ids = await reachable(req, 'project');
    const rows = ids.length ? await state.store.db.selectFrom('projects').selectAll().where('id', 'in', ids).where('enabled', '=', 1).orderBy('id').execute() : [];
    return { projects: rows.map((r) => ({ ...view(project, showProject(fromRow(project, r))), links: selfLink(req, `projects/${r.id}`) })), links: collectionLinks(req) };
  });

  scope.get('/v3/auth/domains', async (req) => {
    const ids = await reachable(req, 'domain');
    const rows = ids.length ? await state.store.db.selectFrom('domains').selectAll().where('id', 'in', ids).where('enabled', '=', 1).orderBy('id').execute() : [];
    return { domains: rows.map((r) => ({ ...view(domain, fromRow(domain, r)), links: selfLink(req, `domains/${r.id}`) })), links: collectionLinks(req) };
  });

  scope.get('/v3/auth/system', async (req) => {
    const roles = await assignedRoleIds(state.store.db, req.ctx.auth!.userId, { system: 'all' });
    return { system: roles.size ? [{ all: true }] : [], links: collectionLinks(req) };
  });
}
