// A template resource: a type that is a template file (directly or through resource_registry)
// becomes a nested stack; its properties are the template's parameters, its attributes the
// template's outputs (Heat's TemplateResource). A template with an output `OS::stack_id` names
// the resource's reference (get_resource, a group's refs) by its value, as Heat's does: a
// nested server's id, say, rather than the nested stack's.
import { createHash } from 'node:crypto';
import { loadYaml, type JsonMap } from '../template/index.js';
import type { PropertySchema, PropertyType, ResourcePlugin } from './types.js';
import { nestedVerbs } from './nested.js';

const REF_OUTPUT = 'OS::stack_id';

const TYPES: Record<string, PropertyType> = { string: 'string', number: 'number', comma_delimited_list: 'list', json: 'map', boolean: 'boolean' };

export function templateResource(type: string, file: string, text: string): ResourcePlugin {
  const doc = (loadYaml(text) ?? {}) as JsonMap;
  const params = (doc['parameters'] ?? {}) as Record<string, JsonMap>;
  const properties: Record<string, PropertySchema> = {};
  for (const [name, p] of Object.entries(params)) {
    // json parameters may be lists too: accept any value there.
    const t = TYPES[String(p['type'])] ?? 'string';
    properties[name] = { type: t === 'map' ? 'any' : t, description: String(p['description'] ?? ''), required: p['default'] === undefined, update_allowed: true };
  }
  const outputs = Object.keys((doc['outputs'] ?? {}) as JsonMap);
  const namesRef = outputs.includes(REF_OUTPUT);
  const digest = createHash('sha256').update(text).digest('hex');
  const verbs = nestedVerbs((ctx, props) => {
    ctx.data['template_digest'] = digest;
    return { template: doc, parameters: props };
  });
  /** Once the child settles, the reference its OS::stack_id output gives is kept for refId (which reads no stack). */
  const settledWithRef = (check: NonNullable<ResourcePlugin['checkCreate']>): NonNullable<ResourcePlugin['checkCreate']> => async (ctx, id) => {
    const done = await check(ctx, id);
    if (done && id && namesRef) ctx.data['ref'] = await ctx.nested.output(id, REF_OUTPUT);
    return done;
  };
  return {
    type, description: `A resource from the template ${file}.`, properties,
    attributes: Object.fromEntries(outputs.map((o) => [o, { description: `The output ${o} of ${file}.` }])),
    dynamicAttributes: true,
    outdated: (data) => data['template_digest'] !== digest,
    ...verbs,
    checkCreate: settledWithRef(verbs.checkCreate!),
    checkUpdate: settledWithRef(verbs.checkUpdate!),
    refId: (ctx, id) => (typeof ctx.data['ref'] === 'string' && ctx.data['ref'] ? ctx.data['ref'] : id),
    async resolve(ctx, id, attr) {
      if (!id) return null;
      if (attr.startsWith('resource.')) {
        const [, res, ...rest] = attr.split('.');
        return ctx.nested.resourceAttribute(id, res!, rest.length ? rest.join('.') : null);
      }
      return ctx.nested.output(id, attr);
    },
  };
}
