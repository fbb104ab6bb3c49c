// Networking (Neutron v2.0): the only import surface for other folders.
import { defineModule } from '../core/module.js';
import { defaultNetworkingConfig, type NetworkingConfig } from './config.js';
import type { Networking } from './context.js';
import { renderNeutronError } from './errors.js';
import { networkingRoutes } from './routes.js';
import { networkingService, type NetworkingService } from './service.js';

export const networkingModule = defineModule<NetworkingService, NetworkingConfig>({
  name: 'networking',
  roles: ['api'],
  catalog: [{ type: 'network', name: 'neutron', path: '/networking' }],
  create(env) {
    const ctx: Networking = { store: env.store, config: { ...defaultNetworkingConfig, ...env.config } };
    return {
      exports: networkingService(ctx),
      http: { name: 'networking', prefix: '/networking', renderError: renderNeutronError, routes: (scope) => networkingRoutes(scope, ctx) },
    };
  },
});

export type { NetworkingConfig } from './config.js';
export type { Caller } from './context.js';
export type { NetworkingKind, NetworkingService } from './service.js';
export type { RouterInterfaceInfo } from './router-interfaces.js';
// IP arithmetic and Neutron's defaults, for adapters that reason about addresses before a subnet exists (Kuryr).
export { canonicalCidr, defaultGateway, fromBig, parseNet, type Net } from './ipam/ip.js';
export { firstFreePrefix } from './subnetpools.js';
