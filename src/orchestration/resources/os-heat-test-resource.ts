// OS::Heat::TestResource — waits, succeeds or fails on demand (Heat's testing resource): what
// failure, rollback and update tests build on.
import type { ResourceContext, ResourcePlugin } from './types.js';

class TestResourceFailed extends Error {
  constructor(name: string) { super(`Test Resource failed ${name}`); this.name = 'ValueError'; }
}

function waited(ctx: ResourceContext, secs: unknown): boolean {
  const started = Number(ctx.data['started'] ?? 0);
  return Date.now() - started >= Number(secs ?? 0) * 1000;
}

const actionSecs = (ctx: ResourceContext, action: string) =>
  ((ctx.data['action_wait_secs'] ?? {}) as Record<string, number>)[action] ?? ctx.data['wait_secs'] ?? 0;

export const osHeatTestResource: ResourcePlugin = {
  type: 'OS::Heat::TestResource',
  description: 'A resource which stores the string value that was provided.',
  properties: {
    value: { type: 'string', description: 'The input string to be stored.', default: 'test_string', update_allowed: true },
    fail: { type: 'boolean', description: 'Value which can be set to fail the resource operation to test failure scenarios.', default: false, update_allowed: true },
    update_replace: { type: 'boolean', description: 'Value which can be set to trigger update replace for the particular resource.', default: false, update_allowed: true },
    wait_secs: { type: 'number', description: 'Seconds to wait after an action (-1 is infinite).', default: 0, update_allowed: true },
    action_wait_secs: { type: 'map', description: 'Options for simulating waiting.', update_allowed: true, schema: {
      create: { type: 'number', description: 'Seconds to wait after a create.' },
      update: { type: 'number', description: 'Seconds to wait after an update.' },
      delete: { type: 'number', description: 'Seconds to wait after a delete.' },
    } },
    attr_wait_secs: { type: 'number', description: 'Number value for timeout during resolving output value.', default: 0, update_allowed: true },
  },
  attributes: { output: { description: 'The string that was stored. This value is also available by referencing the resource.', type: 'string' } },
  async create(ctx, props) {
    Object.assign(ctx.data, { value: props['value'], fail: props['fail'], wait_secs: props['wait_secs'], action_wait_secs: props['action_wait_secs'] ?? {}, started: Date.now() });
    return ctx.plannedId;
  },
  async checkCreate(ctx) {
    if (!waited(ctx, actionSecs(ctx, 'create'))) return false;
    if (ctx.data['fail']) throw new TestResourceFailed(ctx.resourceName);
    return true;
  },
  replaceOnUpdate: (props) => props['update_replace'] === true,
  async update(ctx, _id, props) {
    Object.assign(ctx.data, { value: props['value'], fail: props['fail'], wait_secs: props['wait_secs'], action_wait_secs: props['action_wait_secs'] ?? {}, started: Date.now() });
  },
  async checkUpdate(ctx) {
    if (!waited(ctx, actionSecs(ctx, 'update'))) return false;
    if (ctx.data['fail']) throw new TestResourceFailed(ctx.resourceName);
    return true;
  },
  async delete(ctx) { ctx.data['started'] = Date.now(); },
  async checkDelete(ctx) { return waited(ctx, actionSecs(ctx, 'delete')); },
  refId: (ctx) => (typeof ctx.data['value'] === 'string' ? ctx.data['value'] : null),
  async resolve(ctx, _id, attr) { return attr === 'output' ? (ctx.data['value'] ?? null) : null; },
};
