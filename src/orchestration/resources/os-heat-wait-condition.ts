// OS::Heat::WaitCondition — a create that completes once its handle has `count` SUCCESS signals,
// and fails on a FAILURE signal or after `timeout` seconds (Heat's wait_condition.py).
import type { Json } from '../template/index.js';
import type { ResourceContext, ResourcePlugin } from './types.js';
import { signalsOf, type WaitSignal } from './os-heat-wait-condition-handle.js';

class WaitFailed extends Error {
  constructor(name: 'WaitConditionFailure' | 'WaitConditionTimeout', message: string) { super(message); this.name = name; }
}

async function signals(ctx: ResourceContext): Promise<Record<string, WaitSignal>> {
  const handle = await ctx.heat.peer(String(ctx.data['handle'] ?? ''));
  return handle ? signalsOf(handle.data) : {};
}

export const osHeatWaitCondition: ResourcePlugin = {
  type: 'OS::Heat::WaitCondition',
  description: 'Resource for handling signals received by WaitConditionHandle.',
  properties: {
    handle: { type: 'string', description: 'A reference to the wait condition handle used to signal this wait condition.', required: true },
    timeout: { type: 'number', description: 'The number of seconds to wait for the correct number of signals to arrive.', required: true, constraints: [{ range: { min: 1, max: 43200 } }] },
    count: { type: 'integer', description: 'The number of success signals that must be received before the stack creation process continues.', default: 1, update_allowed: true, constraints: [{ range: { min: 1 } }] },
  },
  attributes: { data: { description: 'JSON string containing data associated with wait condition signals sent to the handle.', type: 'string' } },
  async create(ctx, props) {
    Object.assign(ctx.data, { handle: props['handle'], timeout: props['timeout'], count: props['count'], started: Date.now() });
    return ctx.plannedId;
  },
  async checkCreate(ctx) {
    const all = Object.values(await signals(ctx));
    const failures = all.filter((s) => s.status === 'FAILURE').map((s) => s.reason);
    if (failures.length) throw new WaitFailed('WaitConditionFailure', failures.join(';'));
    const ok = all.filter((s) => s.status === 'SUCCESS').map((s) => s.reason);
    const count = Number(ctx.data['count'] ?? 1);
    if (ok.length >= count) return true;
    if (Date.now() - Number(ctx.data['started']) > Number(ctx.data['timeout']) * 1000) {
      throw new WaitFailed('WaitConditionTimeout', `${ok.length} of ${count} received${ok.length ? ` - ${ok.join(';')}` : ''}`);
    }
    return false;
  },
  async update(ctx, _id, props) { ctx.data['count'] = props['count']; },
  async delete() {},
  async resolve(ctx, _id, attr) {
    if (attr !== 'data') return null;
    const out: Record<string, Json> = {};
    for (const [id, s] of Object.entries(await signals(ctx))) out[id] = s.data;
    return JSON.stringify(out);
  },
};
