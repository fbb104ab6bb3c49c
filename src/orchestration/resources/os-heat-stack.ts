// OS::Heat::Stack — a stack made from an inline template, run here as a nested stack.
import { parseTemplate, type JsonMap } from '../template/index.js';
import type { ResourcePlugin } from './types.js';
import { nestedVerbs } from './nested.js';

export const osHeatStack: ResourcePlugin = {
  type: 'OS::Heat::Stack',
  description: 'A resource for managing stacks.',
  properties: {
    context: { type: 'map', description: 'Context for this stack.' },
    template: { type: 'string', description: 'Template that specifies the stack to be created as a resource.', required: true, update_allowed: true },
    timeout: { type: 'integer', description: 'Number of minutes to wait for this stack creation.', update_allowed: true },
    parameters: { type: 'map', description: 'Set of parameters passed to this stack.', default: {}, update_allowed: true },
  },
  attributes: {
    stack_name: { description: 'Name of the stack.', type: 'string' },
    outputs: { description: 'A dict of key-value pairs output from the stack.', type: 'map' },
  },
  dynamicAttributes: true,
  ...nestedVerbs((_ctx, props) => ({
    template: parseTemplate(String(props['template'])), parameters: (props['parameters'] ?? {}) as JsonMap,
    timeoutMins: (props['timeout'] as number | undefined) ?? null,
  })),
  async resolve(ctx, id, attr) {
    if (!id) return null;
    if (attr === 'stack_name') return ctx.physicalName;
    if (attr === 'outputs') return null;
    return ctx.nested.output(id, attr);
  },
};
