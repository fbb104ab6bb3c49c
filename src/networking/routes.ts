// Every Networking v2.0 route under the service's prefix.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerCollection, type Collection } from './collection.js';
import type { Networking } from './context.js';
import { NeutronNotFound } from './errors.js';
import { EXTENSIONS, extensionView } from './extensions.js';
import { floatingIps } from './floating-ips.js';
import { networks } from './networks.js';
import { ports } from './ports.js';
import { quotaRoutes } from './quotas.js';
import { rbacPolicies } from './rbac-policies.js';
import { routerInterfaceRoutes } from './router-interfaces.js';
import { routers } from './routers.js';
import { securityGroupRules, securityGroups } from './security-groups.js';
import { addressScopes, subnetpools } from './subnetpools.js';
import { subnets } from './subnets.js';

export const COLLECTIONS: readonly Collection[] = [
  networks, subnets, ports, securityGroups, securityGroupRules, routers, floatingIps, subnetpools, addressScopes, rbacPolicies,
];

const versionRef = (req: FastifyRequest) => ({ id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self', href: `${req.ctx.baseUrl}/networking/v2.0/` }] });

export function networkingRoutes(scope: FastifyInstance, ctx: Networking): void {
  scope.get('/', { config: { public: true } }, async (req) => ({ versions: [versionRef(req)] }));
  scope.get('/v2.0', async (req) => ({
    resources: COLLECTIONS.map((c) => ({
      links: [{ rel: 'self', href: `${req.ctx.baseUrl}/networking/v2.0/${c.path ?? c.def.plural}` }], name: c.def.singular, collection: c.def.plural,
    })),
  }));
  scope.get('/v2.0/extensions', async () => ({ extensions: EXTENSIONS.map(extensionView) }));
  scope.get<{ Params: { alias: string } }>('/v2.0/extensions/:alias', async (req) => {
    const e = EXTENSIONS.find((x) => x.alias === req.params.alias);
    if (!e) throw new NeutronNotFound('Extension', req.params.alias, 'ExtensionNotFound');
    return { extension: extensionView(e) };
  });
  // service-type: the drivers behind advanced services. Pier's routers have one built-in
  // implementation and no flavors, so there is no provider to choose from.
  scope.get('/v2.0/service-providers', async () => ({ service_providers: [] }));
  for (const c of COLLECTIONS) registerCollection(scope, ctx, c);
  routerInterfaceRoutes(scope, ctx);
  quotaRoutes(scope, ctx);
}
