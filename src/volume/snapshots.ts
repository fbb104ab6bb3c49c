// Snapshots: create (the volume available, or in-use with `force` before 3.66 and always from
// it), find, update, delete, metadata. One row in `creating` / `deleting` for the controller.
import { newUuid } from '../core/ids.js';
import { fromRow, toRow } from '../core/resource/index.js';
import type { Tx } from '../store/index.js';
import { authorize, stamp, type Cinder, type CinderCaller } from './context.js';
import { snapshot as def, type SnapshotRow } from './definitions/snapshot.js';
import { metadata as metadataType } from './definitions/volume.js';
import { BadRequest, InvalidSnapshot, InvalidVolume, MalformedBodyError, NotFound, snapshotNotFound, ValidationError } from './errors.js';
import { checkQuota } from './quotas.js';
import { checked, envelope, findVolume } from './volumes.js';

export const snapshotOf = (row: Record<string, unknown>): SnapshotRow => fromRow(def, row) as SnapshotRow;

export async function findSnapshot(c: Cinder, caller: CinderCaller, id: string, db: Cinder['store']['db'] | Tx['db'] = c.store.db): Promise<SnapshotRow> {
  const row = await db.selectFrom('volume_snapshots').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || (!caller.isAdmin && row.project_id !== caller.projectId)) throw snapshotNotFound(id);
  return snapshotOf(row);
}

export async function createSnapshot(c: Cinder, caller: CinderCaller, body: unknown, minor: number): Promise<SnapshotRow> {
  const v = checked(def, envelope(body, 'snapshot'), 'create');
  const force = v['force'] as boolean | null;
  // OpenStack: from 3.66 a snapshot of an in-use volume needs no force, and force=false is refused.
  if (minor >= 66 && force === false) throw new ValidationError('force', false, "False is not one of [True]");
  const id = newUuid();
  const row = await c.store.tx(async (tx) => {
    const vol = await findVolume(c, caller, String(v['volume_id']), tx.db).catch(() => { throw new NotFound(`Volume ${String(v['volume_id'])} could not be found.`, 'VolumeNotFound'); });
    authorize(caller, 'volume:create_snapshot', { project_id: vol.project_id });
    const ok = vol.status === 'available' || (vol.status === 'in-use' && (minor >= 66 || force === true));
    if (!ok) throw new InvalidVolume(`Volume ${vol.id} status must be available, but current status is: ${vol.status}.`);
    const type = await tx.db.selectFrom('volume_types').select('name').where('id', '=', vol.volume_type_id).executeTakeFirst();
    await checkQuota(tx, vol.project_id, 'snapshots', vol.size, type?.name ?? '__DEFAULT__');
    const s: SnapshotRow = {
      id, volume_id: vol.id, project_id: vol.project_id, user_id: caller.userId,
      name: (v['name'] ?? v['display_name'] ?? null) as string | null, description: (v['description'] ?? v['display_description'] ?? null) as string | null,
      size: vol.size, status: 'creating', metadata: (v['metadata'] as Record<string, string>) ?? {}, created_at: stamp(), updated_at: null,
    };
    await tx.db.insertInto('volume_snapshots').values(toRow(def, s) as never).execute();
    await tx.emit({ resource: 'volume_snapshot', id, action: 'create', projectId: vol.project_id });
    return s;
  });
  c.kick('snapshot', id);
  return row;
}

export async function updateSnapshot(c: Cinder, caller: CinderCaller, id: string, body: unknown): Promise<SnapshotRow> {
  const v = checked(def, envelope(body, 'snapshot'), 'update');
  const s = await findSnapshot(c, caller, id);
  authorize(caller, 'volume:update_snapshot', { project_id: s.project_id });
  const changes: Partial<SnapshotRow> = { updated_at: stamp() };
  if ('name' in v || 'display_name' in v) changes.name = ('name' in v ? v['name'] : v['display_name']) as string | null;
  if ('description' in v || 'display_description' in v) changes.description = ('description' in v ? v['description'] : v['display_description']) as string | null;
  if ('metadata' in v) changes.metadata = v['metadata'] as Record<string, string>;
  await c.store.tx(async (tx) => {
    await tx.db.updateTable('volume_snapshots').set(toRow(def, changes) as never).where('id', '=', id).execute();
    await tx.emit({ resource: 'volume_snapshot', id, action: 'update', projectId: s.project_id });
  });
  return { ...s, ...changes };
}

export async function deleteSnapshot(c: Cinder, caller: CinderCaller, id: string, force = false): Promise<void> {
  const s = await findSnapshot(c, caller, id);
  authorize(caller, force ? 'volume_extension:snapshot_admin_actions:force_delete' : 'volume:delete_snapshot', { project_id: s.project_id });
  await c.store.tx(async (tx) => {
    const now = await findSnapshot(c, caller, id, tx.db);
    if (!force && !['available', 'error', 'error_deleting'].includes(now.status)) throw new InvalidSnapshot('Snapshot status must be available or error and must not be part of a group.');
    await tx.db.updateTable('volume_snapshots').set({ status: 'deleting', updated_at: stamp() }).where('id', '=', id).execute();
    await tx.emit({ resource: 'volume_snapshot', id, action: 'update', projectId: s.project_id });
  });
  c.kick('snapshot', id);
}

export async function setSnapshotMetadata(c: Cinder, caller: CinderCaller, id: string, body: unknown, replace: boolean, key?: string): Promise<Record<string, string>> {
  const s = await findSnapshot(c, caller, id);
  authorize(caller, 'volume:update_snapshot_metadata', { project_id: s.project_id });
  const field = key === undefined ? 'metadata' : 'meta';
  const given = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  if (given === undefined) throw new MalformedBodyError();
  const bad = metadataType.check(given);
  if (bad) throw new BadRequest(`Invalid input for field/attribute ${field}. ${bad}`, 'ValidationError');
  const meta = given as Record<string, string>;
  if (key !== undefined && (Object.keys(meta).length !== 1 || !(key in meta))) throw new BadRequest(Object.keys(meta).length !== 1 ? 'Request body contains too many items.' : 'Request body and URI mismatch');
  const next = replace ? meta : { ...s.metadata, ...meta };
  await c.store.tx(async (tx) => {
    await tx.db.updateTable('volume_snapshots').set({ metadata: JSON.stringify(next), updated_at: stamp() }).where('id', '=', id).execute();
    await tx.emit({ resource: 'volume_snapshot', id, action: 'update', projectId: s.project_id });
  });
  return key !== undefined ? meta : next;
}

export async function deleteSnapshotMetadata(c: Cinder, caller: CinderCaller, id: string, key: string): Promise<void> {
  const s = await findSnapshot(c, caller, id);
  authorize(caller, 'volume:delete_snapshot_metadata', { project_id: s.project_id });
  if (!(key in s.metadata)) throw new NotFound('Metadata item was not found', 'MetadataItemNotFound');
  const next = { ...s.metadata };
  delete next[key];
  await c.store.tx(async (tx) => {
    await tx.db.updateTable('volume_snapshots').set({ metadata: JSON.stringify(next), updated_at: stamp() }).where('id', '=', id).execute();
    await tx.emit({ resource: 'volume_snapshot', id, action: 'update', projectId: s.project_id });
  });
}
