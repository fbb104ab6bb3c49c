// The child stacks of a nested-stack resource (ResourceGroup, template resources,
// OS::Heat::Stack), as the plugins see them: created and updated through the engine, with the
// child's id the parent resource's row id (so a resumed parent finds its child).
import { HeatError, Unresolved, type Json } from '../template/index.js';
import type { NestedStacks } from '../resources/types.js';
import type { Engine } from './engine.js';
import { loadStack, type LoadedStack } from './loaded.js';
import { currentRows, type ResourceRow } from './persist.js';

/** Child stacks of a resource (ResourceGroup, template resources, OS::Heat::Stack). */
export function nestedStacks(engine: Engine, loaded: LoadedStack, stackId: string, row: ResourceRow): NestedStacks {
  const loadChild = async (id: string) => {
    const child = await engine.persist.stack(id);
    if (!child) throw new HeatError('StackValidationFailed', `The Stack (${id}) could not be found.`);
    const l = await loadStack(engine.specOf(child), engine.networking, false);
    const rows = currentRows(await engine.persist.resources(id));
    return { child, loaded: l, rows, ev: engine.evaluator(l, rows, child.id, child.name) };
  };
  return {
    async apply(input) {
      const parent = (await engine.persist.stack(stackId))!;
      const existing = await engine.persist.stack(row.id);
      const environment = { ...(input.environment ?? {}), parameters: input.parameters };
      if (!existing || existing.deleted_at) {
        await engine.createStack({
          id: row.id, name: `${parent.name}-${row.name}-${row.id.replace(/-/g, '').slice(0, 12)}`, template: input.template,
          environment, files: input.files ?? loaded.spec.files, owner: loaded.spec.owner, disableRollback: true,
          timeoutMins: input.timeoutMins ?? parent.timeout_mins,
          parent: { id: stackId, resource: row.name, depth: parent.nested_depth + 1, rootId: parent.root_id ?? parent.id },
        });
        return row.id;
      }
      if (existing.status === 'IN_PROGRESS') return row.id; // a resumed parent: the child resumes itself
      await engine.stageUpdate(existing, { template: input.template, environment, files: input.files ?? loaded.spec.files });
      engine.updateStack(row.id);
      return row.id;
    },
    async state(id) {
      const child = await engine.persist.stack(id);
      if (!child) return { state: 'failed', reason: 'nested stack is gone' };
      if (child.status === 'IN_PROGRESS' || engine.busy(id)) return { state: 'busy', reason: '' };
      if (child.status === 'COMPLETE' && child.action !== 'ROLLBACK') return { state: 'done', reason: '' };
      return { state: 'failed', reason: child.status_reason };
    },
    async delete(id) {
      const child = await engine.persist.stack(id);
      if (!child || child.deleted_at) return;
      await (engine.running.get(id) ?? Promise.resolve());
      await engine.runDelete(id, 'DELETE');
      const after = await engine.persist.stack(id);
      if (!after?.deleted_at) throw new Error(after?.status_reason ?? 'nested stack delete failed');
    },
    async output(id, name) {
      const { ev, loaded: l } = await loadChild(id);
      if (!(name in l.template.outputs)) return null;
      return (await ev.output(name)).value;
    },
    async resourceIds(id) {
      const { rows, ev } = await loadChild(id);
      const ctx = ev.context();
      const out: Record<string, string | null> = {};
      for (const name of rows.keys()) { const v = ctx.resourceId(name); out[name] = typeof v === 'string' ? v : null; }
      return out;
    },
    async resourceAttribute(id, resource, attribute) {
      const { ev } = await loadChild(id);
      await ev.prefetch([{ resource, attribute, key: resource }]);
      const v = ev.context().attribute(resource, attribute);
      return v instanceof Unresolved ? null : (v as Json);
    },
  };
}
