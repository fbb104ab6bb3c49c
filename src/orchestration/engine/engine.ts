// The orchestration engine: runs a stack's create, delete (and rollback) and update as
// dependency-ordered walks over its resources, persisting every step; on start it resumes the
// stacks a stopped Pier left IN_PROGRESS. Work runs in this process, detached from requests.
import type { Logger } from 'pino';
import { newUuid } from '../../core/ids.js';
import type { ComputeService } from '../../compute/index.js';
import type { VolumeService } from '../../volume/index.js';
import type { NetworkingService } from '../../networking/index.js';
import type { Store } from '../../store/index.js';
import { resolve, type JsonMap } from '../template/index.js';
import type { ResourceContext } from '../resources/types.js';
import { StackEval } from './evaluate.js';
import { traverse } from './graph.js';
import { loadStack, type LoadedStack, type StackSpec } from './loaded.js';
import { nestedStacks } from './nested-stacks.js';
import { currentRows, newResourceRow, now, parseJson, Persist, toJson, type ResourceRow, type StackOwner, type StackRow } from './persist.js';
import { createResource, deleteResource, failureReason } from './resource-actions.js';
import { resourceHeat } from './signals.js';
import { runStackAction, type StackAction } from './stack-actions.js';
import { runUpdate } from './update.js';
import { validateStack } from './validate.js';

/** What the engine needs from the rest of Pier beyond networking. */
export interface EngineHooks {
  /** A project-scoped token for the stack owner (wait condition handles hand it to servers). */
  serviceToken(userId: string, projectId: string): Promise<string>;
  /** Pier's public base URL (known once it listens), for signal URLs. */
  publicUrl(): string;
}

export interface CreateInput {
  readonly name: string;
  readonly template: JsonMap;
  readonly environment: JsonMap;
  readonly files: Readonly<Record<string, string>>;
  readonly owner: StackOwner;
  readonly disableRollback: boolean;
  readonly timeoutMins: number | null;
  readonly tags?: readonly string[];
  readonly id?: string;
  readonly parent?: { readonly id: string; readonly resource: string; readonly depth: number; readonly rootId: string };
}

/** How many resource actions run at once, per stack walk. */
const PARALLEL = 10;
/** How long an engine's claim on a stack holds without renewal (PostgreSQL, several processes). */
const LEASE_MS = 10_000;

export class Engine {
  readonly persist: Persist;
  /** Work per stack in this process, chained so one stack's actions never overlap. */
  readonly running = new Map<string, Promise<void>>();
  /** Stacks whose running action was cancelled, and whether a rollback must follow. */
  private readonly cancelled = new Map<string, boolean>();
  private readonly contexts = new Map<string, ResourceContext>();
  private closing = false;
  /** This process's engine, as stacks' claims name it. */
  readonly engineId = newUuid();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(store: Store, readonly networking: NetworkingService, private readonly logger: Logger, readonly hooks: EngineHooks, readonly compute: ComputeService, readonly volume?: VolumeService) {
    this.persist = new Persist(store);
  }

  private leaseUntil(): string {
    return new Date(Date.now() + LEASE_MS).toISOString();
  }

  /** Claims a stack for this engine unless another live engine holds it. */
  private async claim(id: string): Promise<boolean> {
    const nowIso = new Date().toISOString();
    const r = await this.persist.store.db.updateTable('heat_stacks').set({ engine_id: this.engineId, lease_until: this.leaseUntil() })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('engine_id', 'is', null), eb('engine_id', '=', this.engineId), eb('lease_until', '<', nowIso)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Whether another running engine works on the stack now. */
  async heldElsewhere(id: string): Promise<boolean> {
    if (this.running.has(id)) return false;
    const row = await this.persist.stack(id);
    return !!row && row.status === 'IN_PROGRESS' && row.engine_id !== null && row.engine_id !== this.engineId
      && (row.lease_until ?? '') > new Date().toISOString();
  }

  specOf(row: StackRow): StackSpec {
    return {
      id: row.id, name: row.name, template: parseJson(row.template), environment: parseJson(row.environment),
      files: parseJson(row.files), owner: parseJson<StackOwner>(row.owner),
    };
  }

  /** Parses and validates; throws HeatError. Nothing is stored. */
  async check(spec: StackSpec): Promise<{ loaded: LoadedStack; ev: StackEval }> {
    const loaded = await loadStack(spec, this.networking, true, this.compute, this.volume);
    const ev = this.evaluator(loaded, new Map(), spec.id, spec.name);
    await validateStack(ev, this.networking, this.compute, this.volume);
    return { loaded, ev };
  }

  /** Validates, stores the stack and starts creating it. */
  async createStack(input: CreateInput): Promise<StackRow> {
    const id = input.id ?? newUuid();
    const spec: StackSpec = { id, name: input.name, template: input.template, environment: input.environment, files: input.files, owner: input.owner };
    await this.check(spec);
    const row: StackRow = {
      id, name: input.name, project_id: input.owner.projectId, owner: toJson(input.owner as never),
      parent_id: input.parent?.id ?? null, parent_resource: input.parent?.resource ?? null, root_id: input.parent?.rootId ?? null,
      nested_depth: input.parent?.depth ?? 0, template: toJson(input.template), environment: toJson(input.environment),
      files: toJson(input.files), parameters: toJson(input.environment['parameters'] ?? {}), action: 'CREATE', status: 'IN_PROGRESS',
      engine_id: this.engineId, lease_until: this.leaseUntil(), status_reason: 'Stack CREATE started', disable_rollback: input.disableRollback ? 1 : 0, timeout_mins: input.timeoutMins,
      tags: toJson([...(input.tags ?? [])]), outputs: '{}', previous: null, created_at: now(), updated_at: null, deleted_at: null,
    };
    await this.persist.insertStack(row);
    this.start(id, () => this.runCreate(id, false));
    return row;
  }

  /** Starts deleting a stack: DELETE_IN_PROGRESS before this returns; a running action is
   * cancelled (it stops at its next step) and the delete follows it. */
  async deleteStack(id: string): Promise<boolean> {
    if (await this.heldElsewhere(id)) return false;
    if (this.running.has(id)) this.cancel(id);
    else {
      const row = await this.persist.stack(id);
      if (row && !row.deleted_at) await this.persist.stackState(row, 'DELETE', 'IN_PROGRESS', 'Stack DELETE started');
    }
    this.start(id, () => this.runDelete(id, 'DELETE'));
    return true;
  }

  /** Starts a suspend, resume or check: <ACTION>_IN_PROGRESS before this returns. */
  async stackAction(row: StackRow, action: StackAction): Promise<void> {
    await this.persist.stackState(row, action, 'IN_PROGRESS', `Stack ${action} started`);
    this.start(row.id, () => runStackAction(this, row.id, action));
  }

  /** Starts an update to the stack's stored new template (the API stores it first). */
  updateStack(id: string): void {
    this.start(id, () => runUpdate(this, id));
  }

  /** Stops the stack's running action at its next step (cancel_update: then roll back). */
  cancel(id: string, rollback = false): void {
    this.cancelled.set(id, rollback);
  }

  /** Whether the stack's action was cancelled: undefined (no), or whether to roll back. */
  cancelledWithRollback(id: string): boolean | undefined {
    return this.cancelled.get(id);
  }

  /**
   * Resumes every stack a stopped Pier left IN_PROGRESS, and keeps this engine's claims alive.
   * On the embedded store this process is the only engine, so every such stack is its own; on
   * PostgreSQL a stack is taken over only once its engine's claim has lapsed (checked again
   * every few seconds, so a crashed process's stacks move to a live one).
   */
  async resume(): Promise<void> {
    if (this.persist.store.kind === 'sqlite') await this.persist.store.db.updateTable('heat_stacks').set({ engine_id: null }).where('status', '=', 'IN_PROGRESS').execute();
    await this.sweep();
    this.timers.push(setInterval(() => void this.renew().catch(() => {}), LEASE_MS / 3).unref());
    if (this.persist.store.kind === 'postgres') this.timers.push(setInterval(() => void this.sweep().catch(() => {}), LEASE_MS / 2).unref());
  }

  private async renew(): Promise<void> {
    const ids = [...this.running.keys()];
    if (ids.length) await this.persist.store.db.updateTable('heat_stacks').set({ lease_until: this.leaseUntil() }).where('id', 'in', ids).where('engine_id', '=', this.engineId).execute();
  }

  private async sweep(): Promise<void> {
    if (this.closing) return;
    const rows = await this.persist.store.db.selectFrom('heat_stacks').selectAll().where('status', '=', 'IN_PROGRESS').where('deleted_at', 'is', null).execute();
    for (const row of rows) {
      if (this.running.has(row.id) || !(await this.claim(row.id))) continue;
      this.logger.info({ stack: row.id, action: row.action }, 'resuming stack');
      if (row.action === 'CREATE') this.start(row.id, () => this.runCreate(row.id, true));
      else if (row.action === 'DELETE') this.start(row.id, () => this.runDelete(row.id, 'DELETE'));
      else if (row.action === 'ROLLBACK' && row.previous === null) this.start(row.id, () => this.runDelete(row.id, 'ROLLBACK'));
      else this.start(row.id, () => this.persist.stackState(row, row.action, 'FAILED', `Engine went down during stack ${row.action}`));
    }
  }

  /** Whether the engine is stopping (work left IN_PROGRESS resumes on the next start). */
  get isClosing(): boolean {
    return this.closing;
  }

  /** Turns a failed update round: the previous template becomes the one to walk to (the
   * failure, `failed`, is recorded in the same step, so no reader sees the stack stop there). */
  async stageRollback(row: StackRow, failed: { action: string; status: string; reason: string }): Promise<void> {
    this.cancelled.delete(row.id);
    const p = parseJson<{ template: JsonMap; environment: JsonMap; files: Record<string, string> }>(row.previous);
    const previous = toJson({ template: parseJson(row.template), environment: parseJson(row.environment), files: parseJson(row.files) });
    const set: Partial<StackRow> = {
      template: toJson(p.template), environment: toJson(p.environment), files: toJson(p.files), parameters: toJson(p.environment['parameters'] ?? {}), previous,
    };
    Object.assign(row, set);
    await this.persist.stackState(row, 'ROLLBACK', 'IN_PROGRESS', 'Stack ROLLBACK started', set, [failed]);
  }

  /** Waits for running work to stop at its next step (on close). */
  async close(): Promise<void> {
    this.closing = true;
    for (const t of this.timers.splice(0)) clearInterval(t);
    await Promise.allSettled([...this.running.values()]);
  }

  /** Whether a stack has work running in this process. */
  busy(id: string): boolean {
    return this.running.has(id);
  }

  private start(id: string, work: () => Promise<void>): void {
    const previous = this.running.get(id) ?? Promise.resolve();
    const p = previous.then(() => this.claim(id)).then(work).catch((err: unknown) => this.logger.error({ err, stack: id }, 'stack action failed'))
      .finally(() => { if (this.running.get(id) === p) this.running.delete(id); });
    this.running.set(id, p);
  }

  /** Why a walk must stop now (timeout, cancel, shutdown), or null. */
  stopper(row: StackRow, startedAt = Date.now()): () => string | null {
    return () => {
      if (this.closing) return 'Engine is shutting down';
      if (this.cancelled.has(row.id)) return 'Stack cancelled';
      if (row.timeout_mins && Date.now() - startedAt > row.timeout_mins * 60_000) return `${row.action} timed out`;
      return null;
    };
  }

  evaluator(loaded: LoadedStack, rows: ReadonlyMap<string, ResourceRow>, stackId: string, stackName: string): StackEval {
    return new StackEval(loaded, rows, (r) => this.contextFor(loaded, r, stackId, stackName));
  }

  contextFor(loaded: LoadedStack, row: ResourceRow, stackId: string, stackName: string): ResourceContext {
    let ctx = this.contexts.get(row.id);
    if (!ctx) {
      ctx = {
        networking: this.networking, compute: this.compute, volume: this.volume, caller: loaded.caller, stack: { id: stackId, name: stackName, projectId: loaded.spec.owner.projectId },
        resourceName: row.name, physicalName: `${stackName}-${row.name}-${row.id.replace(/-/g, '').slice(0, 12)}`,
        data: parseJson(row.data), plannedId: row.id, nested: nestedStacks(this, loaded, stackId, row),
        heat: resourceHeat(this, loaded, stackId, stackName, row.name),
      };
      this.contexts.set(row.id, ctx);
    }
    return ctx;
  }

  /** The current row of each resource (a replacement rather than what it replaces). */
  static current(rows: readonly ResourceRow[]): Map<string, ResourceRow> {
    return currentRows(rows);
  }

  private async runCreate(id: string, resuming: boolean): Promise<void> {
    const stack = (await this.persist.stack(id))!;
    const loaded = await loadStack(this.specOf(stack), this.networking, false);
    const rows = Engine.current(await this.persist.resources(id));
    for (const name of loaded.plugins.keys()) {
      if (rows.has(name)) continue;
      const row = newResourceRow(id, name, loaded.template.resources[name]!.type);
      await this.persist.insertResource(row);
      rows.set(name, row);
    }
    const ev = this.evaluator(loaded, rows, stack.id, stack.name);
    const stop = this.stopper(stack);
    const error = await traverse(loaded.graph, async (name) => {
      const row = rows.get(name)!;
      if (row.action === 'CREATE' && row.status === 'COMPLETE') return;
      const env = { persist: this.persist, plugin: loaded.plugins.get(name)!, ctx: this.contextFor(loaded, row, stack.id, stack.name), stop };
      let props: JsonMap;
      try {
        props = await ev.properties(name);
        row.metadata = toJson((await ev.metadata(name)) ?? {});
      } catch (err) {
        await this.persist.resourceState(row, 'CREATE', 'FAILED', failureReason(name, err));
        throw err instanceof Error ? Object.assign(err, { message: failureReason(name, err) }) : err;
      }
      await createResource(env, row, props);
    }, { limit: PARALLEL, stop });
    if (!error) {
      await this.persist.stackState(stack, 'CREATE', 'COMPLETE', 'Stack CREATE completed successfully', { updated_at: null });
      return;
    }
    if (this.closing) return; // resumed on the next start
    this.cancelled.delete(id);
    const failed = { action: 'CREATE', status: 'FAILED', reason: `Resource CREATE failed: ${error.message}` };
    if (stack.disable_rollback) await this.persist.stackState(stack, failed.action, failed.status, failed.reason);
    else await this.runDelete(id, 'ROLLBACK', [failed]);
  }

  /** Deletes every resource in reverse order: the stack's delete, or a failed create's rollback. */
  async runDelete(id: string, action: 'DELETE' | 'ROLLBACK', passed: { action: string; status: string; reason: string }[] = []): Promise<void> {
    const stack = (await this.persist.stack(id))!;
    if (stack.deleted_at) return;
    this.cancelled.delete(id);
    if (stack.action !== action || stack.status !== 'IN_PROGRESS') await this.persist.stackState(stack, action, 'IN_PROGRESS', `Stack ${action} started`, {}, passed);
    const loaded = await loadStack(this.specOf(stack), this.networking, false);
    const all = await this.persist.resources(id);
    const rows = Engine.current(all);
    const stop = () => (this.closing ? 'Engine is shutting down' : null);
    const retain = (name: string) => {
      const p = loaded.template.resources[name]?.deletionPolicy ?? null;
      const v = p !== null && typeof p !== 'string' ? resolve(p, this.evaluator(loaded, rows, id, stack.name).context()) : p;
      return v === 'Retain';
    };
    const del = (row: ResourceRow) => {
      const plugin = loaded.plugins.get(row.name);
      if (!plugin) return Promise.resolve();
      const env = { persist: this.persist, plugin, ctx: this.contextFor(loaded, row, id, stack.name), stop };
      return deleteResource(env, row, retain(row.name));
    };
    // Replaced resources and those no longer in the template go first, then the graph in reverse.
    const stray = all.filter((r) => r.replaced_by !== null || !loaded.graph.has(r.name));
    let error: Error | null = null;
    for (const r of stray) error ??= await del(r).then(() => null, (e: Error) => e);
    error ??= await traverse(loaded.graph, async (name) => { const r = rows.get(name); if (r) await del(r); }, { reverse: true, limit: PARALLEL, stop });
    if (this.closing) return;
    if (error) {
      await this.persist.stackState(stack, action, 'FAILED', `Resource DELETE failed: ${error.message}`);
      return;
    }
    for (const r of all) this.contexts.delete(r.id);
    if (action === 'ROLLBACK') {
      await this.persist.stackState(stack, 'ROLLBACK', 'COMPLETE', 'Stack ROLLBACK completed successfully');
    } else {
      await this.persist.stackState(stack, 'DELETE', 'COMPLETE', 'Stack DELETE completed successfully', { deleted_at: now() });
    }
  }

  /** A stack's outputs by key (null for one that does not resolve); {} for a stack not there. */
  async outputs(id: string): Promise<Record<string, unknown>> {
    const s = await this.persist.stack(id);
    if (!s || s.deleted_at) return {};
    const loaded = await loadStack(this.specOf(s), this.networking, false);
    const ev = this.evaluator(loaded, Engine.current(await this.persist.resources(id)), s.id, s.name);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(loaded.template.outputs)) {
      const o = await ev.output(k);
      out[k] = o.error ? null : o.value;
    }
    return out;
  }

  /** Stores a new template/environment/files for an update, keeping the old ones for diffing. */
  async stageUpdate(row: StackRow, next: { template: JsonMap; environment: JsonMap; files: Readonly<Record<string, string>> }, extra: Partial<StackRow> = {}): Promise<void> {
    const previous = toJson({ template: parseJson(row.template), environment: parseJson(row.environment), files: parseJson(row.files) });
    const set: Partial<StackRow> = {
      template: toJson(next.template), environment: toJson(next.environment), files: toJson(next.files as never),
      parameters: toJson(next.environment['parameters'] ?? {}), previous, updated_at: now(), ...extra,
    };
    Object.assign(row, set);
    await this.persist.updateStack(row.id, set);
    await this.persist.stackState(row, 'UPDATE', 'IN_PROGRESS', 'Stack UPDATE started');
  }
}
