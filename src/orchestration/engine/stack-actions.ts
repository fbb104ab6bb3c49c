// Stack suspend, resume and check (Heat's Stack.suspend / resume / check): every resource in
// dependency order (suspend in reverse) goes <ACTION>_IN_PROGRESS → _COMPLETE, child stacks
// with it. A resource without a handler just completes, as in Heat; check asks whether each
// physical resource still exists.
import type { Engine } from './engine.js';
import { traverse } from './graph.js';
import { loadStack } from './loaded.js';
import { currentRows, type ResourceRow } from './persist.js';
import { ResourceFailure, failureReason } from './resource-actions.js';

export type StackAction = 'SUSPEND' | 'RESUME' | 'CHECK';

class NotFound extends Error {
  constructor(message: string) { super(message); this.name = 'NotFound'; }
}

/** Runs `action` over the stack (already marked <ACTION>_IN_PROGRESS, or marked here). */
export async function runStackAction(engine: Engine, id: string, action: StackAction): Promise<void> {
  const { persist } = engine;
  const stack = (await persist.stack(id))!;
  if (stack.action !== action || stack.status !== 'IN_PROGRESS') await persist.stackState(stack, action, 'IN_PROGRESS', `Stack ${action} started`);
  const loaded = await loadStack(engine.specOf(stack), engine.networking, false);
  const rows = currentRows(await persist.resources(id));
  const children = await persist.store.db.selectFrom('heat_stacks').selectAll().where('parent_id', '=', id).where('deleted_at', 'is', null).execute();
  const stop = () => (engine.isClosing ? 'Engine is shutting down' : null);

  const one = async (row: ResourceRow) => {
    const plugin = loaded.plugins.get(row.name);
    if (!plugin) return;
    const child = children.find((c) => c.parent_resource === row.name);
    const ctx = engine.contextFor(loaded, row, id, stack.name);
    if (action === 'CHECK' && !child && !plugin.exists) {
      // OpenStack: nothing to check with; a resource never made stays INIT.
      if (row.action !== 'INIT') await persist.resourceState(row, 'CHECK', 'COMPLETE', `CHECK not supported for ${row.type}`);
      return;
    }
    if (action === 'CHECK' && row.action === 'INIT') {
      await persist.resourceState(row, 'CHECK', 'FAILED', `Can not check ${row.name}, resource not created yet.`);
      throw new ResourceFailure(row.name, action, failureReason(row.name, new Error(`Resource ${row.name} not created yet.`)));
    }
    await persist.resourceState(row, action, 'IN_PROGRESS', 'state changed');
    try {
      if (child) {
        await runStackAction(engine, child.id, action);
        const after = (await persist.stack(child.id))!;
        if (after.status !== 'COMPLETE') throw new Error(after.status_reason);
      } else if (action === 'CHECK' && row.physical_id !== null && !(await plugin.exists!(ctx, row.physical_id))) {
        throw new NotFound(`The resource ${row.physical_id} could not be found.`);
      } else if (action === 'SUSPEND') await plugin.suspend?.(ctx, row.physical_id);
      else if (action === 'RESUME') await plugin.resume?.(ctx, row.physical_id);
    } catch (err) {
      const reason = failureReason(row.name, err);
      await persist.resourceState(row, action, 'FAILED', reason);
      throw new ResourceFailure(row.name, action, reason);
    }
    await persist.resourceState(row, action, 'COMPLETE', 'state changed');
  };

  const error = await traverse(loaded.graph, async (name) => { const r = rows.get(name); if (r) await one(r); }, { reverse: action === 'SUSPEND', limit: 10, stop });
  if (engine.isClosing) return;
  if (error) await persist.stackState(stack, action, 'FAILED', `Resource ${action} failed: ${error.message}`);
  else await persist.stackState(stack, action, 'COMPLETE', `Stack ${action} completed successfully`);
}
