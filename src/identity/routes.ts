// Every Identity v3 route, under the service's prefix.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { applicationCredentialRoutes } from './application-credentials.js';
import { assignmentRoutes } from './assignments.js';
import { authRoutes } from './auth-routes.js';
import { catalogRoutes } from './catalog-routes.js';
import { credentialRoutes } from './credentials.js';
import { domainConfigRoutes } from './domain-config.js';
import { domainRoutes } from './domains.js';
import { groupRoutes } from './groups.js';
import { policyRoutes } from './policies.js';
import { projectRoutes } from './projects.js';
import { roleRoutes } from './roles.js';
import type { IdentityState } from './state.js';
import { trustRoutes } from './trusts.js';
import { userRoutes } from './users.js';

/** Keystone Zed's Identity API version. */
const V3 = { id: 'v3.14', status: 'stable', updated: '2020-04-07T00:00:00Z' };

function versionDoc(req: FastifyRequest) {
  return {
    ...V3,
    links: [{ rel: 'self', href: `${req.ctx.baseUrl}/identity/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  };
}

export function identityRoutes(scope: FastifyInstance, state: IdentityState): void {
  // OpenStack: the unversioned root answers 300 Multiple Choices with the version list.
  scope.get('/', { config: { public: true } }, async (req, reply) => reply.code(300).send({ versions: { values: [versionDoc(req)] } }));
  scope.get('/v3', { config: { public: true } }, async (req) => ({ version: versionDoc(req) }));
  authRoutes(scope, state);
  domainConfigRoutes(scope, state);
  domainRoutes(scope, state);
  projectRoutes(scope, state);
  userRoutes(scope, state);
  groupRoutes(scope, state);
  roleRoutes(scope, state);
  assignmentRoutes(scope, state);
  catalogRoutes(scope, state);
  applicationCredentialRoutes(scope, state);
  credentialRoutes(scope, state);
  policyRoutes(scope, state);
  trustRoutes(scope, state);
}
