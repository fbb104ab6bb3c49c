// A stack update (Heat's legacy update.py): walk the new template in dependency order; a new
// resource is created, a changed one updated in place when every changed property allows it,
// otherwise replaced (the replacement made first, dependants repointed, the old one deleted at
// the end with the resources the new template dropped); unchanged ones are left alone.
import type { JsonMap } from '../template/index.js';
import { changedProperties } from '../resources/properties.js';
import type { ResourcePlugin } from '../resources/types.js';
import type { Engine } from './engine.js';
import { traverse } from './graph.js';
import { loadStack, type LoadedStack } from './loaded.js';
import { currentRows, newResourceRow, parseJson, type ResourceRow, type StackRow } from './persist.js';
import { createResource, deleteResource, failureReason, updateResource } from './resource-actions.js';

export type Plan = { readonly kind: 'create' | 'unchanged' | 'replace' } | { readonly kind: 'update'; readonly changed: readonly string[] };

/** What an update does to one resource. */
export function planFor(old: ResourceRow | undefined, type: string, plugin: ResourcePlugin, props: JsonMap): Plan {
  if (!old || old.action === 'INIT' || old.action === 'DELETE' || (old.action === 'CREATE' && old.status !== 'COMPLETE')) return { kind: 'create' };
  // OpenStack: a resource marked unhealthy (CHECK_FAILED) is replaced by the next update.
  if (old.type !== type || (old.action === 'CHECK' && old.status === 'FAILED')) return { kind: 'replace' };
  const previous = parseJson(old.properties);
  const changed = changedProperties(previous, props);
  if (!changed.length && old.status === 'COMPLETE') {
    return plugin.outdated?.(parseJson(old.data)) && plugin.update ? { kind: 'update', changed } : { kind: 'unchanged' };
  }
  if (!plugin.update || plugin.replaceOnUpdate?.(props, previous)) return { kind: 'replace' };
  if (changed.some((k) => !plugin.properties[k]?.update_allowed && !(plugin.openProperties && !(k in plugin.properties)))) return { kind: 'replace' };
  return { kind: 'update', changed };
}

/** The previous definition of a stack being updated (for deleting what it drops). */
export async function previousOf(engine: Engine, stack: StackRow): Promise<LoadedStack | null> {
  if (!stack.previous) return null;
  const p = parseJson<{ template: JsonMap; environment: JsonMap; files: Record<string, string> }>(stack.previous);
  return loadStack({ ...engine.specOf(stack), template: p.template, environment: p.environment, files: p.files }, engine.networking, false).catch(() => null);
}

/**
 * Walks the stack's (new) template. ROLLBACK is the same walk back to the template a failed
 * update started from, restoring the resources it had replaced rather than making them again.
 */
export async function runUpdate(engine: Engine, id: string, action: 'UPDATE' | 'ROLLBACK' = 'UPDATE'): Promise<void> {
  const { persist } = engine;
  const stack = (await persist.stack(id))!;
  const loaded = await loadStack(engine.specOf(stack), engine.networking, false);
  const all = await persist.resources(id);
  const rows = currentRows(all);
  const backups = new Map(all.filter((r) => r.replaced_by !== null).map((r) => [r.replaced_by!, r]));
  const ev = engine.evaluator(loaded, rows, id, stack.name);
  const stop = engine.stopper(stack);
  const replaced: ResourceRow[] = [];
  const error = await traverse(loaded.graph, async (name) => {
    const plugin = loaded.plugins.get(name)!;
    const type = loaded.template.resources[name]!.type;
    const old = rows.get(name);
    let props: JsonMap;
    try {
      props = await ev.properties(name);
    } catch (err) {
      const reason = failureReason(name, err);
      if (old) await persist.resourceState(old, 'UPDATE', 'FAILED', reason);
      throw new Error(reason);
    }
    const backup = old && action === 'ROLLBACK' ? backups.get(old.id) : undefined;
    if (old && backup && backup.status === 'COMPLETE' && !changedProperties(parseJson(backup.properties), props).length) {
      await persist.saveResource(backup, { replaced_by: null });
      await persist.saveResource(old, { replaced_by: backup.id });
      replaced.push(old);
      rows.set(name, backup);
      return;
    }
    const plan = planFor(old, type, plugin, props);
    if (plan.kind === 'unchanged') return;
    const envFor = (row: ResourceRow) => ({ persist, plugin, ctx: engine.contextFor(loaded, row, id, stack.name), stop });
    if (plan.kind === 'update') return updateResource(envFor(old!), old!, props, plan.changed);
    const row = old && old.action === 'INIT' ? old : newResourceRow(id, name, type);
    if (row !== old) await persist.insertResource(row);
    // What it replaces (or a failed attempt at it) goes at the end, with what it made, if anything.
    if (old && row !== old) {
      await persist.saveResource(old, { replaced_by: row.id });
      replaced.push(old);
    }
    rows.set(name, row);
    await createResource(envFor(row), row, props);
  }, { limit: 10, stop });
  if (error) {
    const cancelled = engine.cancelledWithRollback(id);
    const reason = cancelled !== undefined ? `Stack ${action} cancelled` : `Resource ${action === 'ROLLBACK' ? 'ROLLBACK' : 'UPDATE'} failed: ${error.message}`;
    // OpenStack: a failed update rolls back to the previous template unless disable_rollback;
    // cancel_update always does, cancel_without_rollback never.
    const rollback = cancelled ?? !stack.disable_rollback;
    if (action === 'UPDATE' && rollback && stack.previous && !engine.isClosing) {
      await engine.stageRollback(stack, { action, status: 'FAILED', reason });
      await runUpdate(engine, id, 'ROLLBACK');
    } else await persist.stackState(stack, action, 'FAILED', reason);
    return;
  }
  // Cleanup: replaced resources, then those the new template dropped (in the old order, reversed).
  const previous = await previousOf(engine, stack);
  const removeRow = async (row: ResourceRow, plugin: ResourcePlugin | undefined, from: LoadedStack) => {
    if (plugin) await deleteResource({ persist, plugin, ctx: engine.contextFor(from, row, id, stack.name), stop }, row, false);
    await persist.deleteResourceRow(row.id);
  };
  try {
    // Replacements were made in dependency order; the old ones go in reverse (an old router
    // interface before the old subnet it sits on).
    for (const row of [...replaced].reverse()) await removeRow(row, (previous ?? loaded).plugins.get(row.name), previous ?? loaded);
    const dropped = [...rows.values()].filter((r) => !loaded.graph.has(r.name));
    if (dropped.length && previous) {
      const byName = new Map(dropped.map((r) => [r.name, r]));
      const graph = new Map([...previous.graph].filter(([k]) => byName.has(k)));
      const err = await traverse(graph, async (n) => removeRow(byName.get(n)!, previous.plugins.get(n), previous), { reverse: true, stop });
      if (err) throw err;
    } else for (const r of dropped) await removeRow(r, undefined, loaded);
  } catch (err) {
    await persist.stackState(stack, action, 'FAILED', `Resource DELETE failed: ${(err as Error).message}`);
    return;
  }
  await persist.stackState(stack, action, 'COMPLETE', `Stack ${action} completed successfully`, { previous: null });
}
