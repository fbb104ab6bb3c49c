// OS::Heat::None — does nothing, accepts any properties (a placeholder in resource_registry).
import type { ResourcePlugin } from './types.js';

export const osHeatNone: ResourcePlugin = {
  type: 'OS::Heat::None',
  description: 'Enables easily disabling certain resources via the resource_registry.',
  properties: {},
  attributes: {},
  openProperties: true,
  async create(ctx) { return ctx.plannedId; },
  async update() {},
  async delete() {},
  async resolve() { return null; },
};
