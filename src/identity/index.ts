// Identity (Keystone v3): the only import surface for other folders.
import type { AuthContext } from '../core/http/context.js';
import type { Authenticate, Service } from '../core/http/server.js';
import { ModuleError } from '../core/module.js';
import { defineModule } from '../core/module.js';
import type { Store } from '../store/index.js';
import { bootstrap, type BootstrapResult } from './bootstrap.js';
import { DEFAULT_DOMAIN_ID } from './domains.js';
import { renderKeystoneError } from './errors.js';
import { identityRoutes } from './routes.js';
import { createIdentityState, type IdentityConfig, type IdentityState } from './state.js';
import { issueServiceToken, validateToken } from './tokens.js';

export interface Identity {
  service: Service;
  /** Token → caller, for every service's auth hook. */
  authenticate: Authenticate;
  state: IdentityState;
  /** A project-scoped token for a user, without their credentials (services acting for them). */
  serviceToken(userId: string, projectId: string): Promise<string>;
  /**
   * The caller a service acting for `user` in `project` (names in the Default domain) is: its
   * token's auth context, re-issued before it expires. Throws AuthFailed-style errors when the
   * user, project or role assignment is missing — the same checks a password login makes.
   */
  actAs(user: string, project: string): () => Promise<AuthContext>;
  /** What this start's bootstrap did (passwords it generated). */
  boot: BootstrapResult;
}

export interface IdentityModuleConfig extends IdentityConfig {
  /** The bootstrap users' passwords on a first start (generated when absent). */
  adminPassword: string;
  demoPassword: string;
}

export const identityModule = defineModule<Identity, IdentityModuleConfig>({
  name: 'identity',
  roles: ['api'],
  catalog: [{ type: 'identity', name: 'keystone', path: '/identity/v3' }],
  async create(env) {
    const identity = await createIdentity(env.store, { tokenTtl: env.config.tokenTtl ?? 3600 });
    const boot = await bootstrap(identity.state, { adminPassword: env.config.adminPassword, demoPassword: env.config.demoPassword, services: env.catalog });
    return { exports: { ...identity, boot }, http: identity.service };
  },
});

async function createIdentity(store: Store, config: IdentityConfig): Promise<Omit<Identity, 'boot'>> {
  const state = await createIdentityState(store, config);
  return {
    state,
    service: { name: 'identity', prefix: '/identity', renderError: renderKeystoneError, routes: (scope) => identityRoutes(scope, state) },
    authenticate: async (token) => (await validateToken(state, token)).auth,
    serviceToken: (userId, projectId) => issueServiceToken(state, userId, projectId),
    actAs: (user, project) => {
      let current: AuthContext | undefined;
      return async () => {
        // Renewed a minute before expiry; validation re-checks it on every use (revocations, roles).
        if (current && Date.parse(current.expiresAt) - Date.now() > 60_000) return (await validateToken(state, current.token)).auth;
        const ids = await lookupNames(store, user, project);
        current = (await validateToken(state, await issueServiceToken(state, ids.userId, ids.projectId))).auth;
        return current;
      };
    },
  };
}

async function lookupNames(store: Store, user: string, project: string): Promise<{ userId: string; projectId: string }> {
  const u = await store.db.selectFrom('users').select('id').where('name', '=', user).where('domain_id', '=', DEFAULT_DOMAIN_ID).executeTakeFirst();
  if (!u) throw new ModuleError(`no user '${user}' in the Default domain`);
  const p = await store.db.selectFrom('projects').select('id').where('name', '=', project).where('domain_id', '=', DEFAULT_DOMAIN_ID).executeTakeFirst();
  if (!p) throw new ModuleError(`no project '${project}' in the Default domain`);
  return { userId: u.id, projectId: p.id };
}

export type { CatalogService } from '../core/module.js';
export type { IdentityConfig } from './state.js';
