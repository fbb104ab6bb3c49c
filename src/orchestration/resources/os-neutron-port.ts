// OS::Neutron::Port — a port on a network (Heat's resources/openstack/neutron/port.py): fixed_ips
// and security_groups take names or ids and update in place.
import type { Json, JsonMap } from '../template/index.js';
import type { ResourceContext, ResourcePlugin } from './types.js';
import { body, findId, neutronAttribute, neutronDelete, neutronExists, updateBody, valueSpecs, withShow } from './neutron.js';

const KEYS = ['name', 'admin_state_up', 'mac_address', 'device_id', 'device_owner', 'allowed_address_pairs', 'port_security_enabled', 'binding:vnic_type'];
const UPDATABLE = ['name', 'admin_state_up', 'device_id', 'device_owner', 'allowed_address_pairs', 'port_security_enabled', 'binding:vnic_type', 'value_specs'];

async function fixedIps(ctx: ResourceContext, given: Json): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const f of (given ?? []) as JsonMap[]) {
    const ip: Record<string, unknown> = {};
    const subnet = f['subnet'] ?? f['subnet_id'];
    if (subnet) ip['subnet_id'] = await findId(ctx, 'subnet', String(subnet));
    if (f['ip_address']) ip['ip_address'] = f['ip_address'];
    out.push(ip);
  }
  return out;
}

const securityGroups = (ctx: ResourceContext, given: Json) =>
  Promise.all(((given ?? []) as Json[]).map((g) => findId(ctx, 'security_group', String(g))));

const fixedIp = { type: 'map', description: 'A fixed IP.', schema: {
  subnet_id: { type: 'string', description: 'Subnet in which to allocate the IP address for this port.' },
  subnet: { type: 'string', description: 'Subnet in which to allocate the IP address for this port.' },
  ip_address: { type: 'string', description: 'IP address desired in the subnet for this port.' },
} } as const;
const pair = { type: 'map', description: 'An allowed address pair.', schema: {
  mac_address: { type: 'string', description: 'MAC address to allow through this port.' },
  ip_address: { type: 'string', description: 'IP address to allow through this port.', required: true },
} } as const;

export const osNeutronPort: ResourcePlugin = {
  type: 'OS::Neutron::Port',
  description: 'A resource for managing Neutron ports.',
  properties: {
    network: { type: 'string', description: 'Network this port belongs to.', required: true, constraints: [{ custom_constraint: 'neutron.network' }] },
    name: { type: 'string', description: 'A symbolic name for this port.', update_allowed: true },
    value_specs: valueSpecs,
    admin_state_up: { type: 'boolean', description: 'The administrative state of this port.', default: true, update_allowed: true },
    fixed_ips: { type: 'list', description: 'Desired IPs for this port.', update_allowed: true, schema: { '*': fixedIp } },
    mac_address: { type: 'string', description: 'MAC address to give to this port.' },
    device_id: { type: 'string', description: 'Device ID of this port.', update_allowed: true },
    device_owner: { type: 'string', description: 'Name of the network owning the port.', update_allowed: true },
    security_groups: { type: 'list', description: 'Security group IDs to associate with this port.', update_allowed: true },
    allowed_address_pairs: { type: 'list', description: 'Additional MAC/IP address pairs allowed to pass through the port.', update_allowed: true, schema: { '*': pair } },
    port_security_enabled: { type: 'boolean', description: 'Flag to enable/disable port security on the port.', update_allowed: true },
    'binding:vnic_type': { type: 'string', description: 'The vnic type to be bound on the neutron port.', update_allowed: true, constraints: [{ allowed_values: ['normal', 'direct', 'macvtap', 'direct-physical', 'baremetal'] }] },
    replacement_policy: { type: 'string', description: 'Policy on how to respond to a stack-update for this resource.', default: 'AUTO', update_allowed: true, constraints: [{ allowed_values: ['REPLACE_ALWAYS', 'AUTO'] }] },
  },
  attributes: withShow({
    admin_state_up: 'The administrative state of this port.', device_id: 'Unique identifier for the device.', device_owner: 'Name of the network owning the port.',
    fixed_ips: 'Fixed IP addresses.', mac_address: 'MAC address of the port.', name: 'Friendly name of the port.', network_id: 'Unique identifier for the network owning the port.',
    security_groups: 'A list of security groups for the port.', status: 'The status of the port.', tenant_id: 'Tenant owning the port.',
    allowed_address_pairs: 'Additional MAC/IP address pairs allowed to pass through a port.', subnets: 'A list of all subnet attributes for the port.',
  }),
  async create(ctx, props) {
    const b = body(props, KEYS);
    b['network_id'] = await findId(ctx, 'network', String(props['network']));
    if (props['fixed_ips']) b['fixed_ips'] = await fixedIps(ctx, props['fixed_ips']);
    if (props['security_groups']) b['security_groups'] = await securityGroups(ctx, props['security_groups']);
    b['name'] ??= ctx.physicalName;
    return String((await ctx.networking.create(ctx.caller, 'port', b, ctx.plannedId)).id);
  },
  exists: (ctx, id) => neutronExists(ctx, 'port', id),
  async update(ctx, id, props, _prev, changed) {
    const b = updateBody(props, changed.filter((c) => UPDATABLE.includes(c)), KEYS);
    if ('name' in b && b['name'] === null) b['name'] = ctx.physicalName;
    if (changed.includes('fixed_ips')) b['fixed_ips'] = await fixedIps(ctx, props['fixed_ips'] ?? []);
    if (changed.includes('security_groups')) b['security_groups'] = await securityGroups(ctx, props['security_groups'] ?? []);
    if (Object.keys(b).length) await ctx.networking.update(ctx.caller, 'port', id!, b);
  },
  async resolve(ctx, id, attr) {
    if (attr !== 'subnets') return neutronAttribute(ctx, 'port', id, attr);
    const ips = ((await neutronAttribute(ctx, 'port', id, 'fixed_ips')) ?? []) as JsonMap[];
    return Promise.all(ips.map(async (f) => (await ctx.networking.show(ctx.caller, 'subnet', String(f['subnet_id']))) as Json));
  },
  delete: (ctx, id) => neutronDelete(ctx, 'port', id),
};
