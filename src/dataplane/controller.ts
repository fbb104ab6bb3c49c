// The dataplane controller: level-triggered, with a keyed queue of ports. A port or plug event
// queues its port id; any other change that can matter (networks, subnets, security groups,
// routers, floating IPs) queues a full sync. Syncs never overlap and a burst collapses into one.
// A full sync (at start, every minute, on those other changes) re-reads the host's whole desired
// state; a port sync re-reads only the queued ports and the security groups in use, patches the
// last desired state and hands the driver a hint of what changed. Port status is written back
// only where it changed, so the status write's own event ends in a no-op port sync.
import type { Logger } from 'pino';
import { PORT_INDEX_TERMS, type Store } from '../store/index.js';
import { isoSeconds } from '../core/ids.js';
import { groupsInUse, readDesired, readPorts, readSecurityGroups, type PortRow } from './desired.js';
import type { DesiredState, NetworkDriver, PortObserved, PortSpec, SyncResult } from './driver.js';

/** Events that re-read one port. */
const PORT_EVENTS = new Set(['port', 'port_plug']);
/** Events that re-read everything. */
const FULL_EVENTS = new Set(['network', 'subnet', 'security_group', 'security_group_rule', 'router', 'floatingip', '*']);
/** The drift-correcting full sync. */
const RESYNC_MS = 60_000;
const byId = (a: PortSpec, b: PortSpec) => (a.id < b.id ? -1 : 1);

/** What a sync must cover: some ports, or (no `ports`) everything. */
export interface SyncRequest {
  ports?: readonly string[];
}

export class DataplaneController {
  private running: Promise<void> | undefined;
  private waiters: { resolve: (r: SyncResult) => void; reject: (e: unknown) => void }[] = [];
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  private pendingFull = false;
  private readonly pendingPorts = new Set<string>();
  /** The desired state the driver last converged on (patched by port syncs); none before the first full sync. */
  private desired: DesiredState | undefined;
  private readonly seen = new Map<string, PortObserved>();
  private soon: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private resync: NodeJS.Timeout | undefined;

  constructor(readonly store: Store, readonly driver: NetworkDriver, readonly host: string, readonly log: Logger) {}

  /** Subscribes to changes and converges once now (the startup diff-sync). */
  async start(): Promise<void> {
    this.unsubscribe = this.store.subscribe((e) => {
      if (PORT_EVENTS.has(e.resource)) this.enqueue({ ports: [e.id] });
      else if (FULL_EVENTS.has(e.resource)) this.enqueue({});
      else return;
      this.scheduleSoon();
    });
    this.resync = setInterval(() => { this.enqueue({}); this.schedule(); }, RESYNC_MS).unref();
    await this.syncNow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.soon);
    clearTimeout(this.retry);
    clearInterval(this.resync);
    this.unsubscribe?.();
    await this.running?.catch(() => {});
    for (const w of this.waiters.splice(0)) w.reject(new Error('the dataplane controller has stopped'));
  }

  /** Resolves with the result of a sync that starts after this call and covers `req` (default: everything). */
  syncNow(req: SyncRequest = {}): Promise<SyncResult> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.enqueue(req);
      this.schedule();
    });
  }

  /** The observed state of a port after the last sync that covered it. */
  observed(portId: string): PortObserved | undefined {
    return this.seen.get(portId);
  }

  private enqueue(req: SyncRequest): void {
    if (req.ports) for (const id of req.ports) this.pendingPorts.add(id);
    else this.pendingFull = true;
  }

  /** For change events: a burst of them (a bulk create, a stack) becomes one sync a few ms later. */
  private scheduleSoon(): void {
    this.soon ??= setTimeout(() => { this.soon = undefined; this.schedule(); }, 10);
  }

  private pending(): boolean {
    return this.pendingFull || this.pendingPorts.size > 0 || this.waiters.length > 0;
  }

  private schedule(): void {
    // A running loop takes whatever is pending when it finishes; with nothing pending there is no loop.
    if (this.stopped || this.running || !this.pending()) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      this.schedule(); // anything that came in between the loop's last check and now
    });
  }

  private async drain(): Promise<void> {
    while (this.pending() && !this.stopped) {
      const full = this.pendingFull || !this.desired;
      const ports = [...this.pendingPorts];
      this.pendingFull = false;
      this.pendingPorts.clear();
      const waiters = this.waiters.splice(0);
      try {
        const result = full ? await this.syncAll() : await this.syncPorts(ports);
        for (const w of waiters) w.resolve(result);
      } catch (err) {
        this.log.error({ err }, 'dataplane sync failed');
        for (const w of waiters) w.reject(err);
        this.retry ??= setTimeout(() => { this.retry = undefined; this.enqueue({}); this.schedule(); }, 1000).unref();
      }
    }
  }

  private async syncAll(): Promise<SyncResult> {
    this.desired = undefined; // until the driver has converged on it: a failed sync is followed by a full one
    const desired = await readDesired(this.store.db, this.host);
    const result = await this.driver.sync(desired);
    this.desired = desired;
    this.seen.clear();
    for (const [id, o] of result.ports) this.seen.set(id, o);
    await this.writeStatus(result);
    return result;
  }

  private async syncPorts(ids: string[]): Promise<SyncResult> {
    const last = this.desired!;
    const rows = new Map<string, PortRow>();
    const fresh = await readPorts(this.store.db, this.host, ids, rows);
    const ports = new Map(last.ports.map((p) => [p.id, p]));
    // Router ports shape their routers, and a network this controller has not seen yet is not
    // realised: both need the full picture.
    const networks = new Set(last.networks.map((n) => n.id));
    if (ids.some((id) => ports.get(id)?.attachment.kind === 'router')
      || fresh.some((p) => p.attachment.kind === 'router' || ((p.attachment.kind === 'netns' || p.attachment.kind === 'handoff' || p.attachment.kind === 'nested') && !networks.has(p.networkId)))) {
      return this.syncAll();
    }
    for (const id of ids) ports.delete(id);
    for (const p of fresh) ports.set(p.id, p);
    const list = [...ports.values()].sort(byId);
    // Members come and go with ports anywhere, so the groups in use are always read afresh.
    const desired: DesiredState = { ...last, ports: list, securityGroups: await readSecurityGroups(this.store.db, groupsInUse(list)) };
    this.desired = undefined;
    const result = await this.driver.sync(desired, { ports: new Set(ids) });
    this.desired = desired;
    for (const id of ids) {
      const o = result.ports.get(id);
      if (o) this.seen.set(id, o); else this.seen.delete(id);
    }
    await this.writeStatus(result, rows);
    return result;
  }

  /**
   * Writes status where it changed: for the ports whose rows this sync read (`read`), else for
   * every port that may be stale. A change made since those rows were read has its own event,
   * so its own sync.
   */
  private async writeStatus(result: SyncResult, read?: Map<string, PortRow>): Promise<void> {
    const cols = ['id', 'project_id', 'status', 'binding:vif_type', 'binding:host_id'] as const;
    const db = this.store.db;
    const rows = new Map<string, Pick<PortRow, (typeof cols)[number]>>();
    const byIds = async (ids: string[]) => {
      for (let i = 0; i < ids.length; i += 500) {
        for (const r of await db.selectFrom('ports').select(cols).where('id', 'in', ids.slice(i, i + 500)).execute()) rows.set(r.id, r);
      }
    };
    if (read) {
      for (const [id, r] of read) rows.set(id, r);
    } else {
      // Ports this sync saw, or ports still showing a state that may now be stale.
      await byIds([...result.ports.keys()]);
      for (const r of await db.selectFrom('ports').select(cols).where(PORT_INDEX_TERMS.live).execute()) rows.set(r.id, r);
    }
    const changes = [...rows.values()].flatMap((r) => {
      if (r['binding:host_id'] && r['binding:host_id'] !== this.host) return []; // another host's agent owns it
      const seen = result.ports.get(r.id);
      const status = seen ? seen.status : 'DOWN';
      const vif = !seen ? 'unbound' : seen.status === 'ERROR' ? 'binding_failed' : result.vifType;
      return status !== r.status || vif !== r['binding:vif_type'] ? [{ ...r, status, vif }] : [];
    });
    if (!changes.length) return;
    await this.store.tx(async (tx) => {
      for (const c of changes) {
        await tx.db.updateTable('ports').set({
          status: c.status, 'binding:vif_type': c.vif, 'binding:vif_details': JSON.stringify(c.vif === result.vifType ? result.vifDetails : {}), updated_at: isoSeconds(),
        }).set((eb) => ({ revision_number: eb('revision_number', '+', 1) })).where('id', '=', c.id).execute();
        await tx.emit({ resource: 'port', id: c.id, action: 'update', projectId: c.project_id });
      }
    });
  }
}
