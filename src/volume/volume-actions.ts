// POST /volumes/{id}/action: one action per body, each checked as Cinder checks it, each a
// status step (extending, reverting …) for the controller or an attachment change.
import { join } from 'node:path';
import { authorize, stamp, type Cinder, type CinderCaller } from './context.js';
import { attachAction, detachAction, stepStatus } from './attachments.js';
import { BadRequest, InvalidInput, InvalidSnapshot, InvalidVolume, snapshotNotFound, ValidationError } from './errors.js';
import { checkGigabytes } from './quotas.js';
import { deleteVolume, findVolume } from './volumes.js';
import { connectionInfo } from './views.js';
import { createImage, imageCaller } from '../image/index.js';

const VOLUME_STATUSES = ['creating', 'available', 'deleting', 'error', 'error_deleting', 'error_managing', 'managing', 'attaching', 'in-use',
  'detaching', 'maintenance', 'restoring-backup', 'error_restoring', 'reserved', 'awaiting-transfer', 'backing-up', 'error_backing-up',
  'error_extending', 'downloading', 'uploading', 'retyping', 'extending'];

const boolOf = (v: unknown, field: string): boolean => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false|yes|no|on|off|1|0|y|n|t|f)$/i.test(v)) return /^(true|yes|on|1|y|t)$/i.test(v);
  throw new ValidationError(field, v, `${JSON.stringify(v)} is not of type 'boolean'`);
};

/** Runs one action; returns the body of a 200 (undefined: 202 with none). */
export async function volumeAction(c: Cinder, caller: CinderCaller, id: string, body: unknown, minor: number): Promise<{ status: number; body?: unknown }> {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length !== 1) throw new BadRequest('Malformed request body');
  const [action, raw] = Object.entries(body as Record<string, unknown>)[0]!;
  const arg = (raw ?? {}) as Record<string, unknown>;
  if (typeof arg !== 'object' || Array.isArray(arg)) throw new ValidationError(action, raw, `${JSON.stringify(raw)} is not of type 'object', 'null'`);
  switch (action) {
    case 'os-extend': await extend(c, caller, id, arg['new_size'], minor); return { status: 202 };
    case 'os-set_bootable': {
      if (!('bootable' in arg)) throw new ValidationError('os-set_bootable', arg, "'bootable' is a required property");
      const bootable = boolOf(arg['bootable'], 'os-set_bootable/bootable');
      await simpleUpdate(c, caller, id, 'volume_extension:volume_actions:set_bootable', { bootable: bootable ? 1 : 0 });
      return { status: 200 };
    }
    case 'os-update_readonly_flag': {
      if (!('readonly' in arg)) throw new ValidationError('os-update_readonly_flag', arg, "'readonly' is a required property");
      const readonly = boolOf(arg['readonly'], 'os-update_readonly_flag/readonly');
      await simpleUpdate(c, caller, id, 'volume:update_readonly_flag', { readonly: readonly ? 1 : 0 }, ['available', 'in-use']);
      return { status: 202 };
    }
    case 'os-reset_status': {
      const vol = await findVolume(c, caller, id);
      authorize(caller, 'volume_extension:volume_admin_actions:reset_status', { project_id: vol.project_id });
      const changes: Record<string, unknown> = { updated_at: stamp() };
      if (arg['status'] !== undefined) {
        if (!VOLUME_STATUSES.includes(String(arg['status']).toLowerCase())) throw new InvalidInput(`Must specify a valid status`);
        changes['status'] = String(arg['status']).toLowerCase();
      }
      if (arg['attach_status'] !== undefined) {
        if (!['attached', 'detached'].includes(String(arg['attach_status']))) throw new InvalidInput(`Must specify a valid attach status`);
        changes['attach_status'] = String(arg['attach_status']);
      }
      if (arg['migration_status'] !== undefined && !['none', 'migrating', 'error', 'success', 'completing', 'starting', null].includes(arg['migration_status'] as string | null)) throw new InvalidInput('Must specify a valid migration status');
      if (Object.keys(changes).length === 1 && arg['migration_status'] === undefined) throw new InvalidInput('Must specify \'status\', \'attach_status\' or \'migration_status\' for update.');
      await c.store.tx(async (tx) => {
        await tx.db.updateTable('volumes').set(changes).where('id', '=', id).execute();
        if (changes['attach_status'] === 'detached') await tx.db.deleteFrom('volume_attachments').where('volume_id', '=', id).execute();
        await tx.emit({ resource: 'volume', id, action: 'update', projectId: vol.project_id });
      });
      c.kick('volume', id);
      return { status: 202 };
    }
    case 'os-volume_upload_image': return { status: 202, body: { 'os-volume_upload_image': await uploadToImage(c, caller, id, arg) } };
    case 'os-force_delete': await deleteVolume(c, caller, id, { force: true, cascade: true }); return { status: 202 };
    case 'revert': await revert(c, caller, id, arg['snapshot_id'], minor); return { status: 202 };
    case 'os-reserve': await stepStatus(c, caller, id, 'reserve'); return { status: 202 };
    case 'os-unreserve': await stepStatus(c, caller, id, 'unreserve'); return { status: 202 };
    case 'os-begin_detaching': await stepStatus(c, caller, id, 'begin_detaching'); return { status: 202 };
    case 'os-roll_detaching': await stepStatus(c, caller, id, 'roll_detaching'); return { status: 202 };
    case 'os-attach': await attachAction(c, caller, id, arg); return { status: 202 };
    case 'os-detach': await detachAction(c, caller, id, arg['attachment_id']); return { status: 202 };
    case 'os-initialize_connection': {
      const vol = await findVolume(c, caller, id);
      authorize(caller, 'volume_extension:volume_actions:initialize_connection', { project_id: vol.project_id });
      if (!arg['connector'] || typeof arg['connector'] !== 'object') throw new ValidationError('os-initialize_connection', arg, "'connector' is a required property");
      const path = join(c.dataDir, 'volumes', `volume-${id}`);
      return { status: 200, body: { connection_info: connectionInfo({ volume_id: id, attach_mode: vol.readonly ? 'ro' : 'rw' }, path) } };
    }
    case 'os-terminate_connection': {
      const vol = await findVolume(c, caller, id);
      authorize(caller, 'volume_extension:volume_actions:terminate_connection', { project_id: vol.project_id });
      if (!arg['connector'] || typeof arg['connector'] !== 'object') throw new ValidationError('os-terminate_connection', arg, "'connector' is a required property");
      return { status: 202 };
    }
    default: throw new BadRequest(`There is no such action: ${action}`);
  }
}

async function simpleUpdate(c: Cinder, caller: CinderCaller, id: string, rule: string, set: Record<string, number>, states?: string[]): Promise<void> {
  const vol = await findVolume(c, caller, id);
  authorize(caller, rule, { project_id: vol.project_id });
  if (states && !states.includes(vol.status)) throw new InvalidVolume(`Volume ${id} status must be ${states.join(' or ')}, but current status is: ${vol.status}.`);
  await c.store.tx(async (tx) => {
    await tx.db.updateTable('volumes').set({ ...set, updated_at: stamp() }).where('id', '=', id).execute();
    await tx.emit({ resource: 'volume', id, action: 'update', projectId: vol.project_id });
  });
}

async function extend(c: Cinder, caller: CinderCaller, id: string, given: unknown, minor: number): Promise<void> {
  const n = typeof given === 'string' && /^\d+$/.test(given) ? Number(given) : given;
  if (given === undefined) throw new ValidationError('os-extend', {}, "'new_size' is a required property");
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new ValidationError('os-extend/new_size', given, `${JSON.stringify(given)} is not of type 'integer', 'string'`);
  if (n < 1) throw new ValidationError('os-extend/new_size', n, `${n} is less than the minimum of 1`);
  await c.store.tx(async (tx) => {
    const vol = await findVolume(c, caller, id, tx.db);
    const attached = vol.status === 'in-use';
    authorize(caller, attached ? 'volume:extend_attached_volume' : 'volume:extend', { project_id: vol.project_id });
    // OpenStack: an attached volume may be extended from 3.42.
    const states = minor >= 42 ? ['available', 'in-use'] : ['available'];
    if (!states.includes(vol.status)) throw new InvalidVolume(`Volume ${id} status must be '${states.join("' or '")}' to extend, currently ${vol.status}.`);
    if (n <= vol.size) throw new InvalidInput(`New size for extend must be greater than current size. (current: ${vol.size}, extended: ${n}).`);
    const type = await tx.db.selectFrom('volume_types').select('name').where('id', '=', vol.volume_type_id).executeTakeFirst();
    await checkGigabytes(tx, vol.project_id, n - vol.size, type?.name ?? '__DEFAULT__');
    await tx.db.updateTable('volumes').set({ status: 'extending', previous_status: vol.status, new_size: n, updated_at: stamp() }).where('id', '=', id).execute();
    await tx.emit({ resource: 'volume', id, action: 'update', projectId: vol.project_id });
  });
  c.kick('volume', id);
}

/** os-volume_upload_image: a queued Glance image of the caller's, filled by the controller with the volume's file system. */
async function uploadToImage(c: Cinder, caller: CinderCaller, id: string, arg: Record<string, unknown>): Promise<Record<string, unknown>> {
  const name = arg['image_name'];
  if (typeof name !== 'string' || !name) throw new ValidationError('os-volume_upload_image', arg, "'image_name' is a required property");
  const disk = arg['disk_format'] ?? 'raw';
  const container = arg['container_format'] ?? 'bare';
  // OpenStack: Pier's images of a root file system are raw bare tarballs (as the busybox seed).
  if (disk !== 'raw') throw new InvalidInput(`Invalid disk-format '${String(disk)}' is specified. Allowed disk-formats are raw.`);
  if (container !== 'bare') throw new InvalidInput(`Invalid container-format '${String(container)}' is specified. Allowed container-formats are bare.`);
  const vol = await findVolume(c, caller, id);
  authorize(caller, 'volume_extension:volume_actions:upload_image', { project_id: vol.project_id });
  if (vol.status !== 'available') throw new InvalidVolume(`Volume ${id} status must be available, but current status is: ${vol.status}. The file backend uploads detached volumes only.`);
  const image = await createImage(c.store, imageCaller(caller.auth), {
    name, disk_format: 'raw', container_format: 'bare', visibility: arg['visibility'] ?? 'private', protected: arg['protected'] === true,
  });
  await c.store.tx(async (tx) => {
    const r = await tx.db.updateTable('volumes').set({ status: 'uploading', previous_status: 'available', upload_image_id: image.id, updated_at: stamp() })
      .where('id', '=', id).where('status', '=', 'available').executeTakeFirst();
    if (!Number(r.numUpdatedRows)) throw new InvalidVolume(`Volume ${id} status must be available.`);
    await tx.emit({ resource: 'volume', id, action: 'update', projectId: vol.project_id });
  });
  c.kick('volume', id);
  const type = await c.store.db.selectFrom('volume_types').select('name').where('id', '=', vol.volume_type_id).executeTakeFirst();
  return {
    id, updated_at: stamp(), status: 'uploading', display_description: vol.description, size: vol.size, volume_type: type?.name ?? null,
    image_id: image.id, container_format: 'bare', disk_format: 'raw', image_name: name, protected: image.protected === 1, visibility: image.visibility,
  };
}

async function revert(c: Cinder, caller: CinderCaller, id: string, snapshotId: unknown, minor: number): Promise<void> {
  if (minor < 40) throw new BadRequest('There is no such action: revert');
  if (typeof snapshotId !== 'string') throw new ValidationError('revert', { snapshot_id: snapshotId }, "'snapshot_id' is a required property");
  await c.store.tx(async (tx) => {
    const vol = await findVolume(c, caller, id, tx.db);
    authorize(caller, 'volume:revert_to_snapshot', { project_id: vol.project_id });
    const snap = await tx.db.selectFrom('volume_snapshots').selectAll().where('id', '=', snapshotId).executeTakeFirst();
    if (!snap || (!caller.isAdmin && snap.project_id !== caller.projectId)) throw snapshotNotFound(snapshotId);
    const latest = await tx.db.selectFrom('volume_snapshots').select('id').where('volume_id', '=', id).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
    if (snap.volume_id !== id || latest?.id !== snapshotId) throw new InvalidSnapshot(`Cannot revert volume ${id} to snapshot ${snapshotId}: it is not the volume's latest snapshot.`);
    if (vol.status !== 'available') throw new InvalidVolume(`Cannot revert volume ${id} to snapshot ${snapshotId}: the volume's status must be 'available', but it is ${vol.status}.`);
    if (snap.status !== 'available') throw new InvalidSnapshot(`Cannot revert volume ${id} to snapshot ${snapshotId}: the snapshot's status must be 'available', but it is ${snap.status}.`);
    if (snap.size !== vol.size) throw new InvalidVolume(`Cannot revert volume ${id} to snapshot ${snapshotId}: the volume was extended since the snapshot.`);
    await tx.db.updateTable('volumes').set({ status: 'reverting', updated_at: stamp() }).where('id', '=', id).execute();
    await tx.db.updateTable('volume_snapshots').set({ status: 'restoring', updated_at: stamp() }).where('id', '=', snapshotId).execute();
    await tx.emit({ resource: 'volume', id, action: 'update', projectId: vol.project_id });
  });
  c.kick('volume', id);
}
