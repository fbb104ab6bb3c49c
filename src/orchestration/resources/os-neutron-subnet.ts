// OS::Neutron::Subnet — a subnet of a network (Heat's resources/openstack/neutron/subnet.py).
// cidr, network and ip_version are not update_allowed: changing them replaces the subnet.
import type { JsonMap } from '../template/index.js';
import type { ResourceContext, ResourcePlugin } from './types.js';
import { body, findId, neutronAttribute, neutronDelete, neutronExists, updateBody, valueSpecs, withShow } from './neutron.js';

const KEYS = [
  'name', 'cidr', 'ip_version', 'dns_nameservers', 'gateway_ip', 'enable_dhcp', 'allocation_pools', 'host_routes',
  'ipv6_ra_mode', 'ipv6_address_mode', 'prefixlen', 'tenant_id',
];
const UPDATABLE = ['name', 'dns_nameservers', 'gateway_ip', 'enable_dhcp', 'allocation_pools', 'host_routes', 'value_specs'];

async function requestBody(ctx: ResourceContext, props: JsonMap): Promise<Record<string, unknown>> {
  const b = body(props, KEYS);
  b['network_id'] = await findId(ctx, 'network', String(props['network']));
  if (props['subnetpool']) b['subnetpool_id'] = await findId(ctx, 'subnetpool', String(props['subnetpool']));
  // OpenStack: an empty gateway_ip means no gateway.
  if (props['gateway_ip'] === '') b['gateway_ip'] = null;
  b['name'] ??= ctx.physicalName;
  return b;
}

const pool = { type: 'map', description: 'An allocation pool.', schema: {
  start: { type: 'string', description: 'Start address for the allocation pool.', required: true },
  end: { type: 'string', description: 'End address for the allocation pool.', required: true },
} } as const;
const route = { type: 'map', description: 'A host route.', schema: {
  destination: { type: 'string', description: 'The destination for static route.', required: true },
  nexthop: { type: 'string', description: 'The next hop for the destination.', required: true },
} } as const;

export const osNeutronSubnet: ResourcePlugin = {
  type: 'OS::Neutron::Subnet',
  description: 'A resource for managing Neutron subnets.',
  properties: {
    network: { type: 'string', description: 'The ID or name of the network to associate with this subnet.', required: true, constraints: [{ custom_constraint: 'neutron.network' }] },
    cidr: { type: 'string', description: 'The CIDR.', constraints: [{ custom_constraint: 'net_cidr' }] },
    subnetpool: { type: 'string', description: 'The name or ID of the subnet pool.', constraints: [{ custom_constraint: 'neutron.subnetpool' }] },
    prefixlen: { type: 'integer', description: 'Prefix length for subnet allocation from subnet pool.', constraints: [{ range: { min: 0 } }] },
    value_specs: valueSpecs,
    name: { type: 'string', description: 'The name of the subnet.', update_allowed: true },
    ip_version: { type: 'integer', description: 'The IP version, which is 4 or 6.', default: 4, constraints: [{ allowed_values: [4, 6] }] },
    dns_nameservers: { type: 'list', description: 'A specified set of DNS name servers to be used.', default: [], update_allowed: true },
    gateway_ip: { type: 'string', description: 'The gateway IP address. Set to "" to create/update a subnet without a gateway.', update_allowed: true },
    enable_dhcp: { type: 'boolean', description: 'Set to true if DHCP is enabled and false if DHCP is disabled.', default: true, update_allowed: true },
    ipv6_ra_mode: { type: 'string', description: 'IPv6 RA (Router Advertisement) mode.', constraints: [{ allowed_values: ['dhcpv6-stateful', 'dhcpv6-stateless', 'slaac'] }] },
    ipv6_address_mode: { type: 'string', description: 'IPv6 address mode.', constraints: [{ allowed_values: ['dhcpv6-stateful', 'dhcpv6-stateless', 'slaac'] }] },
    allocation_pools: { type: 'list', description: 'The start and end addresses for the allocation pools.', update_allowed: true, schema: { '*': pool } },
    tenant_id: { type: 'string', description: 'The ID of the tenant who owns the network.' },
    host_routes: { type: 'list', description: 'A list of host route dictionaries for the subnet.', update_allowed: true, schema: { '*': route } },
  },
  attributes: withShow({
    name: 'Friendly name of the subnet.', network_id: 'Parent network of the subnet.', tenant_id: 'Tenant owning the subnet.',
    allocation_pools: 'Ip allocation pools and their ranges.', gateway_ip: 'Ip of the subnet\'s gateway.', host_routes: 'Additional routes for this subnet.',
    ip_version: 'Ip version for the subnet.', cidr: 'CIDR block notation for this subnet.', dns_nameservers: 'List of dns nameservers.',
    enable_dhcp: '\'true\' if DHCP is enabled for this subnet; \'false\' otherwise.',
  }),
  async create(ctx, props) {
    return String((await ctx.networking.create(ctx.caller, 'subnet', await requestBody(ctx, props), ctx.plannedId)).id);
  },
  exists: (ctx, id) => neutronExists(ctx, 'subnet', id),
  async update(ctx, id, props, _prev, changed) {
    const b = updateBody(props, changed.filter((c) => UPDATABLE.includes(c)), KEYS);
    if (b['gateway_ip'] === '') b['gateway_ip'] = null;
    if ('name' in b && b['name'] === null) b['name'] = ctx.physicalName;
    if ('dns_nameservers' in b && b['dns_nameservers'] === null) b['dns_nameservers'] = [];
    if (Object.keys(b).length) await ctx.networking.update(ctx.caller, 'subnet', id!, b);
  },
  delete: (ctx, id) => neutronDelete(ctx, 'subnet', id),
  resolve: (ctx, id, attr) => neutronAttribute(ctx, 'subnet', id, attr),
};
