// A template resource: a type that is a template file (directly or through resource_registry)
// becomes a nested stack; its properties are the template's parameters, its attributes the
// template's outputs (Heat's TemplateResource).
import { createHash } from 'node:crypto';
import { loadYaml, type JsonMap } from '../template/index.js';
import type { PropertySchema, PropertyType, ResourcePlugin } from './types.js';
import { nestedVerbs } from './nested.js';

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
  const digest = createHash('sha256').update(text).digest('hex');
  const verbs = nestedVerbs((ctx, props) => {
    ctx.data['template_digest'] = digest;
    return { template: doc, parameters: props };
  });
  return {
    type, description: `A resource from the template ${file}.`, properties,
    attributes: Object.fromEntries(outputs.map((o) => [o, { description: `The output ${o} of ${file}.` }])),
    dynamicAttributes: true,
    outdated: (data) => data['template_digest'] !== digest,
    ...verbs,
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
