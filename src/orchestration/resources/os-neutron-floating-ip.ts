// OS::Neutron::FloatingIP — a floating IP on an external network, optionally on a port.
import type { ResourcePlugin } from './types.js';
import { body, findId, neutronAttribute, neutronDelete, neutronExists, valueSpecs, withShow } from './neutron.js';

export const osNeutronFloatingIp: ResourcePlugin = {
  type: 'OS::Neutron::FloatingIP',
  description: 'A resource for managing Neutron floating ips.',
  properties: {
    floating_network: { type: 'string', description: 'Network to allocate floating IP from.', required: true, constraints: [{ custom_constraint: 'neutron.network' }] },
    floating_subnet: { type: 'string', description: 'Subnet to allocate floating IP from.', constraints: [{ custom_constraint: 'neutron.subnet' }] },
    value_specs: { ...valueSpecs, update_allowed: false },
    port_id: { type: 'string', description: 'ID of an existing port to associate with this floating IP.', update_allowed: true, constraints: [{ custom_constraint: 'neutron.port' }] },
    fixed_ip_address: { type: 'string', description: 'IP address to use if the port has multiple addresses.', update_allowed: true },
    floating_ip_address: { type: 'string', description: 'IP address of the floating IP.' },
  },
  attributes: withShow({
    router_id: 'ID of the router used as gateway, set when associated with a port.', tenant_id: 'The tenant owning this floating IP.',
    floating_network_id: 'ID of the network in which this IP is allocated.', fixed_ip_address: 'IP address of the associated port, if specified.',
    floating_ip_address: 'The allocated address of this IP.', port_id: 'ID of the port associated with this IP.',
  }),
  async create(ctx, props) {
    const b = body(props, ['fixed_ip_address', 'floating_ip_address']);
    b['floating_network_id'] = await findId(ctx, 'network', String(props['floating_network']));
    if (props['floating_subnet']) b['subnet_id'] = await findId(ctx, 'subnet', String(props['floating_subnet']));
    if (props['port_id']) b['port_id'] = await findId(ctx, 'port', String(props['port_id']));
    return String((await ctx.networking.create(ctx.caller, 'floatingip', b, ctx.plannedId)).id);
  },
  exists: (ctx, id) => neutronExists(ctx, 'floatingip', id),
  async update(ctx, id, props, _prev, changed) {
    if (!changed.includes('port_id') && !changed.includes('fixed_ip_address')) return;
    const port = props['port_id'] ? await findId(ctx, 'port', String(props['port_id'])) : null;
    await ctx.networking.update(ctx.caller, 'floatingip', id!, { port_id: port, ...(port && props['fixed_ip_address'] ? { fixed_ip_address: props['fixed_ip_address'] } : {}) });
  },
  delete: (ctx, id) => neutronDelete(ctx, 'floatingip', id),
  resolve: (ctx, id, attr) => neutronAttribute(ctx, 'floatingip', id, attr),
};
