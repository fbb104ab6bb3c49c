// The compute host's half of attaching volumes to servers: for one server, make its container's
// mounts what its attachments say — attach the volume to this host (a loop device), mount it in
// the container at /mnt/<device name> (/dev/vdb → /mnt/vdb), then mark it attached; unmount
// and detach what is detaching; on the server's delete, let every volume go (or delete the
// delete_on_termination ones). An attach that fails leaves the volume available, with a message.
import type { Logger } from 'pino';
import type { Store } from '../store/index.js';
import { settle } from './attachments.js';
import { stamp } from './context.js';
import type { VolumeDriver } from './driver.js';
import { EVENTS, recordMessage } from './messages.js';

/** What a compute runtime offers for mounting volumes in one server's container. */
export interface VolumeMounter {
  /** Mounts the file system on `device` in the container at /mnt/<name>; mounted already is success. */
  mount(name: string, device: string, readonly: boolean): Promise<void>;
  /** Unmounts /mnt/<name>; not mounted is success. */
  unmount(name: string): Promise<void>;
  /** The names mounted now. */
  mounted(): Promise<string[]>;
}

/** The device a server boots from: its volume is the container's root, not a mount below /mnt. */
export const ROOT_DEVICE = '/dev/vda';

/** `/dev/vdb` → `vdb`: the name of the mount in the container. */
export const mountName = (device: string | null): string => (device ?? '').replace(/^\/dev\//, '').replace(/[^a-z0-9]/gi, '') || 'vdb';

export class ServerVolumes {
  constructor(private readonly store: Store, private readonly driver: VolumeDriver, private readonly log: Logger) {}

  /**
   * Converges one server's attachments. `mounter` is null for a runtime that mounts nothing
   * (fake): then only the statuses move.
   */
  async converge(serverId: string, mounter: VolumeMounter | null): Promise<void> {
    const atts = await this.store.db.selectFrom('volume_attachments').selectAll().where('instance_uuid', '=', serverId).execute();
    const keep = new Set<string>();
    const mounted = new Set(mounter ? await mounter.mounted() : []);
    for (const a of atts) {
      const name = mountName(a.mountpoint);
      // The root volume is the runtime's at boot (rootDevice); without one only its status moves.
      if (a.mountpoint === ROOT_DEVICE && (mounter || a.attach_status !== 'attaching')) continue;
      if (a.attach_status === 'attaching' || a.attach_status === 'attached') {
        keep.add(name);
        if (mounter && !mounted.has(name)) {
          try {
            const vol = await this.store.db.selectFrom('volumes').select(['readonly']).where('id', '=', a.volume_id).executeTakeFirst();
            const device = await this.driver.attach(a.volume_id);
            await mounter.mount(name, device, vol?.readonly === 1 || a.attach_mode === 'ro');
          } catch (err) {
            if (a.attach_status === 'attached') { this.log.warn({ err, server: serverId, volume: a.volume_id }, 'volume mount failed; retried'); continue; }
            await this.abandon(a, err, mounter);
            keep.delete(name);
            continue;
          }
        }
        if (a.attach_status === 'attaching') {
          await this.store.tx(async (tx) => {
            await tx.db.updateTable('volume_attachments').set({ attach_status: 'attached', attach_time: stamp(), updated_at: stamp() }).where('id', '=', a.id).where('attach_status', '=', 'attaching').execute();
            await settle(tx, a.volume_id);
          });
        }
      } else if (a.attach_status === 'detaching') {
        if (mounter) { await mounter.unmount(name); await this.driver.detach(a.volume_id); }
        await this.store.tx(async (tx) => {
          await tx.db.deleteFrom('volume_attachments').where('id', '=', a.id).where('attach_status', '=', 'detaching').execute();
          await settle(tx, a.volume_id);
        });
      }
    }
    if (mounter) for (const name of mounted) if (!keep.has(name)) await mounter.unmount(name);
  }

  /** The volume the server boots from, if it boots from one. */
  async bootVolume(serverId: string): Promise<string | undefined> {
    const a = await this.store.db.selectFrom('volume_attachments').select('volume_id').where('instance_uuid', '=', serverId).where('mountpoint', '=', ROOT_DEVICE).executeTakeFirst();
    return a?.volume_id;
  }

  /**
   * The server's boot volume attached to this host (its device), marked attached; undefined for
   * a server booted from an image.
   */
  async rootDevice(serverId: string): Promise<string | undefined> {
    const a = await this.store.db.selectFrom('volume_attachments').selectAll().where('instance_uuid', '=', serverId).where('mountpoint', '=', ROOT_DEVICE).executeTakeFirst();
    if (!a) return undefined;
    const device = await this.driver.attach(a.volume_id);
    if (a.attach_status !== 'attached') {
      await this.store.tx(async (tx) => {
        await tx.db.updateTable('volume_attachments').set({ attach_status: 'attached', attach_time: stamp(), updated_at: stamp() }).where('id', '=', a.id).execute();
        await settle(tx, a.volume_id);
      });
    }
    return device;
  }

  /** The server is going: every volume is unmounted and detached; delete_on_termination ones are deleted, the rest available. */
  async release(serverId: string, mounter: VolumeMounter | null): Promise<void> {
    const atts = await this.store.db.selectFrom('volume_attachments').selectAll().where('instance_uuid', '=', serverId).execute();
    for (const a of atts) {
      if (mounter) await mounter.unmount(mountName(a.mountpoint));
      await this.driver.detach(a.volume_id);
      await this.store.tx(async (tx) => {
        await tx.db.deleteFrom('volume_attachments').where('id', '=', a.id).execute();
        if (a.delete_on_termination) {
          await tx.db.updateTable('volume_snapshots').set({ status: 'deleting' }).where('volume_id', '=', a.volume_id).execute();
          await tx.db.updateTable('volumes').set({ status: 'deleting', attach_status: 'detached', updated_at: stamp() }).where('id', '=', a.volume_id).execute();
          await tx.emit({ resource: 'volume', id: a.volume_id, action: 'update', projectId: a.project_id });
        } else await settle(tx, a.volume_id, true);
      });
    }
    if (mounter) for (const name of await mounter.mounted()) await mounter.unmount(name);
  }

  /** An attach that failed: the volume goes back to available, and the project is told why. */
  private async abandon(a: { id: string; volume_id: string; project_id: string; mountpoint: string | null }, err: unknown, mounter: VolumeMounter): Promise<void> {
    const why = err instanceof Error ? err.message : String(err);
    this.log.warn({ volume: a.volume_id, reason: why }, 'volume attach failed');
    await mounter.unmount(mountName(a.mountpoint)).catch(() => {});
    await this.driver.detach(a.volume_id).catch(() => {});
    await this.store.tx(async (tx) => {
      await tx.db.deleteFrom('volume_attachments').where('id', '=', a.id).execute();
      await settle(tx, a.volume_id, true);
    });
    await recordMessage(this.store, { projectId: a.project_id, resourceType: 'VOLUME', resourceId: a.volume_id, event: EVENTS.attachVolume, reason: why });
  }
}
