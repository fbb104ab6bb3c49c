// The server controller: level-triggered, keyed by server id (sample-controller's pattern, as
// the dataplane controller). An event or a kick queues the id; a sync re-reads the row and the
// runtime's view, converges (create/start/stop/pause/rebuild/remove) and writes status back —
// guarded on the task it saw, so a concurrent change is never overwritten but re-queued. A full
// resync runs at start (re-adopting what the runtime still runs) and every half minute.
import type { Logger } from 'pino';
import { isoSeconds } from '../core/ids.js';
import type { Store } from '../store/index.js';
import type { ComputeContext, PortPlugger } from './context.js';
import { releasePorts } from './ports.js';
import type { ComputeDriver, ServerObserved } from './runtime/driver.js';
import { POWER, type ServerRow } from './server-view.js';
import { serverSpec } from './spec.js';
import { finishActions, recordAction } from './instance-actions.js';
import { ensureMetadataService, stopMetadataService, writeMetadata } from './metadata.js';
import { join } from 'node:path';
import type { ServerSpec } from './runtime/driver.js';
import type { VolumeMounter } from '../volume/index.js';

export class ServerController {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  /** `resyncMs`: how often every server is looked at again (a container's own exit is seen then). */
  constructor(
    readonly store: Store, readonly driver: ComputeDriver, private readonly ctx: ComputeContext, private readonly log: Logger,
    private readonly plugger?: PortPlugger, private readonly resyncMs = 30_000,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = this.store.subscribe((e) => { if (e.resource === 'server') this.kick(e.id); });
    this.timer = setInterval(() => void this.resync().catch(() => {}), this.resyncMs).unref();
    await this.resync();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearInterval(this.timer);
    await Promise.allSettled([...this.running.values()]);
  }

  /** Every server on this host, and every container the runtime has (orphans are removed). */
  async resync(): Promise<void> {
    const rows = await this.store.db.selectFrom('servers').select('id').where('host', '=', this.ctx.host).execute();
    const ids = new Set(rows.map((r) => r.id));
    for (const c of await this.driver.list().catch(() => [] as ServerObserved[])) ids.add(c.id);
    for (const id of ids) this.kick(id);
  }

  /** Queues one server; a kick during its sync runs it once more afterwards. */
  kick(id: string): void {
    if (this.stopped) return;
    if (this.running.has(id)) { this.again.add(id); return; }
    const run = (async () => {
      do {
        this.again.delete(id);
        try { await this.sync(id); } catch (err) { this.log.warn({ err, server: id }, 'server sync failed; retried on the next resync'); }
      } while (this.again.has(id) && !this.stopped);
    })().finally(() => this.running.delete(id));
    this.running.set(id, run);
  }

  /** Resolves once every queued sync has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  /** Writes `changes` if the server still has the task state this sync acted on. */
  private async write(s: ServerRow, changes: Partial<ServerRow>): Promise<boolean> {
    return this.store.tx(async (tx) => {
      let q = tx.db.updateTable('servers').set({ ...changes, updated_at: isoSeconds() }).where('id', '=', s.id);
      q = s.task_state === null ? q.where('task_state', 'is', null) : q.where('task_state', '=', s.task_state);
      const r = await q.executeTakeFirst();
      const done = Number(r.numUpdatedRows) === 1;
      if (done) {
        if (s.task_state !== null) {
          await tx.db.updateTable('instance_actions').set({ finish_time: isoSeconds(), result: changes.vm_state === 'error' ? 'Error' : 'Success' })
            .where('server_id', '=', s.id).where('finish_time', 'is', null).execute();
        }
        await tx.emit({ resource: 'server', id: s.id, action: 'update', projectId: s.project_id });
      }
      else this.again.add(s.id);
      return done;
    });
  }

  private async fail(s: ServerRow, err: unknown, keepPorts: boolean): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    this.log.warn({ server: s.id, reason: message }, 'server failed');
    await this.teardown(s.id).catch(() => {});
    let created = s.created_ports;
    if (!keepPorts) {
      // OpenStack: a build that fails gives its network allocations back.
      await releasePorts(this.ctx, s.project_id, s.id, JSON.parse(s.created_ports) as string[]).catch(() => {});
      created = '[]';
    }
    await this.write(s, {
      vm_state: 'error', task_state: null, power_state: POWER.NOSTATE, created_ports: created,
      fault: JSON.stringify({ code: 500, message, details: message, created: isoSeconds() }),
    });
  }

  private warn(id: string, seen: ServerObserved): void {
    for (const w of seen.warnings ?? []) this.log.warn({ server: id }, w);
  }

  /** Creates the container, plugs the server's ports into its namespace, starts it. */
  private async boot(s: ServerRow): Promise<void> {
    const spec = await serverSpec(this.store, this.ctx, s);
    // Booted from a volume: its file system, attached to this host, is the container's root.
    spec.bootVolume = await this.ctx.volumes?.servers.bootVolume(s.id);
    if (spec.bootVolume && this.driver.mountVolume) spec.rootDevice = await this.ctx.volumes?.servers.rootDevice(s.id);
    this.warn(s.id, await this.driver.create(spec));
    await this.plugAll(s.id, spec.ports.map((p) => p.id));
    // The metadata service comes up while the container starts (both only need the namespace).
    const [started] = await Promise.all([this.driver.start(s.id), this.metadata(s, spec)]);
    this.warn(s.id, started);
    await this.ctx.volumes?.servers.converge(s.id, this.mounter(s.id));
    if (started.state !== 'running') {
      // OpenStack: a spawn that fails is an ERROR with the reason, not a server that is merely off.
      const tail = (await this.driver.logs(s.id, 3).catch(() => '')).trim().replace(/\s*\n\s*/g, '; ');
      throw new Error(`The container did not keep running (exit code ${started.exitCode ?? 'unknown'})${tail ? `: ${tail}` : ''}`);
    }
  }

  private metadataDir(id: string): string { return join(this.ctx.dataDir, 'metadata', id); }

  /** The server's documents, and the metadata service in its namespace (runtimes with one). */
  private async metadata(s: ServerRow, spec: ServerSpec): Promise<void> {
    if (!this.driver.netns) return;
    writeMetadata(this.metadataDir(s.id), spec, s.name);
    const problem = await ensureMetadataService(this.metadataDir(s.id), this.driver.netns(s.id));
    if (problem) this.log.warn({ server: s.id }, problem);
  }

  /** Makes the namespace's plugged ports exactly `ports` (attach / detach included). */
  private async plugAll(id: string, ports: string[]): Promise<void> {
    if (!this.driver.netns || !this.plugger) return;
    const ns = this.driver.netns(id);
    const now = await this.plugger.plugged(ns);
    for (const p of now) if (!ports.includes(p.port)) await this.plugger.unplug(p.port);
    const names = new Set(now.filter((p) => ports.includes(p.port)).map((p) => p.ifname));
    for (const p of ports) {
      if (now.some((x) => x.port === p)) continue;
      let n = 0;
      while (names.has(`eth${n}`)) n++;
      names.add(`eth${n}`);
      await this.plugger.plug(p, ns, `eth${n}`);
    }
  }

  /** How volumes are mounted in this server's container; null for a runtime without mounts. */
  private mounter(id: string): VolumeMounter | null {
    const d = this.driver;
    if (!d.mountVolume || !d.unmountVolume || !d.mountedVolumes) return null;
    return { mount: (n, dev, ro) => d.mountVolume!(id, n, dev, ro), unmount: (n) => d.unmountVolume!(id, n), mounted: () => d.mountedVolumes!(id) };
  }

  /** Unplugs every port from the server's namespace, then removes the container. */
  private async teardown(id: string): Promise<void> {
    if (this.driver.netns && this.plugger) for (const p of await this.plugger.plugged(this.driver.netns(id))) await this.plugger.unplug(p.port);
    if (this.driver.netns) stopMetadataService(this.metadataDir(id));
    await this.driver.remove(id);
  }

  async sync(id: string): Promise<void> {
    const s = await this.store.db.selectFrom('servers').selectAll().where('id', '=', id).executeTakeFirst();
    if (!s) { await this.teardown(id); return; }
    if (s.host !== this.ctx.host) return;
    if (s.task_state === 'deleting') {
      // The container (and with it every mount of its volumes, its root too) goes first: only then
      // are the volumes free for another server.
      await this.teardown(id);
      for (const hook of this.ctx.removalHooks) await hook(id);
      await this.ctx.volumes?.servers.release(id, this.mounter(id));
      await releasePorts(this.ctx, s.project_id, id, JSON.parse(s.created_ports) as string[]);
      await this.store.tx(async (tx) => {
        await tx.db.deleteFrom('instance_actions').where('server_id', '=', id).execute();
        await tx.db.deleteFrom('server_group_members').where('server_id', '=', id).execute();
        await tx.db.deleteFrom('servers').where('id', '=', id).execute();
        await tx.emit({ resource: 'server', id, action: 'delete', projectId: s.project_id });
      });
      return;
    }
    const seen = await this.driver.inspect(id);
    const running = { vm_state: 'active', task_state: null, power_state: POWER.RUNNING, fault: null } as const;
    try {
      switch (s.task_state) {
        case 'scheduling': case 'spawning':
          await this.boot(s);
          await this.write(s, { ...running, launched_at: isoSeconds() });
          return;
        case 'powering-off':
          await this.driver.stop(id);
          await this.write(s, { vm_state: 'stopped', task_state: null, power_state: POWER.SHUTDOWN });
          return;
        case 'powering-on': case 'unpausing':
          if (seen.state === 'absent') await this.boot(s);
          else await (s.task_state === 'unpausing' ? this.driver.unpause(id) : this.driver.start(id));
          await this.write(s, running);
          return;
        case 'rebooting': case 'rebooting_hard':
          if (seen.state === 'absent') await this.boot(s);
          else { await this.driver.stop(id); await this.driver.start(id); }
          await this.write(s, running);
          return;
        case 'pausing':
          await this.driver.pause(id);
          await this.write(s, { vm_state: 'paused', task_state: null, power_state: POWER.PAUSED });
          return;
        case 'rebuilding':
          await this.teardown(id);
          await this.boot(s);
          // OpenStack: a server rebuilt while SHUTOFF is SHUTOFF again afterwards.
          if (s.vm_state === 'stopped') {
            await this.driver.stop(id);
            await this.write(s, { vm_state: 'stopped', task_state: null, power_state: POWER.SHUTDOWN, fault: null, launched_at: isoSeconds() });
            return;
          }
          await this.write(s, { ...running, launched_at: isoSeconds() });
          return;
      }
    } catch (err) {
      await this.fail(s, err, s.vm_state !== 'building');
      return;
    }
    // No task: keep what runs as the row says.
    if (s.vm_state === 'active' && seen.state === 'absent') {
      try { await this.boot(s); } catch (err) { await this.fail(s, err, true); }
    } else if (s.vm_state === 'active' && seen.state === 'stopped') {
      // The container's process ended on its own: SHUTOFF, as Nova's power-state sync does.
      this.log.info({ server: id, exitCode: seen.exitCode }, 'server process exited');
      if (await this.write(s, { vm_state: 'stopped', power_state: POWER.SHUTDOWN })) {
        await recordAction(this.store, id, 'stop', { projectId: s.project_id, userId: s.user_id }, `The container's process exited (exit code ${seen.exitCode ?? 'unknown'})`);
        await finishActions(this.store, id, 'Success');
      }
    } else if (s.vm_state === 'stopped' && (seen.state === 'running' || seen.state === 'paused')) {
      await this.driver.stop(id);
    } else if (s.vm_state === 'paused' && seen.state === 'running') {
      await this.driver.pause(id);
    }
    // Volumes attached or detached since: the container's mounts follow the attachments (a
    // runtime that mounts waits for the container; one that does not only moves the statuses).
    if (seen.state !== 'absent' || !this.driver.mountVolume) await this.ctx.volumes?.servers.converge(id, this.mounter(id));
    if (seen.state !== 'absent' && this.driver.netns) {
      // Interfaces attached or detached since: the namespace follows the server's ports.
      const spec = await serverSpec(this.store, this.ctx, s);
      await this.plugAll(id, spec.ports.map((p) => p.id));
      if (seen.state === 'running') await this.metadata(s, spec);
    }
  }
}
