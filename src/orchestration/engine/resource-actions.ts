// One resource's create / update / delete as Heat's action_handler_task runs it: state
// IN_PROGRESS (persisted, with its event), the plugin's verb once, its check until done, then
// COMPLETE — or FAILED with Heat's "<Error>: resources.<name>: <message>" reason.
import { ApiError } from '../../core/errors.js';
import { HeatError, type JsonMap } from '../template/index.js';
import type { ResourceContext, ResourcePlugin } from '../resources/types.js';
import { parseJson, toJson, type Persist, type ResourceRow } from './persist.js';

/** A resource action failed; `message` is the resource's status_reason. */
export class ResourceFailure extends Error {
  constructor(readonly resource: string, readonly action: string, message: string) { super(message); }
}

const STATUS_NAMES: Record<number, string> = { 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict' };

/** Heat's failure text for an exception raised while acting on resource `name`. */
export function failureReason(name: string, err: unknown): string {
  if (err instanceof ResourceFailure) return err.message;
  if (err instanceof HeatError) return `${err.type}: ${err.message.startsWith('resources.') ? err.message : `resources.${name}: ${err.message}`}`;
  const cls = err instanceof ApiError ? STATUS_NAMES[err.status] ?? err.type : err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  return `${cls}: resources.${name}: ${message}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function poll(check: () => Promise<boolean>, stop: () => string | null): Promise<void> {
  let delay = 2;
  while (!(await check())) {
    const why = stop();
    if (why) throw new Error(why);
    await sleep(delay);
    delay = Math.min(delay * 2, 500);
  }
}

export interface ActionEnv {
  readonly persist: Persist;
  readonly plugin: ResourcePlugin;
  readonly ctx: ResourceContext;
  readonly stop: () => string | null;
}

async function saveData(env: ActionEnv, row: ResourceRow): Promise<void> {
  const data = toJson(env.ctx.data);
  if (data !== row.data) await env.persist.saveResource(row, { data });
}

async function fail(env: ActionEnv, row: ResourceRow, action: string, err: unknown): Promise<never> {
  const reason = failureReason(row.name, err);
  await saveData(env, row).catch(() => {});
  await env.persist.resourceState(row, action, 'FAILED', reason);
  throw new ResourceFailure(row.name, action, reason);
}

/** Creates; resumes a create left IN_PROGRESS by a crash (adopting what it had made). */
export async function createResource(env: ActionEnv, row: ResourceRow, props: JsonMap): Promise<void> {
  const { plugin, ctx, persist } = env;
  const resuming = row.action === 'CREATE' && row.status === 'IN_PROGRESS';
  if (!resuming) await persist.resourceState(row, 'CREATE', 'IN_PROGRESS', 'state changed', { properties: toJson(props), data: toJson(ctx.data) });
  try {
    if (resuming && row.physical_id === null && plugin.exists && (await plugin.exists(ctx, ctx.plannedId))) {
      await persist.saveResource(row, { physical_id: ctx.plannedId });
    } else if (!resuming || row.physical_id === null) {
      const id = await plugin.create(ctx, props);
      // With nothing to wait for, the id goes with COMPLETE (a crash before it is covered by
      // the planned id); otherwise it is kept now, for the checks to come.
      if (plugin.checkCreate) await persist.saveResource(row, { physical_id: id, data: toJson(ctx.data) });
      else row.physical_id = id;
    }
    if (plugin.checkCreate) await poll(() => plugin.checkCreate!(ctx, row.physical_id), env.stop);
  } catch (err) {
    return fail(env, row, 'CREATE', err);
  }
  await persist.resourceState(row, 'CREATE', 'COMPLETE', 'state changed', { physical_id: row.physical_id, data: toJson(ctx.data) });
}

/** Updates in place the properties in `changed`. */
export async function updateResource(env: ActionEnv, row: ResourceRow, props: JsonMap, changed: readonly string[]): Promise<void> {
  const { plugin, ctx, persist } = env;
  const previous = parseJson(row.properties);
  await persist.resourceState(row, 'UPDATE', 'IN_PROGRESS', 'state changed');
  try {
    await plugin.update!(ctx, row.physical_id, props, previous, changed);
    if (plugin.checkUpdate) await poll(() => plugin.checkUpdate!(ctx, row.physical_id), env.stop);
  } catch (err) {
    return fail(env, row, 'UPDATE', err);
  }
  await saveData(env, row);
  await persist.resourceState(row, 'UPDATE', 'COMPLETE', 'state changed', { properties: toJson(props) });
}

/** Deletes (Retain: only forgets it). A physical resource already gone is a success. */
export async function deleteResource(env: ActionEnv, row: ResourceRow, retain: boolean): Promise<void> {
  const { plugin, ctx, persist } = env;
  if (row.action === 'DELETE' && row.status === 'COMPLETE') return;
  if (row.action === 'INIT') {
    await persist.resourceState(row, 'DELETE', 'COMPLETE', 'state changed');
    return;
  }
  await persist.resourceState(row, 'DELETE', 'IN_PROGRESS', 'state changed');
  try {
    if (!retain) {
      // A create that crashed before learning its id may still have made the resource.
      const id = row.physical_id ?? (plugin.exists && (await plugin.exists(ctx, ctx.plannedId)) ? ctx.plannedId : null);
      if (id !== null || row.physical_id !== null || !plugin.exists) {
        await withConflictRetry(() => plugin.delete(ctx, id), env.stop);
        if (plugin.checkDelete) await poll(() => plugin.checkDelete!(ctx, id), env.stop);
      }
    }
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) return fail(env, row, 'DELETE', err);
  }
  await saveData(env, row);
  await persist.resourceState(row, 'DELETE', 'COMPLETE', 'state changed');
}

// OpenStack: Neutron deletes can meet a 409 while a dependant is still going away (a port an
// agent holds); Heat retries them. So does Pier, briefly.
async function withConflictRetry(fn: () => Promise<void>, stop: () => string | null): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 409) || attempt >= 20 || stop()) throw err;
      await sleep(50 * (attempt + 1));
    }
  }
}
