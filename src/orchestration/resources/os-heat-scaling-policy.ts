// OS::Heat::ScalingPolicy — signalled (by an alarm or by hand), it adjusts its group by
// change_in_capacity / exact_capacity / percent_change_in_capacity, after which the group rests
// for the policy's `cooldown` seconds (Heat's scaling_policy.py); signal_url takes the signals.
import type { JsonMap } from '../template/index.js';
import type { ResourcePlugin } from './types.js';
import { ADJUSTMENT_TYPES } from './os-heat-autoscaling-group.js';

const KEEP = ['auto_scaling_group_id', 'adjustment_type', 'scaling_adjustment', 'cooldown', 'min_adjustment_step'];

function keep(data: JsonMap, props: JsonMap): void {
  for (const k of KEEP) data[k] = props[k] ?? null;
}

export const osHeatScalingPolicy: ResourcePlugin = {
  type: 'OS::Heat::ScalingPolicy',
  description: 'A resource to manage scaling of OS::Heat::AutoScalingGroup.',
  properties: {
    auto_scaling_group_id: { type: 'string', description: 'AutoScaling group ID to apply policy to.', required: true },
    adjustment_type: { type: 'string', description: 'Type of adjustment (absolute or percentage).', required: true, update_allowed: true, constraints: [{ allowed_values: ADJUSTMENT_TYPES }] },
    scaling_adjustment: { type: 'number', description: 'Size of adjustment.', required: true, update_allowed: true },
    cooldown: { type: 'number', description: 'Cooldown period, in seconds.', update_allowed: true },
    min_adjustment_step: { type: 'integer', description: 'Minimum number of resources that are added or removed when the AutoScaling group scales up or down.', update_allowed: true, constraints: [{ range: { min: 0 } }] },
  },
  attributes: {
    alarm_url: { description: "A signed url to handle the alarm.", type: 'string' },
    signal_url: { description: 'A url to handle the alarm using native API.', type: 'string' },
  },
  async create(ctx, props) { keep(ctx.data, props); return ctx.plannedId; },
  async update(ctx, _id, props) { keep(ctx.data, props); },
  async delete() {},
  // OpenStack: any signal scales, whatever alarm state it reports (the template author chose
  // which alarm actions call the policy); the group judges its cooldown.
  async signal(ctx) {
    const group = String(ctx.data['auto_scaling_group_id']);
    if (!(await ctx.heat.peer(group))) throw Object.assign(new Error(`Alarm ${ctx.resourceName} could not find scaling group named "${group}"`), { name: 'NotFound' });
    await ctx.heat.signal(group, {
      adjustment: ctx.data['scaling_adjustment'] ?? 0, adjustment_type: ctx.data['adjustment_type'] ?? null,
      min_adjustment_step: ctx.data['min_adjustment_step'] ?? null, cooldown: ctx.data['cooldown'] ?? null,
    });
    return null;
  },
  async resolve(ctx, _id, attr) {
    return attr === 'alarm_url' || attr === 'signal_url' ? `${ctx.heat.url()}/signal` : null;
  },
};
