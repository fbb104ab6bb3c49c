// OS::Neutron::ProviderNet — an admin's network on a physical segment (Heat's provider_net.py):
// network_type / physical_network / segmentation_id become Neutron's provider:* attributes.
import type { JsonMap } from '../template/index.js';
import type { ResourcePlugin } from './types.js';
import { body, neutronAttribute, neutronDelete, neutronExists, updateBody, withShow } from './neutron.js';

const KEYS = ['name', 'admin_state_up', 'shared', 'port_security_enabled', 'dns_domain'];
/** Heat's property → Neutron's attribute. */
const PROVIDER: Record<string, string> = {
  network_type: 'provider:network_type', physical_network: 'provider:physical_network', segmentation_id: 'provider:segmentation_id', router_external: 'router:external',
};

function provider(props: JsonMap, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in PROVIDER && props[k] !== undefined && props[k] !== null) out[PROVIDER[k]!] = k === 'segmentation_id' ? Number(props[k]) : props[k];
  return out;
}

export const osNeutronProviderNet: ResourcePlugin = {
  type: 'OS::Neutron::ProviderNet',
  description: 'A resource for managing Neutron provider networks.',
  properties: {
    name: { type: 'string', description: 'A string specifying a symbolic name for the network, which is not required to be unique.', update_allowed: true },
    network_type: { type: 'string', description: 'A string specifying the provider network type for the network.', required: true, update_allowed: true, constraints: [{ allowed_values: ['local', 'vlan', 'vxlan', 'gre', 'geneve', 'flat'] }] },
    physical_network: { type: 'string', description: 'A string specifying physical network mapping for the network.', update_allowed: true },
    segmentation_id: { type: 'string', description: 'A string specifying the segmentation id for the network.', update_allowed: true },
    admin_state_up: { type: 'boolean', description: 'A boolean value specifying the administrative status of the network.', default: true, update_allowed: true },
    shared: { type: 'boolean', description: 'Whether this network should be shared across all tenants.', default: true, update_allowed: true },
    port_security_enabled: { type: 'boolean', description: 'Flag to enable/disable port security on the network.', update_allowed: true },
    router_external: { type: 'boolean', description: 'Whether the network contains an external router.', default: false, update_allowed: true },
    dns_domain: { type: 'string', description: 'DNS domain associated with this network.', update_allowed: true },
  },
  attributes: withShow({ status: 'The status of the network.', subnets: 'Subnets of this network.' }),
  validate(props) {
    const type = props['network_type'];
    if (type === 'vlan' && !props['physical_network']) return 'physical_network is required for vlan provider network.';
    if ((type === 'local' || type === 'flat') && props['segmentation_id']) return `segmentation_id not allowed for ${String(type)} network type.`;
    return null;
  },
  async create(ctx, props) {
    const b = { ...body(props, KEYS), ...provider(props, Object.keys(PROVIDER)) };
    b['name'] ??= ctx.physicalName;
    return String((await ctx.networking.create(ctx.caller, 'network', b, ctx.plannedId)).id);
  },
  exists: (ctx, id) => neutronExists(ctx, 'network', id),
  async update(ctx, id, props, _prev, changed) {
    const b = { ...updateBody(props, changed, KEYS), ...provider(props, changed) };
    if ('name' in b && b['name'] === null) b['name'] = ctx.physicalName;
    if (Object.keys(b).length) await ctx.networking.update(ctx.caller, 'network', id!, b);
  },
  delete: (ctx, id) => neutronDelete(ctx, 'network', id),
  resolve: (ctx, id, attr) => neutronAttribute(ctx, 'network', id, attr),
};
