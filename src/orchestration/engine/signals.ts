// Resource signals: what a plugin's context offers for them (its signal URL, an owner token, the
// stack's other resources) and their dispatch — POST …/signal or one resource signalling another
// (a scaling policy its group) — to the plugin's handler, with Heat's SIGNAL event.
import { ApiError, NotFound } from '../../core/errors.js';
import { HeatBadRequest } from '../errors.js';
import type { Json } from '../template/index.js';
import { NoActionRequired, type ResourceHeat } from '../resources/types.js';
import type { Engine } from './engine.js';
import { loadStack, type LoadedStack } from './loaded.js';
import { currentRows, parseJson, toJson, type ResourceRow, type StackRow } from './persist.js';

/** The stack's current resource with this reference (physical) id, or this name. */
async function findPeer(engine: Engine, stackId: string, ref: string): Promise<ResourceRow | undefined> {
  const rows = [...currentRows(await engine.persist.resources(stackId)).values()];
  return rows.find((r) => r.physical_id === ref) ?? rows.find((r) => r.name === ref);
}

export function resourceHeat(engine: Engine, loaded: LoadedStack, stackId: string, stackName: string, resourceName: string): ResourceHeat {
  const owner = loaded.spec.owner;
  return {
    url: () => `${engine.hooks.publicUrl()}/orchestration/v1/${owner.projectId}/stacks/${stackName}/${stackId}/resources/${resourceName}`,
    issueToken: () => engine.hooks.serviceToken(owner.userId, owner.projectId),
    async peer(ref) {
      const r = await findPeer(engine, stackId, ref);
      return r ? { name: r.name, type: r.type, data: parseJson(r.data) } : null;
    },
    async signal(ref, details) {
      const r = await findPeer(engine, stackId, ref);
      const s = await engine.persist.stack(stackId);
      if (!r || !s) throw new HeatBadRequest(`The Resource (${ref}) could not be found.`, 'ResourceNotFound');
      await signalResource(engine, s, r, details, true);
    },
  };
}

/** Signals per resource in this process, chained: each reads the data the one before wrote. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Hands `details` to the resource's signal handler and records it (data, SIGNAL event). Refused
 * as Heat refuses: a type without a handler, or a resource not created yet, suspended or deleted.
 * `fromResource`: sent by another resource (a policy to its group), to which NoActionRequired goes.
 */
export function signalResource(engine: Engine, s: StackRow, row: ResourceRow, details: Json, fromResource = false): Promise<void> {
  const previous = queues.get(row.id) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(() => deliver(engine, s, row.id, details, fromResource));
  queues.set(row.id, next);
  void next.catch(() => {}).finally(() => { if (queues.get(row.id) === next) queues.delete(row.id); });
  return next;
}

async function deliver(engine: Engine, s: StackRow, rowId: string, details: Json, fromResource: boolean): Promise<void> {
  const row = await engine.persist.store.db.selectFrom('heat_resources').selectAll().where('id', '=', rowId).executeTakeFirstOrThrow();
  const loaded = await loadStack(engine.specOf(s), engine.networking, false);
  const plugin = loaded.plugins.get(row.name);
  if (row.action === 'INIT') throw new NotFound(`The Resource (${row.name}) is not available.`, 'ResourceNotAvailable');
  if (row.action === 'SUSPEND' || row.action === 'DELETE') {
    await engine.persist.resourceEvent(row, row.action, row.status, `Cannot signal resource during ${row.action}`);
    throw new HeatBadRequest(`Signal resource during ${row.action} is not supported.`, 'NotSupported');
  }
  if (!plugin?.signal) throw new HeatBadRequest('signal is not supported for resource.', 'ResourceActionNotSupported');
  const ctx = engine.contextFor(loaded, row, s.id, s.name);
  // With no work on the stack here, the store is the truth (another process may have written).
  if (!engine.busy(s.id)) {
    for (const k of Object.keys(ctx.data)) delete ctx.data[k];
    Object.assign(ctx.data, parseJson(row.data));
  }
  let result: string | null;
  try {
    result = await plugin.signal(ctx, row.physical_id, details);
  } catch (err) {
    if (err instanceof NoActionRequired) {
      await engine.persist.saveResource(row, { data: toJson(ctx.data) });
      // A resource signalling another learns it did nothing (and writes no event either).
      if (fromResource) throw err;
      return;
    }
    if (err instanceof ApiError) throw err;
    throw new HeatBadRequest(err instanceof Error ? err.message : String(err), err instanceof Error ? err.name : 'Error');
  }
  await engine.persist.saveResource(row, { data: toJson(ctx.data), ...(plugin.signalMetadata ? { metadata: toJson(plugin.signalMetadata(ctx) ?? {}) } : {}) });
  // OpenStack: a resource adjusted by another (a group by its policy) writes no SIGNAL event.
  if (!fromResource) await engine.persist.resourceEvent(row, 'SIGNAL', row.status, result ? `Signal: ${result}` : describe(details));
}

/** Heat's event text for a signal whose handler said nothing. */
function describe(details: Json): string {
  if (details === null) return 'No signal details provided';
  if (typeof details === 'string') return details;
  if (typeof details === 'object' && !Array.isArray(details) && ['previous', 'current', 'reason'].every((k) => k in details)) {
    return `alarm state changed from ${String(details['previous'])} to ${String(details['current'])} (${String(details['reason'])})`;
  }
  return 'Unknown';
}
