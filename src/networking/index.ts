// Networking (Neutron v2.0): the only import surface for other folders.
import type { Service } from '../core/http/server.js';
import type { CatalogService } from '../identity/index.js';
import type { Store } from '../store/index.js';
import { defaultNetworkingConfig, type NetworkingConfig } from './config.js';
import type { Networking } from './context.js';
import { renderNeutronError } from './errors.js';
import { networkingRoutes } from './routes.js';

export const NETWORKING_CATALOG: CatalogService = { type: 'network', name: 'neutron', path: '/networking' };

export function createNetworking(store: Store, config: Partial<NetworkingConfig> = {}): { service: Service; ctx: Networking } {
  const ctx: Networking = { store, config: { ...defaultNetworkingConfig, ...config } };
  return {
    ctx,
    service: { name: 'networking', prefix: '/networking', renderError: renderNeutronError, routes: (scope) => networkingRoutes(scope, ctx) },
  };
}

export type { NetworkingConfig } from './config.js';
