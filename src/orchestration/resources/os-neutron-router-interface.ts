// OS::Neutron::RouterInterface — a router's interface on a subnet or port. Its physical id is
// Heat's "<router id>:subnet_id=<id>" / "<router id>:port_id=<id>".
import { ApiError } from '../../core/errors.js';
import { HeatError } from '../template/index.js';
import type { ResourcePlugin } from './types.js';
import { findId } from './neutron.js';

function parse(id: string): { router: string; body: { subnet_id?: string; port_id?: string } } {
  const [router, spec] = id.split(':') as [string, string];
  const [key, value] = spec.split('=') as [string, string];
  return { router, body: key === 'port_id' ? { port_id: value } : { subnet_id: value } };
}

export const osNeutronRouterInterface: ResourcePlugin = {
  type: 'OS::Neutron::RouterInterface',
  description: 'A resource for managing Neutron router interfaces.',
  properties: {
    router: { type: 'string', description: 'The router.', required: true, constraints: [{ custom_constraint: 'neutron.router' }] },
    subnet: { type: 'string', description: 'The subnet, either subnet or port should be specified.', constraints: [{ custom_constraint: 'neutron.subnet' }] },
    port: { type: 'string', description: 'The port, either subnet or port should be specified.', constraints: [{ custom_constraint: 'neutron.port' }] },
  },
  attributes: {},
  async create(ctx, props) {
    if (!props['subnet'] === !props['port']) {
      throw new HeatError('StackValidationFailed', 'Either subnet or port must be specified, but not both.', [`resources.${ctx.resourceName}.properties`], 'Property error');
    }
    const router = await findId(ctx, 'router', String(props['router']));
    const body = props['subnet']
      ? { subnet_id: await findId(ctx, 'subnet', String(props['subnet'])) }
      : { port_id: await findId(ctx, 'port', String(props['port'])) };
    const id = `${router}:${body.subnet_id ? `subnet_id=${body.subnet_id}` : `port_id=${body.port_id}`}`;
    ctx.data['planned'] = id;
    // A create resumed after a crash: the interface may already be there.
    if (!(await this.exists!(ctx, id))) await ctx.networking.addRouterInterface(ctx.caller, router, body);
    return id;
  },
  async exists(ctx) {
    const planned = ctx.data['planned'];
    if (typeof planned !== 'string') return false;
    const { router, body } = parse(planned);
    const ports = await ctx.networking.list(ctx.caller, 'port', { device_id: router });
    return ports.some((p) => body.port_id ? p.id === body.port_id
      : ((p.fixed_ips ?? []) as { subnet_id: string }[]).some((f) => f.subnet_id === body.subnet_id));
  },
  async delete(ctx, id) {
    if (!id) return;
    const { router, body } = parse(id);
    try {
      await ctx.networking.removeRouterInterface(ctx.caller, router, body);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return;
      throw e;
    }
  },
  refId: (_ctx, id) => id,
  async resolve() { return null; },
};
