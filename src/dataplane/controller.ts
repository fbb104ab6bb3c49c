// The dataplane controller: level-triggered. Any committed change that can matter (networks,
// subnets, ports, security groups, routers, floating IPs, plugs) schedules one full sync; syncs
// never overlap and bursts of events collapse into one. A sync re-reads desired state, lets the
// driver converge the kernel, then writes port status back (ACTIVE / DOWN, vif type) — only
// where it changed, so the status write's own event ends in a no-op sync.
import type { Logger } from 'pino';
import type { Store } from '../store/index.js';
import { isoSeconds } from '../core/ids.js';
import { readDesired } from './desired.js';
import type { NetworkDriver, PortObserved, SyncResult } from './driver.js';

const WATCHED = new Set(['network', 'subnet', 'port', 'security_group', 'security_group_rule', 'router', 'floatingip', 'port_plug', '*']);

export class DataplaneController {
  private running: Promise<void> | undefined;
  private again = false;
  private waiters: { resolve: (r: SyncResult) => void; reject: (e: unknown) => void }[] = [];
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  private last: SyncResult | undefined;

  constructor(readonly store: Store, readonly driver: NetworkDriver, readonly host: string, readonly log: Logger) {}

  /** Subscribes to changes and converges once now (the startup diff-sync). */
  async start(): Promise<void> {
    this.unsubscribe = this.store.subscribe((e) => { if (WATCHED.has(e.resource)) this.scheduleSoon(); });
    await this.syncNow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.soon);
    this.unsubscribe?.();
    await this.running?.catch(() => {});
  }

  /** Resolves with the result of a sync that starts after this call. */
  syncNow(): Promise<SyncResult> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  /** The observed state of a port after the last sync. */
  observed(portId: string): PortObserved | undefined {
    return this.last?.ports.get(portId);
  }

  private soon: NodeJS.Timeout | undefined;
  /** For change events: a burst of them (a bulk create, a stack) becomes one sync a few ms later. */
  private scheduleSoon(): void {
    this.soon ??= setTimeout(() => { this.soon = undefined; this.schedule(); }, 10);
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.running) { this.again = true; return; }
    this.running = (async () => {
      do {
        this.again = false;
        const waiters = this.waiters.splice(0);
        try {
          const result = await this.syncOnce();
          for (const w of waiters) w.resolve(result);
        } catch (err) {
          this.log.error({ err }, 'dataplane sync failed');
          for (const w of waiters) w.reject(err);
          if (!this.again && !this.waiters.length) setTimeout(() => this.schedule(), 1000).unref();
        }
      } while ((this.again || this.waiters.length) && !this.stopped);
      this.running = undefined;
    })();
  }

  private async syncOnce(): Promise<SyncResult> {
    const desired = await readDesired(this.store.db, this.host);
    const result = await this.driver.sync(desired);
    this.last = result;
    await this.writeStatus(result);
    return result;
  }

  private async writeStatus(result: SyncResult): Promise<void> {
    // Only ports this sync saw, or ports still showing a state that may now be stale.
    const cols = ['id', 'project_id', 'status', 'binding:vif_type', 'binding:host_id'] as const;
    const seenIds = [...result.ports.keys()];
    const rows = new Map<string, { id: string; project_id: string; status: string; 'binding:vif_type': string; 'binding:host_id': string }>();
    for (let i = 0; i < seenIds.length; i += 500) {
      for (const r of await this.store.db.selectFrom('ports').select(cols).where('id', 'in', seenIds.slice(i, i + 500)).execute()) rows.set(r.id, r);
    }
    for (const r of await this.store.db.selectFrom('ports').select(cols).where('status', '<>', 'DOWN').execute()) rows.set(r.id, r);
    for (const r of await this.store.db.selectFrom('ports').select(cols).where('binding:vif_type', '<>', 'unbound').where('status', '=', 'DOWN').execute()) rows.set(r.id, r);
    const changes = [...rows.values()].flatMap((r) => {
      if (r['binding:host_id'] && r['binding:host_id'] !== this.host) return []; // another host's agent owns it
      const seen = result.ports.get(r.id);
      const status = seen ? (seen.status === 'ERROR' ? 'ERROR' : seen.status) : 'DOWN';
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
