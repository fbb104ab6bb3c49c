// Identity (Keystone v3): the only import surface for other folders.
import type { Authenticate, Service } from '../core/http/server.js';
import type { Store } from '../store/index.js';
import { bootstrap, type CatalogService } from './bootstrap.js';
import { renderKeystoneError } from './errors.js';
import { identityRoutes } from './routes.js';
import { createIdentityState, type IdentityConfig, type IdentityState } from './state.js';
import { issueServiceToken, validateToken } from './tokens.js';

export interface Identity {
  service: Service;
  /** Token → caller, for every service's auth hook. */
  authenticate: Authenticate;
  bootstrap(opts: { adminPassword?: string; demoPassword?: string; services: CatalogService[] }): ReturnType<typeof bootstrap>;
  state: IdentityState;
  /** A project-scoped token for a user, without their credentials (services acting for them). */
  serviceToken(userId: string, projectId: string): Promise<string>;
}

export const IDENTITY_CATALOG: CatalogService = { type: 'identity', name: 'keystone', path: '/identity/v3' };

export async function createIdentity(store: Store, config: IdentityConfig): Promise<Identity> {
  const state = await createIdentityState(store, config);
  return {
    state,
    service: { name: 'identity', prefix: '/identity', renderError: renderKeystoneError, routes: (scope) => identityRoutes(scope, state) },
    authenticate: async (token) => (await validateToken(state, token)).auth,
    bootstrap: (opts) => bootstrap(state, opts),
    serviceToken: (userId, projectId) => issueServiceToken(state, userId, projectId),
  };
}

export type { CatalogService } from './bootstrap.js';
export type { IdentityConfig } from './state.js';
