// OS::Neutron::Net — a network (Heat's resources/openstack/neutron/net.py).
import type { ResourcePlugin } from './types.js';
import { body, neutronAttribute, neutronDelete, neutronExists, updateBody, valueSpecs, withShow } from './neutron.js';

const KEYS = ['name', 'admin_state_up', 'shared', 'port_security_enabled', 'tenant_id', 'dns_domain'];

export const osNeutronNet: ResourcePlugin = {
  type: 'OS::Neutron::Net',
  description: 'A resource for managing Neutron net.',
  properties: {
    name: { type: 'string', description: 'A string specifying a symbolic name for the network, which is not required to be unique.', update_allowed: true },
    value_specs: valueSpecs,
    admin_state_up: { type: 'boolean', description: 'A boolean value specifying the administrative status of the network.', default: true, update_allowed: true },
    tenant_id: { type: 'string', description: 'The ID of the tenant which will own the network.' },
    shared: { type: 'boolean', description: 'Whether this network should be shared across all tenants.', default: false, update_allowed: true },
    port_security_enabled: { type: 'boolean', description: 'Flag to enable/disable port security on the network.', update_allowed: true },
    dns_domain: { type: 'string', description: 'DNS domain associated with this network.', update_allowed: true },
  },
  attributes: withShow({
    status: 'The status of the network.', name: 'The name of the network.', subnets: 'Subnets of this network.',
    admin_state_up: 'The administrative status of the network.', tenant_id: 'The tenant owning this network.',
    port_security_enabled: 'Port security enabled of the network.', mtu: 'The maximum transmission unit size(in bytes) for the network.',
    segments: 'The segments of this network.',
  }),
  async create(ctx, props) {
    const b = body(props, KEYS);
    b['name'] ??= ctx.physicalName;
    return String((await ctx.networking.create(ctx.caller, 'network', b, ctx.plannedId)).id);
  },
  exists: (ctx, id) => neutronExists(ctx, 'network', id),
  async update(ctx, id, props, _prev, changed) {
    const b = updateBody(props, changed, KEYS);
    if ('name' in b && b['name'] === null) b['name'] = ctx.physicalName;
    if (Object.keys(b).length) await ctx.networking.update(ctx.caller, 'network', id!, b);
  },
  delete: (ctx, id) => neutronDelete(ctx, 'network', id),
  resolve: (ctx, id, attr) => neutronAttribute(ctx, 'network', id, attr),
};
