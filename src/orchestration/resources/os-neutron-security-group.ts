// OS::Neutron::SecurityGroup — a security group and its rules (Heat's neutron/security_group.py):
// given egress rules replace the default egress ones; an update of rules rewrites them all.
import { ApiError } from '../../core/errors.js';
import type { JsonMap } from '../template/index.js';
import type { ResourceContext, ResourcePlugin } from './types.js';
import { findId, neutronAttribute, neutronDelete, neutronExists, withShow } from './neutron.js';

const rule = { type: 'map', description: 'A security group rule.', schema: {
  direction: { type: 'string', description: 'The direction in which the security group rule is applied.', default: 'ingress', constraints: [{ allowed_values: ['ingress', 'egress'] }] },
  ethertype: { type: 'string', description: 'Ethertype of the traffic.', default: 'IPv4', constraints: [{ allowed_values: ['IPv4', 'IPv6'] }] },
  port_range_min: { type: 'integer', description: 'The minimum port number in the range.', constraints: [{ range: { min: 0, max: 65535 } }] },
  port_range_max: { type: 'integer', description: 'The maximum port number in the range.', constraints: [{ range: { min: 0, max: 65535 } }] },
  protocol: { type: 'string', description: 'The protocol that is matched by the security group rule.' },
  remote_mode: { type: 'string', description: 'Whether to specify a remote group or a remote IP prefix.', default: 'remote_ip_prefix', constraints: [{ allowed_values: ['remote_ip_prefix', 'remote_group_id'] }] },
  remote_group_id: { type: 'string', description: 'The remote group ID to be associated with this security group rule.' },
  remote_ip_prefix: { type: 'string', description: 'The remote IP prefix (CIDR) to be associated with this security group rule.' },
} } as const;

async function writeRules(ctx: ResourceContext, sg: string, rules: JsonMap[]): Promise<void> {
  const existing = await ctx.networking.list(ctx.caller, 'security_group_rule', { security_group_id: sg });
  const dropEgress = rules.some((r) => r['direction'] === 'egress');
  for (const r of existing) {
    if (r.direction === 'egress' && !dropEgress) continue;
    await neutronDelete(ctx, 'security_group_rule', String(r.id));
  }
  for (const r of rules) {
    const b: Record<string, unknown> = { security_group_id: sg, direction: r['direction'] ?? 'ingress', ethertype: r['ethertype'] ?? 'IPv4' };
    for (const k of ['port_range_min', 'port_range_max', 'protocol']) if (r[k] !== undefined && r[k] !== null) b[k] = r[k];
    if ((r['remote_mode'] ?? 'remote_ip_prefix') === 'remote_group_id') {
      b['remote_group_id'] = r['remote_group_id'] ? await findId(ctx, 'security_group', String(r['remote_group_id'])) : sg;
    } else if (r['remote_ip_prefix']) b['remote_ip_prefix'] = r['remote_ip_prefix'];
    try {
      await ctx.networking.create(ctx.caller, 'security_group_rule', b);
    } catch (e) {
      if (!(e instanceof ApiError && e.type === 'SecurityGroupRuleExists')) throw e;
    }
  }
}

export const osNeutronSecurityGroup: ResourcePlugin = {
  type: 'OS::Neutron::SecurityGroup',
  description: 'A resource for managing Neutron security groups.',
  properties: {
    name: { type: 'string', description: 'A string specifying a symbolic name for the security group.', update_allowed: true },
    description: { type: 'string', description: 'Description of the security group.', update_allowed: true },
    rules: { type: 'list', description: 'List of security group rules.', default: [], update_allowed: true, schema: { '*': rule } },
  },
  attributes: withShow({}),
  async create(ctx, props) {
    const b: Record<string, unknown> = { name: props['name'] ?? ctx.physicalName };
    if (props['description']) b['description'] = props['description'];
    const sg = String((await ctx.networking.create(ctx.caller, 'security_group', b, ctx.plannedId)).id);
    await writeRules(ctx, sg, (props['rules'] ?? []) as JsonMap[]);
    return sg;
  },
  exists: (ctx, id) => neutronExists(ctx, 'security_group', id),
  async update(ctx, id, props, _prev, changed) {
    const b: Record<string, unknown> = {};
    if (changed.includes('name')) b['name'] = props['name'] ?? ctx.physicalName;
    if (changed.includes('description')) b['description'] = props['description'] ?? '';
    if (Object.keys(b).length) await ctx.networking.update(ctx.caller, 'security_group', id!, b);
    if (changed.includes('rules')) await writeRules(ctx, id!, (props['rules'] ?? []) as JsonMap[]);
  },
  delete: (ctx, id) => neutronDelete(ctx, 'security_group', id),
  resolve: (ctx, id, attr) => neutronAttribute(ctx, 'security_group', id, attr),
};
