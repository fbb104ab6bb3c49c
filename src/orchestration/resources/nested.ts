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

/** create / checkCreate / update / checkUpdate / delete for a child built by `input` (given the child's id on update). */
export function nestedVerbs(input: (ctx: ResourceContext, props: JsonMap, id?: string | null) => NestedStackInput | Promise<NestedStackInput>): Pick<ResourcePlugin, 'create' | 'checkCreate' | 'update' | 'checkUpdate' | 'delete'> {
  return {
    create: async (ctx, props) => ctx.nested.apply(await input(ctx, props)),
    checkCreate: settled,
    async update(ctx, id, props) { await ctx.nested.apply(await input(ctx, props, id)); },
    checkUpdate: settled,
    async delete(ctx, id) { if (id) await ctx.nested.delete(id); },
  };
}
