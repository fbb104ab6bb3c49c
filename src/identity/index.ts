// Identity (Keystone v3): the only import surface for other folders.
import type { Authenticate, Service } from '../core/http/server.js';
import { defineModule } from '../core/module.js';
import type { Store } from '../store/index.js';
import { bootstrap, type BootstrapResult } from './bootstrap.js';
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
  };
}

export type { CatalogService } from '../core/module.js';
export type { IdentityConfig } from './state.js';
