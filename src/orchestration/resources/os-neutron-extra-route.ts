// OS::Neutron::ExtraRoute — one static route on a router (Heat's extraroute.py, deprecated there
// for ExtraRouteSet but still served): added to the router's routes, removed on delete.
import { ApiError, Conflict } from '../../core/errors.js';
import type { ResourceContext, ResourcePlugin } from './types.js';
import { findId } from './neutron.js';

interface Route { destination: string; nexthop: string }

async function routes(ctx: ResourceContext, router: string): Promise<Route[]> {
  return ((await ctx.networking.show(ctx.caller, 'router', router))['routes'] ?? []) as Route[];
}

/** The physical id Heat gives it: router:destination:nexthop. */
function parse(id: string): { router: string; route: Route } {
  const [router, destination, nexthop] = id.split(':');
  return { router: router!, route: { destination: destination!, nexthop: nexthop! } };
}

const same = (a: Route, b: Route) => a.destination === b.destination && a.nexthop === b.nexthop;

export const osNeutronExtraRoute: ResourcePlugin = {
  type: 'OS::Neutron::ExtraRoute',
  description: 'Resource for specifying extra routes for Neutron router.',
  properties: {
    router_id: { type: 'string', description: 'The router id.', required: true, constraints: [{ custom_constraint: 'neutron.router' }] },
    destination: { type: 'string', description: 'Network in CIDR notation.', required: true },
    nexthop: { type: 'string', description: 'Nexthop IP address.', required: true },
  },
  attributes: {},
  async create(ctx, props) {
    const router = await findId(ctx, 'router', String(props['router_id']));
    const route = { destination: String(props['destination']), nexthop: String(props['nexthop']) };
    const have = await routes(ctx, router);
    if (have.some((r) => same(r, route))) throw new Conflict('Route duplicates an existing route.', 'Error');
    await ctx.networking.update(ctx.caller, 'router', router, { routes: [...have, route] });
    return `${router}:${route.destination}:${route.nexthop}`;
  },
  async exists(ctx, id) {
    const { router, route } = parse(id);
    try {
      return (await routes(ctx, router)).some((r) => same(r, route));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return false;
      throw e;
    }
  },
  async delete(ctx, id) {
    if (!id) return;
    const { router, route } = parse(id);
    try {
      const have = await routes(ctx, router);
      if (have.some((r) => same(r, route))) await ctx.networking.update(ctx.caller, 'router', router, { routes: have.filter((r) => !same(r, route)) });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
  },
  async resolve() { return null; },
};
