// OS::Neutron::SecurityGroupRule — one rule of a security group (Heat's neutron/security_group_rule.py).
import type { ResourcePlugin } from './types.js';
import { findId, neutronAttribute, neutronDelete, neutronExists, withShow } from './neutron.js';

export const osNeutronSecurityGroupRule: ResourcePlugin = {
  type: 'OS::Neutron::SecurityGroupRule',
  description: 'A resource for managing Neutron security group rules.',
  properties: {
    security_group: { type: 'string', description: 'Security group name or ID to add rule.', required: true, constraints: [{ custom_constraint: 'neutron.security_group' }] },
    description: { type: 'string', description: 'Description of the security group rule.' },
    remote_group: { type: 'string', description: 'The remote group name or ID to be associated with this security group rule.' },
    remote_ip_prefix: { type: 'string', description: 'The remote IP prefix (CIDR) to be associated with this security group rule.' },
    direction: { type: 'string', description: 'The direction in which the security group rule is applied.', default: 'ingress', constraints: [{ allowed_values: ['ingress', 'egress'] }] },
    ethertype: { type: 'string', description: 'Ethertype of the traffic.', default: 'IPv4', constraints: [{ allowed_values: ['IPv4', 'IPv6'] }] },
    port_range_min: { type: 'integer', description: 'The minimum port number in the range.', constraints: [{ range: { min: 0, max: 65535 } }] },
    port_range_max: { type: 'integer', description: 'The maximum port number in the range.', constraints: [{ range: { min: 0, max: 65535 } }] },
    protocol: { type: 'string', description: 'The protocol that is matched by the security group rule.' },
  },
  attributes: withShow({}),
  async create(ctx, props) {
    const b: Record<string, unknown> = {
      security_group_id: await findId(ctx, 'security_group', String(props['security_group'])),
      direction: props['direction'], ethertype: props['ethertype'],
    };
    for (const k of ['description', 'remote_ip_prefix', 'port_range_min', 'port_range_max', 'protocol']) {
      if (props[k] !== undefined && props[k] !== null) b[k] = props[k];
    }
    if (props['remote_group']) b['remote_group_id'] = await findId(ctx, 'security_group', String(props['remote_group']));
    return String((await ctx.networking.create(ctx.caller, 'security_group_rule', b, ctx.plannedId)).id);
  },
  exists: (ctx, id) => neutronExists(ctx, 'security_group_rule', id),
  delete: (ctx, id) => neutronDelete(ctx, 'security_group_rule', id),
  resolve: (ctx, id, attr) => neutronAttribute(ctx, 'security_group_rule', id, attr),
};
