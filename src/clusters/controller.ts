// The cluster controller: a cluster's status follows its stack's (CREATE/UPDATE/DELETE/ROLLBACK
// × IN_PROGRESS/COMPLETE/FAILED, reason and faults from the stack); on COMPLETE the stack's
// outputs become the addresses; a cluster whose stack is deleted is removed with its nodegroups
// and CA. Level-triggered: stack and cluster change events (and a resync) queue the cluster id;
// a sync re-reads both. Health is asked of the COE driver periodically (UNKNOWN without one),
// after the driver forgot nodes whose servers are gone.
import type { Logger } from 'pino';
import { KeyedQueue } from '../core/reconcile/queue.js';
import { fromRow } from '../core/resource/index.js';
import type { Engine, StackRow } from '../orchestration/index.js';
import type { Store } from '../store/index.js';
import { stamp } from './context.js';
import { clusterTemplate, type ClusterTemplate } from './definitions/cluster-template.js';
import { cluster, type Cluster } from './definitions/cluster.js';
import { groupOutput } from './drivers/heat-template.js';
import { driverFor } from './drivers/registry.js';
import { memberHostnames } from './members.js';

export interface ControllerOptions {
  /** How often clusters with work in flight are looked at again besides events (ms). */
  resyncMs?: number;
  /** How often a driver's health check runs for settled clusters (ms). */
  healthMs?: number;
}

const STACK_ACTIONS = new Set(['CREATE', 'UPDATE', 'DELETE', 'ROLLBACK']);

/** Milliseconds since a stored timestamp (Infinity for none). */
const ageOf = (at: string | null): number => (at ? Date.now() - Date.parse(at) : Infinity);

export class ClusterController {
  private readonly queue: KeyedQueue;
  private unsubscribe: (() => void) | undefined;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly store: Store, private readonly engine: Engine, private readonly log: Logger, private readonly opts: ControllerOptions = {}) {
    this.queue = new KeyedQueue((id) => this.sync(id), (id, err) => this.log.warn({ err, cluster: id }, 'cluster sync failed'));
  }

  async start(): Promise<void> {
    this.unsubscribe = this.store.subscribe((e) => {
      if (e.resource === 'cluster') this.kick(e.id);
      else if (e.resource === 'stack') void this.clusterOfStack(e.id).then((id) => id && this.kick(id), () => {});
    });
    this.timers.push(setInterval(() => void this.resync(true).catch(() => {}), this.opts.resyncMs ?? 5_000).unref());
    this.timers.push(setInterval(() => void this.checkHealth().catch(() => {}), this.opts.healthMs ?? 60_000).unref());
    await this.resync(false);
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    for (const t of this.timers.splice(0)) clearInterval(t);
    await this.queue.stop();
  }

  kick(id: string): void {
    this.queue.add(id);
  }

  private async clusterOfStack(stackId: string): Promise<string | undefined> {
    return (await this.store.db.selectFrom('magnum_clusters').select('uuid').where('stack_id', '=', stackId).executeTakeFirst())?.uuid;
  }

  /** Every cluster with work in flight (all of them at start). */
  private async resync(inFlightOnly: boolean): Promise<void> {
    let q = this.store.db.selectFrom('magnum_clusters').select('uuid');
    if (inFlightOnly) q = q.where('status', 'like', '%_IN_PROGRESS');
    for (const r of await q.execute()) this.kick(r.uuid);
  }

  async sync(id: string): Promise<void> {
    const c = await this.store.db.selectFrom('magnum_clusters').selectAll().where('uuid', '=', id).executeTakeFirst();
    if (!c) return;
    const stack = c.stack_id ? await this.engine.persist.stack(c.stack_id) : undefined;
    const gone = !stack || !!stack.deleted_at || (stack.action === 'DELETE' && stack.status === 'COMPLETE');
    if (c.status === 'DELETE_IN_PROGRESS') {
      if (gone) return this.remove(id, c.project_id);
      if (stack.action === 'DELETE' && stack.status === 'FAILED') return this.write(id, { status: 'DELETE_FAILED', status_reason: stack.status_reason, faults: JSON.stringify({ [stack.name]: stack.status_reason }) });
      // The delete asked for did not start (a restart between the two): ask again.
      if (stack.action !== 'DELETE' && stack.status !== 'IN_PROGRESS' && !this.engine.busy(stack.id) && ageOf(c.updated_at) > 30_000) await this.engine.deleteStack(stack.id);
      return;
    }
    if (!stack) {
      // The request stores the cluster just before it creates the stack: only a stack still
      // missing well after that means Pier stopped in between.
      if (c.status === 'CREATE_IN_PROGRESS' && ageOf(c.created_at) > 30_000) await this.write(id, { status: 'CREATE_FAILED', status_reason: 'The cluster stack was never created (Pier stopped during the request).' });
      return;
    }
    if (!STACK_ACTIONS.has(stack.action)) return;
    const status = `${stack.action}_${stack.status}`;
    const set: Record<string, string | null> = { status, status_reason: stack.status_reason };
    if (stack.status === 'FAILED') set['faults'] = JSON.stringify({ [stack.name]: stack.status_reason });
    if (stack.status === 'COMPLETE') {
      set['faults'] = '{}';
      await this.addresses(c, stack);
      const template = await this.store.db.selectFrom('magnum_cluster_templates').select(['coe', 'tls_disabled']).where('uuid', '=', c.cluster_template_id!).executeTakeFirst();
      const outputs = await this.engine.outputs(stack.id);
      const api = outputs['api_address'];
      if (template && typeof api === 'string' && api) set['api_address'] = driverFor(template.coe!).apiAddress(api, template as never);
    }
    if (stack.status !== 'IN_PROGRESS') {
      await this.store.db.deleteFrom('magnum_nodegroups').where('cluster_id', '=', id).where('status', '=', 'DELETE_IN_PROGRESS').where('is_default', '=', 0).execute();
      await this.store.db.updateTable('magnum_nodegroups').set({ status, status_reason: stack.status_reason }).where('cluster_id', '=', id).execute();
    }
    const changed = Object.entries(set).some(([k, v]) => (c as Record<string, unknown>)[k] !== v);
    if (changed) await this.write(id, { ...set, updated_at: stamp() });
    // An update just settled: nodes that left are forgotten and health is current without waiting for the next round.
    if (changed && status === 'UPDATE_COMPLETE') void this.checkOne(id).catch((err) => this.log.warn({ err, cluster: id }, 'cluster health check failed'));
  }

  /** Node addresses per nodegroup from the stack's outputs. */
  private async addresses(c: { uuid: string }, stack: StackRow): Promise<void> {
    const outputs = await this.engine.outputs(stack.id);
    const groups = await this.store.db.selectFrom('magnum_nodegroups').select(['uuid', 'name', 'role', 'node_addresses']).where('cluster_id', '=', c.uuid).execute();
    for (const g of groups) {
      const v = g.role === 'master' ? outputs['master_addresses'] : outputs[groupOutput(g as { name: string })];
      const list = JSON.stringify(Array.isArray(v) ? v.filter((x) => typeof x === 'string' && x) : []);
      if (list !== g.node_addresses) await this.store.db.updateTable('magnum_nodegroups').set({ node_addresses: list }).where('uuid', '=', g.uuid).execute();
    }
  }

  /** Writes what changed, with its change event (watchers — the dashboard's stream — hear of every status move). */
  private async write(id: string, set: Record<string, string | null>): Promise<void> {
    await this.store.tx(async (tx) => {
      const r = await tx.db.updateTable('magnum_clusters').set(set).where('uuid', '=', id).returning('project_id').executeTakeFirst();
      if (r) await tx.emit({ resource: 'cluster', id, action: 'update', projectId: r.project_id });
    });
  }

  private async remove(id: string, project: string | null): Promise<void> {
    await this.store.tx(async (tx) => {
      await tx.db.deleteFrom('magnum_cluster_cas').where('cluster_id', '=', id).execute();
      await tx.db.deleteFrom('magnum_nodegroups').where('cluster_id', '=', id).execute();
      await tx.db.deleteFrom('magnum_clusters').where('uuid', '=', id).execute();
      await tx.emit({ resource: 'cluster', id, action: 'delete', projectId: project });
    });
  }

  /** Whether the cluster and its stack have no work in flight. */
  private async settled(id: string, stackId: string): Promise<boolean> {
    const c = await this.store.db.selectFrom('magnum_clusters').select('status').where('uuid', '=', id).executeTakeFirst();
    const stack = await this.engine.persist.stack(stackId);
    return !!c && !c.status.endsWith('_IN_PROGRESS') && !!stack && stack.status !== 'IN_PROGRESS' && !this.engine.busy(stackId);
  }

  /** The periodic health hook: for each settled cluster, its COE forgets nodes whose servers are gone, then its health is asked. */
  private async checkHealth(): Promise<void> {
    const rows = await this.store.db.selectFrom('magnum_clusters').select('uuid').where('status', 'in', ['CREATE_COMPLETE', 'UPDATE_COMPLETE']).execute();
    for (const r of rows) await this.checkOne(r.uuid).catch((err) => this.log.warn({ err, cluster: r.uuid }, 'cluster health check failed'));
  }

  private async checkOne(id: string): Promise<void> {
    const r = await this.store.db.selectFrom('magnum_clusters').selectAll().where('uuid', '=', id).executeTakeFirst();
    if (!r || !['CREATE_COMPLETE', 'UPDATE_COMPLETE'].includes(r.status)) return;
    const t = await this.store.db.selectFrom('magnum_cluster_templates').selectAll().where('uuid', '=', r.cluster_template_id!).executeTakeFirst();
    const ca = await this.store.db.selectFrom('magnum_cluster_cas').selectAll().where('cluster_id', '=', id).executeTakeFirst();
    if (!t || !ca) return;
    const driver = driverFor(t.coe!);
    const c = fromRow(cluster, r) as Cluster;
    const ct = fromRow(clusterTemplate, t) as ClusterTemplate;
    const pair = { cert: ca.ca_cert, key: ca.ca_key };
    if (driver.forget && r.stack_id && (await this.settled(id, r.stack_id))) {
      // The members are read only now that nothing is in flight: a resize begun since the status
      // was read above would otherwise have its new nodes forgotten as strangers.
      const groups = await this.store.db.selectFrom('magnum_nodegroups').select(['name', 'role', 'node_count']).where('cluster_id', '=', id).execute();
      const members = memberHostnames(c, groups as never, await this.engine.outputs(r.stack_id));
      if (await this.settled(id, r.stack_id)) await driver.forget(c, ct, pair, members);
    }
    if (!driver.health) return;
    const h = await driver.health(c, ct, pair);
    const reason = JSON.stringify(h.reason);
    if (h.status !== r.health_status || reason !== r.health_status_reason) await this.write(id, { health_status: h.status, health_status_reason: reason });
  }
}
