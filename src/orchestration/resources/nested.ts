// The verbs every nested-stack resource shares: the child is created or updated through the
// engine, polled until it settles, and deleted with its parent resource.
import type { JsonMap } from '../template/index.js';
import type { NestedStackInput, ResourceContext, ResourcePlugin } from './types.js';

async function settled(ctx: ResourceContext, id: string | null): Promise<boolean> {
  if (!id) return true;
  const s = await ctx.nested.state(id);
  if (s.state === 'failed') throw new Error(s.reason);
  return s.state === 'done';
}

/** create / checkCreate / update / checkUpdate / delete for a child built by `input`. */
export function nestedVerbs(input: (ctx: ResourceContext, props: JsonMap) => NestedStackInput): Pick<ResourcePlugin, 'create' | 'checkCreate' | 'update' | 'checkUpdate' | 'delete'> {
  return {
    create: (ctx, props) => ctx.nested.apply(input(ctx, props)),
    checkCreate: settled,
    async update(ctx, _id, props) { await ctx.nested.apply(input(ctx, props)); },
    checkUpdate: settled,
    async delete(ctx, id) { if (id) await ctx.nested.delete(id); },
  };
}
