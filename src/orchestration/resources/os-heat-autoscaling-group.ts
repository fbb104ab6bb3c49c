// OS::Heat::AutoScalingGroup — a nested stack of identical members (Heat's autoscaling_group.py)
// sized by min_size / max_size / desired_capacity, resized by signals from its scaling policies
// (adjustment, adjustment_type, min_adjustment_step); scaling down removes the oldest first.
import { randomBytes } from 'node:crypto';
import type { Json, JsonMap } from '../template/index.js';
import { NoActionRequired, type ResourceContext, type ResourcePlugin } from './types.js';
import { nestedVerbs } from './nested.js';

export const ADJUSTMENT_TYPES = ['change_in_capacity', 'exact_capacity', 'percent_change_in_capacity'];

/** Heat's new capacity for an adjustment, within [lower, upper]. */
export function newCapacity(current: number, adjustment: number, type: string, minStep: number | null, lower: number, upper: number): number {
  let next: number;
  if (type === 'change_in_capacity') next = current + adjustment;
  else if (type === 'exact_capacity') next = adjustment;
  else {
    // OpenStack: a percentage under one member still moves one; otherwise it rounds toward zero.
    const delta = (current * adjustment) / 100;
    let rounded = Math.abs(delta) < 1 ? (delta > 0 ? Math.ceil(delta) : Math.floor(delta)) : Math.trunc(delta);
    if (minStep !== null && minStep > Math.abs(rounded)) rounded = rounded > 0 ? minStep : -minStep;
    next = current + rounded;
  }
  return Math.min(upper, Math.max(lower, next));
}

/** The member names for `size`: the newest kept, new ones added with Heat-style short ids. */
function resize(ctx: ResourceContext, size: number): string[] {
  const names = [...((ctx.data['members'] ?? []) as string[])];
  while (names.length > size) names.shift();
  while (names.length < size) names.push(randomBytes(6).toString('hex'));
  ctx.data['members'] = names;
  return names;
}

function childTemplate(ctx: ResourceContext): JsonMap {
  const def = (ctx.data['resource'] ?? {}) as JsonMap;
  const resources: JsonMap = {};
  for (const name of (ctx.data['members'] ?? []) as string[]) resources[name] = def;
  return { heat_template_version: '2015-04-30', resources };
}

/** Saves what a signal needs (it has no properties), and the size an action should reach. */
function remember(ctx: ResourceContext, props: JsonMap, creating: boolean): void {
  const min = Number(props['min_size']);
  const max = Number(props['max_size']);
  const current = ((ctx.data['members'] ?? []) as string[]).length;
  const desired = props['desired_capacity'] ?? null;
  const size = desired !== null ? Number(desired) : creating ? min : Math.min(max, Math.max(min, current));
  Object.assign(ctx.data, { resource: props['resource'], min_size: min, max_size: max, cooldown: props['cooldown'] ?? null });
  resize(ctx, size);
}

const verbs = nestedVerbs((ctx) => ({ template: childTemplate(ctx), parameters: {} }));

const num = (v: Json | undefined) => (typeof v === 'number' ? v : null);

export const osHeatAutoScalingGroup: ResourcePlugin = {
  type: 'OS::Heat::AutoScalingGroup',
  description: 'An autoscaling group that can scale arbitrary resources.',
  properties: {
    resource: { type: 'map', description: 'Resource definition for the resources in the group, in HOT format.', required: true, update_allowed: true },
    max_size: { type: 'integer', description: 'Maximum number of resources in the group.', required: true, update_allowed: true, constraints: [{ range: { min: 0 } }] },
    min_size: { type: 'integer', description: 'Minimum number of resources in the group.', required: true, update_allowed: true, constraints: [{ range: { min: 0 } }] },
    cooldown: { type: 'integer', description: 'Cooldown period, in seconds.', update_allowed: true },
    desired_capacity: { type: 'integer', description: 'Desired initial number of resources.', update_allowed: true },
    rolling_updates: { type: 'map', description: 'Policy for rolling updates for this scaling group.', update_allowed: true, default: { min_in_service: 0, max_batch_size: 1, pause_time: 0 } },
  },
  attributes: {
    outputs: { description: 'A map of resource names to the specified attribute of each individual resource that is part of the AutoScalingGroup.', type: 'map' },
    outputs_list: { description: 'A list of the specified attribute of each individual resource that is part of the AutoScalingGroup.', type: 'list' },
    current_size: { description: 'The current size of AutoscalingResourceGroup.', type: 'integer' },
    refs: { description: 'A list of resource IDs for the resources in the group.', type: 'list' },
    refs_map: { description: 'A map of resource names to IDs for the resources in the group.', type: 'map' },
  },
  members(props) {
    const def = (props['resource'] ?? {}) as JsonMap;
    return typeof def['type'] === 'string' ? [{ type: def['type'], properties: (def['properties'] ?? {}) as JsonMap, property: 'resource' }] : [];
  },
  validate(props) {
    const [min, max, desired] = [num(props['min_size']), num(props['max_size']), num(props['desired_capacity'])];
    if (min !== null && max !== null && min > max) return 'min_size can not be greater than max_size';
    if (desired !== null && ((min !== null && desired < min) || (max !== null && desired > max))) return 'desired_capacity must be between min_size and max_size';
    return null;
  },
  create(ctx, props) { remember(ctx, props, true); return verbs.create(ctx, props); },
  checkCreate: verbs.checkCreate,
  update(ctx, id, props, previous, changed) { remember(ctx, props, false); return verbs.update!(ctx, id, props, previous, changed); },
  checkUpdate: verbs.checkUpdate,
  delete: verbs.delete,
  async signal(ctx, id, details) {
    const d = (details ?? {}) as JsonMap;
    const adjustment = Number(d['adjustment']);
    const type = String(d['adjustment_type'] ?? 'change_in_capacity');
    if (!Number.isFinite(adjustment) || !ADJUSTMENT_TYPES.includes(type)) throw Object.assign(new Error('Malformed scaling signal: adjustment and adjustment_type are required'), { name: 'ValueError' });
    const current = ((ctx.data['members'] ?? []) as string[]).length;
    const step = d['min_adjustment_step'] === undefined || d['min_adjustment_step'] === null ? null : Number(d['min_adjustment_step']);
    const next = newCapacity(current, adjustment, type, step, Number(ctx.data['min_size']), Number(ctx.data['max_size']));
    if (next === current) throw new NoActionRequired(`No change in capacity from ${current}`);
    // OpenStack: no scaling while a resize runs or within the cooldown after one.
    if (id && (await ctx.nested.state(id)).state === 'busy') throw new NoActionRequired('Scaling in progress');
    if (Number(ctx.data['cooldown_end'] ?? 0) > Date.now()) throw new NoActionRequired('Cooldown');
    resize(ctx, next);
    const cooldown = d['cooldown'] ?? ctx.data['cooldown'] ?? 0;
    ctx.data['cooldown_end'] = Date.now() + Number(cooldown) * 1000;
    await ctx.nested.apply({ template: childTemplate(ctx), parameters: {} });
    return `resizing the group from ${current} to ${next}`;
  },
  async resolve(ctx, id, attr) {
    if (!id) return null;
    const names = (ctx.data['members'] ?? []) as string[];
    if (attr === 'current_size') return names.length;
    if (attr === 'refs' || attr === 'refs_map') {
      const ids = await ctx.nested.resourceIds(id);
      return attr === 'refs' ? names.map((n) => ids[n] ?? null) : Object.fromEntries(names.map((n) => [n, ids[n] ?? null]));
    }
    if (attr !== 'outputs' && attr !== 'outputs_list') return null;
    // get_attr [group, outputs, a] is each member's attribute a: the value is keyed by attribute.
    const each = await Promise.all(names.map(async (n) => [n, ((await ctx.nested.resourceAttribute(id, n, null)) ?? {}) as JsonMap] as const));
    const out: Record<string, Json> = {};
    for (const [n, attrs] of each) {
      for (const [a, v] of Object.entries(attrs)) {
        if (attr === 'outputs') ((out[a] ??= {}) as JsonMap)[n] = v;
        else ((out[a] ??= []) as Json[]).push(v);
      }
    }
    return out;
  },
};
