// The volume controller: level-triggered, keyed by `volume:<id>` / `snapshot:<id>` on the
// shared keyed queue. A sync re-reads the row, does what its status asks of the driver
// (creating, extending, reverting, deleting), and writes the next status back guarded on the
// one it acted on. A resync at start and every half minute picks up what a crash interrupted and
// removes what no row owns: backing files, and loop devices of volumes attached nowhere.
import type { Logger } from 'pino';
import { KeyedQueue } from '../core/reconcile/queue.js';
import { createReadStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { imagePath, uploadImage, type ImageCaller } from '../image/index.js';
import type { Store } from '../store/index.js';
import { stamp } from './context.js';
import type { VolumeDriver, VolumeSource } from './driver.js';
import { EVENTS, recordMessage } from './messages.js';

const TRANSIENT = ['creating', 'deleting', 'extending', 'reverting', 'uploading'];
/** Glance as the volume's project sees it, for the upload Cinder makes on its behalf (as Cinder's service user). */
const ownerCaller = (projectId: string): ImageCaller => ({
  auth: { token: '', userId: 'cinder', userName: 'cinder', userDomainId: 'default', projectId, roles: ['admin'], roleIds: [], methods: [], auditId: '', issuedAt: '', expiresAt: '', isAdmin: true },
  isAdmin: true, projectId,
});
const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class VolumeController {
  private readonly queue: KeyedQueue;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly pending = new Set<Promise<void>>();

  constructor(readonly store: Store, readonly driver: VolumeDriver, private readonly dataDir: string, private readonly host: string, private readonly log: Logger, private readonly resyncMs = 30_000) {
    this.queue = new KeyedQueue((key) => this.track(this.sync(key)), (key, err) => this.log.warn({ err, key }, 'volume sync failed; retried'));
  }

  private track(p: Promise<void>): Promise<void> {
    this.pending.add(p);
    return p.finally(() => this.pending.delete(p));
  }

  async start(): Promise<void> {
    this.unsubscribe = this.store.subscribe((e) => {
      if (e.resource === 'volume') this.kick('volume', e.id);
      else if (e.resource === 'volume_snapshot') this.kick('snapshot', e.id);
    });
    this.timer = setInterval(() => void this.resync().catch((err) => this.log.warn({ err }, 'volume resync failed')), this.resyncMs).unref();
    await this.resync();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    clearInterval(this.timer);
    await this.queue.stop();
  }

  kick(kind: 'volume' | 'snapshot', id: string): void {
    this.queue.add(`${kind}:${id}`);
  }

  /** Resolves once no sync runs (tests). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  async resync(): Promise<void> {
    const vols = await this.store.db.selectFrom('volumes').select(['id', 'status']).where('host', 'like', `${this.host}@%`).execute();
    const snaps = await this.store.db.selectFrom('volume_snapshots').select(['id', 'status']).execute();
    for (const v of vols) if (TRANSIENT.includes(v.status)) this.kick('volume', v.id);
    for (const s of snaps) if (['creating', 'deleting'].includes(s.status)) this.kick('snapshot', s.id);
    const seen = await this.driver.observe();
    const known = new Set(vols.map((v) => v.id));
    const knownSnaps = new Set(snaps.map((s) => s.id));
    const atts = await this.store.db.selectFrom('volume_attachments').select(['volume_id']).where('attach_status', 'in', ['attaching', 'attached', 'detaching']).execute();
    const inUse = new Set(atts.map((a) => a.volume_id));
    // Asked again per file: a row made since the list above may own it by now.
    for (const id of seen.volumes) {
      if (known.has(id) || await this.store.db.selectFrom('volumes').select('id').where('id', '=', id).executeTakeFirst()) continue;
      this.log.info({ volume: id }, 'removing a volume no row owns');
      await this.driver.delete(id);
    }
    for (const id of seen.snapshots) {
      if (knownSnaps.has(id) || await this.store.db.selectFrom('volume_snapshots').select('id').where('id', '=', id).executeTakeFirst()) continue;
      await this.driver.deleteSnapshot(id);
    }
    for (const id of seen.attached.keys()) if (known.has(id) && !inUse.has(id)) await this.driver.detach(id);
  }

  async sync(key: string): Promise<void> {
    const [kind, id] = key.split(':') as ['volume' | 'snapshot', string];
    return kind === 'volume' ? this.syncVolume(id) : this.syncSnapshot(id);
  }

  /** Sets `changes` if the volume still has `status`. */
  private async setVolume(id: string, status: string, changes: Record<string, unknown>, project: string): Promise<void> {
    await this.store.tx(async (tx) => {
      const r = await tx.db.updateTable('volumes').set({ ...changes, updated_at: stamp() }).where('id', '=', id).where('status', '=', status).executeTakeFirst();
      if (Number(r.numUpdatedRows)) await tx.emit({ resource: 'volume', id, action: 'update', projectId: project });
    });
  }

  private async syncVolume(id: string): Promise<void> {
    const v = await this.store.db.selectFrom('volumes').selectAll().where('id', '=', id).executeTakeFirst();
    if (!v || !v.host.startsWith(`${this.host}@`)) return;
    const fail = async (event: (typeof EVENTS)[keyof typeof EVENTS], status: string, err: unknown, extra: Record<string, unknown> = {}) => {
      this.log.warn({ volume: id, reason: reason(err) }, `${event.action} failed`);
      await recordMessage(this.store, { projectId: v.project_id, resourceType: 'VOLUME', resourceId: id, event, reason: reason(err) });
      await this.setVolume(id, v.status, { status, ...extra }, v.project_id);
    };
    switch (v.status) {
      case 'creating': {
        const source: VolumeSource = v.snapshot_id ? { kind: 'snapshot', snapshotId: v.snapshot_id }
          : v.source_volid ? { kind: 'volume', volumeId: v.source_volid }
            : v.image_id ? { kind: 'image', path: imagePath(this.dataDir, v.image_id) } : { kind: 'blank' };
        try {
          await this.driver.create(id, v.size, source);
        } catch (err) { await fail(EVENTS.createVolume, 'error', err); return; }
        await this.setVolume(id, 'creating', { status: 'available', launched_at: stamp() }, v.project_id);
        return;
      }
      case 'extending':
        try {
          await this.driver.extend(id, v.new_size ?? v.size);
        } catch (err) { await fail(EVENTS.extendVolume, 'error_extending', err, { new_size: null }); return; }
        await this.setVolume(id, 'extending', { status: v.previous_status ?? 'available', size: v.new_size ?? v.size, new_size: null, previous_status: null }, v.project_id);
        return;
      case 'reverting': {
        const snap = await this.store.db.selectFrom('volume_snapshots').select('id').where('volume_id', '=', id).where('status', '=', 'restoring').executeTakeFirst();
        try {
          if (!snap) throw new Error('no snapshot is being restored');
          await this.driver.revert(id, snap.id);
        } catch (err) {
          await fail(EVENTS.revertVolume, 'error', err);
          if (snap) await this.store.db.updateTable('volume_snapshots').set({ status: 'available' }).where('id', '=', snap.id).execute();
          return;
        }
        await this.store.db.updateTable('volume_snapshots').set({ status: 'available', updated_at: stamp() }).where('id', '=', snap.id).execute();
        await this.setVolume(id, 'reverting', { status: 'available' }, v.project_id);
        return;
      }
      case 'uploading': {
        const tarball = join(this.dataDir, 'volumes', `upload-${id}.tar`);
        try {
          if (!v.upload_image_id) throw new Error('no image to upload into');
          await this.driver.exportFilesystem(id, tarball);
          await uploadImage(this.store, this.dataDir, ownerCaller(v.project_id), v.upload_image_id, createReadStream(tarball));
        } catch (err) {
          await fail(EVENTS.uploadImage, v.previous_status ?? 'available', err, { upload_image_id: null, previous_status: null });
          return;
        } finally {
          rmSync(tarball, { force: true });
        }
        await this.setVolume(id, 'uploading', { status: v.previous_status ?? 'available', upload_image_id: null, previous_status: null }, v.project_id);
        return;
      }
      case 'deleting': {
        const snaps = await this.store.db.selectFrom('volume_snapshots').select('id').where('volume_id', '=', id).execute();
        try {
          for (const s of snaps) await this.driver.deleteSnapshot(s.id);
          await this.driver.delete(id);
        } catch (err) { await fail(EVENTS.deleteVolume, 'error_deleting', err); return; }
        await this.store.tx(async (tx) => {
          await tx.db.deleteFrom('volume_snapshots').where('volume_id', '=', id).execute();
          await tx.db.deleteFrom('volume_attachments').where('volume_id', '=', id).execute();
          await tx.db.deleteFrom('volumes').where('id', '=', id).where('status', '=', 'deleting').execute();
          await tx.emit({ resource: 'volume', id, action: 'delete', projectId: v.project_id });
        });
        return;
      }
    }
  }

  private async syncSnapshot(id: string): Promise<void> {
    const s = await this.store.db.selectFrom('volume_snapshots').selectAll().where('id', '=', id).executeTakeFirst();
    if (!s) return;
    const set = async (from: string, changes: Record<string, unknown>) => {
      await this.store.tx(async (tx) => {
        const r = await tx.db.updateTable('volume_snapshots').set({ ...changes, updated_at: stamp() }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
        if (Number(r.numUpdatedRows)) await tx.emit({ resource: 'volume_snapshot', id, action: 'update', projectId: s.project_id });
      });
    };
    const fail = async (event: (typeof EVENTS)[keyof typeof EVENTS], status: string, err: unknown) => {
      this.log.warn({ snapshot: id, reason: reason(err) }, `${event.action} failed`);
      await recordMessage(this.store, { projectId: s.project_id, resourceType: 'VOLUME_SNAPSHOT', resourceId: id, event, reason: reason(err) });
      await set(s.status, { status });
    };
    if (s.status === 'creating') {
      try { await this.driver.snapshot(s.volume_id, id); } catch (err) { await fail(EVENTS.createSnapshot, 'error', err); return; }
      await set('creating', { status: 'available' });
    } else if (s.status === 'deleting') {
      const vol = await this.store.db.selectFrom('volumes').select('status').where('id', '=', s.volume_id).executeTakeFirst();
      if (vol?.status === 'deleting') return; // the volume's delete takes its snapshots with it
      try { await this.driver.deleteSnapshot(id); } catch (err) { await fail(EVENTS.deleteSnapshot, 'error_deleting', err); return; }
      await this.store.tx(async (tx) => {
        await tx.db.deleteFrom('volume_snapshots').where('id', '=', id).where('status', '=', 'deleting').execute();
        await tx.emit({ resource: 'volume_snapshot', id, action: 'delete', projectId: s.project_id });
      });
    }
  }
}
