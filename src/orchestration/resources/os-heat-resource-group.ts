// OS::Heat::ResourceGroup — `count` copies of resource_def as a nested stack of resources named
// "0", "1", …, with index_var replaced by each index and removal_policies naming members to drop
// by name or by physical id, as `refs` gives them (Heat's resource_group.py). get_attr on the group gives each member's attribute as a list.
import type { Json, JsonMap } from '../template/index.js';
import type { ResourceContext, ResourcePlugin } from './types.js';
import { nestedVerbs } from './nested.js';

function substitute(v: Json, indexVar: string, index: number): Json {
  if (typeof v === 'string') return v.split(indexVar).join(String(index));
  if (Array.isArray(v)) return v.map((x) => substitute(x, indexVar, index));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, indexVar, index)]));
  return v;
}

/** Member names, skipping those removal_policies removed (now and before). */
async function members(ctx: ResourceContext, props: JsonMap, nestedId: string | null): Promise<string[]> {
  const removed = new Set((ctx.data['removed'] ?? []) as string[]);
  const listed = ((props['removal_policies'] ?? []) as JsonMap[]).flatMap((p) => ((p['resource_list'] ?? []) as Json[]).map(String));
  const byRef = listed.length && nestedId ? await ctx.nested.resourceIds(nestedId) : {};
  const nameOf = new Map(Object.entries(byRef).filter(([, ref]) => ref).map(([n, ref]) => [ref!, n]));
  for (const r of listed) removed.add(nameOf.get(r) ?? r);
  ctx.data['removed'] = [...removed];
  const out: string[] = [];
  for (let i = 0; out.length < Number(props['count'] ?? 1); i++) if (!removed.has(String(i))) out.push(String(i));
  return out;
}

async function childTemplate(ctx: ResourceContext, props: JsonMap, nestedId: string | null): Promise<JsonMap> {
  const def = (props['resource_def'] ?? {}) as JsonMap;
  const indexVar = String(props['index_var'] ?? '%index%');
  const resources: JsonMap = {};
  for (const name of await members(ctx, props, nestedId)) {
    const i = Number(name);
    resources[name] = {
      type: def['type'] ?? null,
      ...(def['properties'] ? { properties: substitute(def['properties'], indexVar, i) } : {}),
      ...(def['metadata'] ? { metadata: substitute(def['metadata'], indexVar, i) } : {}),
    };
  }
  ctx.data['members'] = Object.keys(resources);
  return { heat_template_version: '2015-04-30', resources };
}

export const osHeatResourceGroup: ResourcePlugin = {
  type: 'OS::Heat::ResourceGroup',
  description: 'Creates one or more identically configured nested resources.',
  properties: {
    count: { type: 'integer', description: 'The number of resources to create.', default: 1, update_allowed: true, constraints: [{ range: { min: 0 } }] },
    index_var: { type: 'string', description: 'A variable that this resource will use to replace with the current index of a given resource in the group.', default: '%index%', update_allowed: true },
    resource_def: { type: 'map', description: 'Resource definition for the resources in the group.', required: true, update_allowed: true, schema: {
      type: { type: 'string', description: 'The type of the resources in the group.', required: true },
      properties: { type: 'map', description: 'Property values for the resources in the group.' },
      metadata: { type: 'map', description: 'Supplied metadata for the resources in the group.' },
    } },
    removal_policies: { type: 'list', description: 'Policies for removal of resources on update.', default: [], update_allowed: true },
    removal_policies_mode: { type: 'string', description: 'How to handle changes to removal_policies on update.', default: 'append', update_allowed: true, constraints: [{ allowed_values: ['append', 'update'] }] },
  },
  attributes: {
    refs: { description: 'A list of resource IDs for the resources in the group.', type: 'list' },
    refs_map: { description: 'A map of resource names to IDs for the resources in the group.', type: 'map' },
    removed_rsrc_list: { description: 'A list of removed resource names.', type: 'list' },
    attributes: { description: 'A map of resource names to the specified attribute of each individual resource.', type: 'map' },
  },
  dynamicAttributes: true,
  members(props) {
    const def = (props['resource_def'] ?? {}) as JsonMap;
    return typeof def['type'] === 'string' ? [{ type: def['type'], properties: (def['properties'] ?? {}) as JsonMap }] : [];
  },
  ...nestedVerbs(async (ctx, props, id) => ({ template: await childTemplate(ctx, props, id ?? null), parameters: {} })),
  async resolve(ctx, id, attr) {
    if (!id) return null;
    const names = (ctx.data['members'] ?? []) as string[];
    if (attr === 'refs' || attr === 'refs_map') {
      const ids = await ctx.nested.resourceIds(id);
      return attr === 'refs' ? names.map((n) => ids[n] ?? null) : Object.fromEntries(names.map((n) => [n, ids[n] ?? null]));
    }
    if (attr === 'removed_rsrc_list') return (ctx.data['removed'] ?? []) as Json;
    if (attr.startsWith('resource.')) {
      const [, n, ...rest] = attr.split('.');
      if (!rest.length) return ctx.nested.resourceAttribute(id, n!, null);
      return ctx.nested.resourceAttribute(id, n!, rest.join('.'));
    }
    return Promise.all(names.map((n) => ctx.nested.resourceAttribute(id, n, attr)));
  },
};
