// OS::Neutron::Router — a router, with its external gateway (Heat's neutron/router.py).
import type { JsonMap } from '../template/index.js';
import type { ResourceContext, ResourcePlugin } from './types.js';
import { body, findId, neutronAttribute, neutronDelete, neutronExists, valueSpecs, withShow } from './neutron.js';

async function gateway(ctx: ResourceContext, given: unknown): Promise<Record<string, unknown> | null> {
  if (!given) return null;
  const g = given as JsonMap;
  const out: Record<string, unknown> = { network_id: await findId(ctx, 'network', String(g['network'])) };
  if (g['enable_snat'] !== undefined && g['enable_snat'] !== null) out['enable_snat'] = g['enable_snat'];
  if (Array.isArray(g['external_fixed_ips'])) {
    out['external_fixed_ips'] = await Promise.all((g['external_fixed_ips'] as JsonMap[]).map(async (f) => ({
      ...(f['subnet'] ? { subnet_id: await findId(ctx, 'subnet', String(f['subnet'])) } : {}),
      ...(f['ip_address'] ? { ip_address: f['ip_address'] } : {}),
    })));
  }
  return out;
}

export const osNeutronRouter: ResourcePlugin = {
  type: 'OS::Neutron::Router',
  description: 'A resource that implements Neutron router.',
  properties: {
    name: { type: 'string', description: 'The name of the router.', update_allowed: true },
    external_gateway_info: { type: 'map', description: 'External network gateway configuration for a router.', update_allowed: true, schema: {
      network: { type: 'string', description: 'ID or name of the external network for the gateway.', required: true, constraints: [{ custom_constraint: 'neutron.network' }] },
      enable_snat: { type: 'boolean', description: 'Enables Source NAT on the router gateway.', update_allowed: true },
      external_fixed_ips: { type: 'list', description: 'External fixed IP addresses for the gateway.', update_allowed: true },
    } },
    value_specs: valueSpecs,
    admin_state_up: { type: 'boolean', description: 'The administrative state of the router.', default: true, update_allowed: true },
    distributed: { type: 'boolean', description: 'Indicates whether or not to create a distributed router.' },
    ha: { type: 'boolean', description: 'Indicates whether or not to create a highly available router.' },
  },
  attributes: withShow({
    status: 'The status of the router.', external_gateway_info: 'Gateway network for the router.', name: 'Friendly name of the router.',
    admin_state_up: 'Administrative state of the router.', tenant_id: 'Tenant owning the router.',
  }),
  async create(ctx, props) {
    const b = body(props, ['name', 'admin_state_up', 'distributed', 'ha']);
    const gw = await gateway(ctx, props['external_gateway_info']);
    if (gw) b['external_gateway_info'] = gw;
    b['name'] ??= ctx.physicalName;
    return String((await ctx.networking.create(ctx.caller, 'router', b, ctx.plannedId)).id);
  },
  exists: (ctx, id) => neutronExists(ctx, 'router', id),
  async update(ctx, id, props, _prev, changed) {
    const b: Record<string, unknown> = {};
    if (changed.includes('name')) b['name'] = props['name'] ?? ctx.physicalName;
    if (changed.includes('admin_state_up')) b['admin_state_up'] = props['admin_state_up'];
    if (changed.includes('external_gateway_info')) b['external_gateway_info'] = (await gateway(ctx, props['external_gateway_info'])) ?? {};
    if (changed.includes('value_specs')) Object.assign(b, props['value_specs'] ?? {});
    if (Object.keys(b).length) await ctx.networking.update(ctx.caller, 'router', id!, b);
  },
  delete: (ctx, id) => neutronDelete(ctx, 'router', id),
  resolve: (ctx, id, attr) => neutronAttribute(ctx, 'router', id, attr),
};
