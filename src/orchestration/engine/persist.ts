// The engine's rows: stacks, resources and events, written as each state changes (one small
// transaction each) so a restarted Pier sees exactly how far every action got.
import { isoSeconds, newUuid } from '../../core/ids.js';
import type { Store } from '../../store/index.js';
import type { OrchestrationTables } from '../tables.js';
import type { Json, JsonMap } from '../template/index.js';

export type StackRow = OrchestrationTables['heat_stacks'];
export type ResourceRow = OrchestrationTables['heat_resources'];
export type EventRow = OrchestrationTables['heat_events'];

/** Who a stack acts as: the fields an AuthContext is rebuilt from after a restart. */
export interface StackOwner {
  readonly userId: string;
  readonly userName: string;
  readonly userDomainId: string;
  readonly projectId: string;
  readonly projectName?: string;
  readonly projectDomainId?: string;
  readonly roles: readonly string[];
  readonly roleIds: readonly string[];
  readonly isAdmin: boolean;
}

export const now = (): string => isoSeconds();

let seq = 0;
/** Event order within a process; ties across restarts fall back to created_at then id. */
const nextSeq = () => Date.now() * 1000 + (seq = (seq + 1) % 1000);

export class Persist {
  constructor(readonly store: Store) {}

  stack(id: string): Promise<StackRow | undefined> {
    return this.store.db.selectFrom('heat_stacks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  resources(stackId: string): Promise<ResourceRow[]> {
    return this.store.db.selectFrom('heat_resources').selectAll().where('stack_id', '=', stackId).orderBy('created_at').orderBy('name').execute();
  }

  async insertStack(row: StackRow): Promise<void> {
    await this.store.tx(async (tx) => {
      await tx.db.insertInto('heat_stacks').values(row).execute();
      await tx.db.insertInto('heat_events').values(event(row.id, row.name, row.id, 'OS::Heat::Stack', row.action, row.status, row.status_reason)).execute();
      await tx.emit({ resource: 'stack', id: row.id, action: 'create', projectId: row.project_id });
    });
  }

  /** Sets the stack's state and writes the stack event Heat writes for it; `passed` are states
   * gone through on the way, written as events in the same transaction (no reader sees them). */
  async stackState(
    s: StackRow, action: string, status: string, reason: string, extra: Partial<StackRow> = {},
    passed: readonly { action: string; status: string; reason: string }[] = [],
  ): Promise<void> {
    Object.assign(s, { action, status, status_reason: reason, ...extra });
    await this.store.tx(async (tx) => {
      for (const p of passed) await tx.db.insertInto('heat_events').values(event(s.id, s.name, s.id, 'OS::Heat::Stack', p.action, p.status, p.reason)).execute();
      await tx.db.updateTable('heat_stacks').set({ action, status, status_reason: reason, ...extra }).where('id', '=', s.id).execute();
      await tx.db.insertInto('heat_events').values(event(s.id, s.name, s.id, 'OS::Heat::Stack', action, status, reason)).execute();
      // Watchers of a stack's state (Magnum's clusters) hear of every change.
      await tx.emit({ resource: 'stack', id: s.id, action: 'update', projectId: s.project_id });
    });
  }

  async updateStack(id: string, set: Partial<StackRow>): Promise<void> {
    await this.store.db.updateTable('heat_stacks').set(set).where('id', '=', id).execute();
  }

  async insertResource(r: ResourceRow): Promise<void> {
    await this.store.db.insertInto('heat_resources').values(r).execute();
  }

  /** Sets a resource's state (and anything else given) and writes its event. */
  async resourceState(r: ResourceRow, action: string, status: string, reason: string, extra: Partial<ResourceRow> = {}): Promise<void> {
    Object.assign(r, { action, status, status_reason: reason, updated_at: now(), ...extra });
    const { id: _id, ...set } = r;
    await this.store.tx(async (tx) => {
      await tx.db.updateTable('heat_resources').set(set).where('id', '=', r.id).execute();
      await tx.db.insertInto('heat_events').values(event(r.stack_id, r.name, r.physical_id, r.type, action, status, reason)).execute();
      // The dashboard's resource graph turns each resource's colour live from this (keyed by stack).
      const owner = await tx.db.selectFrom('heat_stacks').select('project_id').where('id', '=', r.stack_id).executeTakeFirst();
      await tx.emit({ resource: 'stack_resource', id: r.stack_id, action: 'update', projectId: owner?.project_id ?? null });
    });
  }

  /** An event without a state change (a signal received). */
  async resourceEvent(r: ResourceRow, action: string, status: string, reason: string): Promise<void> {
    await this.store.db.insertInto('heat_events').values(event(r.stack_id, r.name, r.physical_id, r.type, action, status, reason)).execute();
  }

  /** Saves fields without an event (plugin data, a physical id just learnt). */
  async saveResource(r: ResourceRow, set: Partial<ResourceRow>): Promise<void> {
    Object.assign(r, set);
    await this.store.db.updateTable('heat_resources').set(set).where('id', '=', r.id).execute();
  }

  async deleteResourceRow(id: string): Promise<void> {
    await this.store.db.deleteFrom('heat_resources').where('id', '=', id).execute();
  }
}

function event(stackId: string, name: string, physical: string | null, type: string, action: string, status: string, reason: string): EventRow {
  return {
    id: newUuid(), seq: nextSeq(), stack_id: stackId, resource_name: name, physical_resource_id: physical, resource_type: type,
    action, status, status_reason: reason, created_at: now(),
  };
}

/** A new resource row in INIT_COMPLETE, as Heat stores a resource before acting on it. */
export function newResourceRow(stackId: string, name: string, type: string): ResourceRow {
  return {
    id: newUuid(), stack_id: stackId, name, type, physical_id: null, action: 'INIT', status: 'COMPLETE', status_reason: '',
    properties: '{}', data: '{}', attributes: '{}', metadata: '{}', replaced_by: null, created_at: now(), updated_at: null,
  };
}

/** The current row of each resource by name (a replacement rather than what it replaces). */
export function currentRows(rows: readonly ResourceRow[]): Map<string, ResourceRow> {
  const out = new Map<string, ResourceRow>();
  for (const r of rows) if (r.replaced_by === null) out.set(r.name, r);
  return out;
}

export const parseJson = <T = JsonMap>(text: string | null): T => (text ? JSON.parse(text) : {}) as T;
export const toJson = (v: Json | object): string => JSON.stringify(v);
