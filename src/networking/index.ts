// Networking (Neutron v2.0): the only import surface for other folders.
import type { Service } from '../core/http/server.js';
import type { CatalogService } from '../identity/index.js';
import type { Store } from '../store/index.js';
import { defaultNetworkingConfig, type NetworkingConfig } from './config.js';
import type { Networking } from './context.js';
import { renderNeutronError } from './errors.js';
import { networkingRoutes } from './routes.js';
import { networkingService, type NetworkingService } from './service.js';

export const NETWORKING_CATALOG: CatalogService = { type: 'network', name: 'neutron', path: '/networking' };

export function createNetworking(store: Store, config: Partial<NetworkingConfig> = {}): { service: Service; ctx: Networking; api: NetworkingService } {
  const ctx: Networking = { store, config: { ...defaultNetworkingConfig, ...config } };
  return {
    ctx,
    api: networkingService(ctx),
    service: { name: 'networking', prefix: '/networking', renderError: renderNeutronError, routes: (scope) => networkingRoutes(scope, ctx) },
  };
}

export type { NetworkingConfig } from './config.js';
export type { Caller } from './context.js';
export type { NetworkingKind, NetworkingService } from './service.js';
export type { RouterInterfaceInfo } from './router-interfaces.js';
