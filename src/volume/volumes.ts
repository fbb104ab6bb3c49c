// Volumes: create (Cinder's checks first — type, source, zone, quota — then one row in
// `creating` for the controller), find, update, delete (cascade) and metadata. Runs in request
// context, one transaction per write; never touches the kernel.
import { InvalidAttribute, MalformedBody } from '../core/errors.js';
import { newUuid } from '../core/ids.js';
import { checkBody, fromRow, toRow, type Values } from '../core/resource/index.js';
import type { Tx } from '../store/index.js';
import { authorize, stamp, ZONE, type Cinder, type CinderCaller } from './context.js';
import { metadata as metadataType, volume as def, type VolumeRow } from './definitions/volume.js';
import { BadRequest, InvalidInput, NotFound, InvalidSnapshot, InvalidVolume, snapshotNotFound, ValidationError, volumeNotFound } from './errors.js';
import { checkQuota } from './quotas.js';
import { findType, defaultType } from './volume-types.js';

export const volumeOf = (row: Record<string, unknown>): VolumeRow => fromRow(def, row) as VolumeRow;

/** The body's envelope content, or Cinder's 400 naming the missing element. */
export function envelope(body: unknown, key: string): Record<string, unknown> {
  const inner = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)[key] : undefined;
  if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) throw new BadRequest(`Missing required element '${key}' in request body.`);
  return inner as Record<string, unknown>;
}

/** checkBody with Cinder's (jsonschema's) words for what is wrong. */
export function checked(d: Parameters<typeof checkBody>[0], input: Record<string, unknown>, mode: 'create' | 'update'): Values {
  try {
    return checkBody(d, input, mode).values;
  } catch (e) {
    if (e instanceof InvalidAttribute) {
      if (e.kind === 'unknown' || e.kind === 'readonly') throw new ValidationError(d.singular, input, `Additional properties are not allowed ('${e.attribute}' was unexpected)`);
      if (e.kind === 'required') throw new ValidationError(d.singular, input, `'${e.attribute}' is a required property`);
      throw new BadRequest(`Invalid input for field/attribute ${e.attribute}. ${e.reason}`, 'ValidationError');
    }
    throw e;
  }
}

/** A volume the caller may see (its project's, or any for an admin). */
export async function findVolume(c: Cinder, caller: CinderCaller, id: string, db: Cinder['store']['db'] | Tx['db'] = c.store.db): Promise<VolumeRow> {
  const row = await db.selectFrom('volumes').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || (!caller.isAdmin && row.project_id !== caller.projectId)) throw volumeNotFound(id);
  return volumeOf(row);
}

export async function createVolume(c: Cinder, caller: CinderCaller, body: unknown, fixedId?: string): Promise<VolumeRow> {
  const input = envelope(body, 'volume');
  const v = checked(def, input, 'create');
  const image = v['imageRef'] as string | null;
  authorize(caller, image ? 'volume:create_from_image' : 'volume:create');
  const name = (v['name'] ?? v['display_name'] ?? null) as string | null;
  const description = (v['description'] ?? v['display_description'] ?? null) as string | null;
  const zone = (v['availability_zone'] as string | null) ?? ZONE;
  if (zone !== ZONE) throw new BadRequest(`Availability zone '${zone}' is invalid.`, 'InvalidAvailabilityZone');
  if (v['multiattach'] === true) throw new InvalidVolume('multiattach is not supported by the file backend.');
  const sources = ['snapshot_id', 'source_volid', 'imageRef'].filter((k) => v[k] != null);
  if (sources.length > 1) throw new BadRequest('Cannot create volume from more than one source.', 'InvalidInput');
  const now = stamp();
  const id = fixedId ?? newUuid();
  let size = v['size'] as number | null;
  let bootable = false;
  let imageMetadata: Record<string, unknown> | null = null;
  const row = await c.store.tx(async (tx) => {
    let type = v['volume_type'] != null ? await findType(tx.db, caller, String(v['volume_type'])) : undefined;
    if (v['snapshot_id'] != null) {
      const snap = await tx.db.selectFrom('volume_snapshots').selectAll().where('id', '=', String(v['snapshot_id'])).executeTakeFirst();
      if (!snap || (!caller.isAdmin && snap.project_id !== caller.projectId)) throw snapshotNotFound(String(v['snapshot_id']));
      if (snap.status !== 'available') throw new InvalidSnapshot("Originating snapshot status must be 'available' to create a volume.");
      if (size === null) size = snap.size;
      if (size < snap.size) throw new InvalidInput(`Volume size '${size}'GB cannot be smaller than the snapshot size ${snap.size}GB. They must be >= original snapshot size.`);
      const parent = await tx.db.selectFrom('volumes').select(['volume_type_id', 'bootable']).where('id', '=', snap.volume_id).executeTakeFirst();
      if (!type && parent) type = await findType(tx.db, caller, parent.volume_type_id);
      bootable = parent?.bootable === 1;
    }
    if (v['source_volid'] != null) {
      const src = await findVolume(c, caller, String(v['source_volid']), tx.db);
      if (!['available', 'in-use'].includes(src.status)) throw new InvalidVolume('Unable to create a volume from an originating source volume when its status is not available or in-use.');
      if (size === null) size = src.size;
      if (size < src.size) throw new InvalidInput(`Volume size '${size}'GB cannot be smaller than original volume size ${src.size}GB. They must be >= original volume size.`);
      if (!type) type = await findType(tx.db, caller, src.volume_type_id);
      bootable = src.bootable;
    }
    if (image) {
      const img = await tx.db.selectFrom('images').selectAll().where('id', '=', image).executeTakeFirst();
      const visible = img && (img.visibility === 'public' || img.visibility === 'community' || img.owner === caller.projectId || caller.isAdmin
        || !!(await tx.db.selectFrom('image_members').select('member_id').where('image_id', '=', image).where('member_id', '=', caller.projectId).where('status', '=', 'accepted').executeTakeFirst()));
      if (!img || !visible) throw new BadRequest('Invalid image identifier or unable to access requested image.');
      if (img.status !== 'active') throw new InvalidInput(`Image ${image} is not active.`);
      const gib = Math.max(1, Math.ceil(Number(img.size ?? 0) / 1024 ** 3));
      if (size !== null && size < gib) throw new InvalidInput(`Size of specified image ${gib}GB is larger than volume size ${size}GB.`);
      bootable = true;
      imageMetadata = {
        image_id: img.id, image_name: img.name, checksum: img.checksum, container_format: img.container_format, disk_format: img.disk_format,
        size: String(img.size ?? 0), min_disk: String(img.min_disk), min_ram: String(img.min_ram),
      };
    }
    if (size === null) throw new InvalidInput("Volume size 'None' must be an integer and greater than 0");
    type ??= await defaultType(tx.db);
    await checkQuota(tx, caller.projectId, 'volumes', size, type.name);
    const r: VolumeRow = {
      id, project_id: caller.projectId, user_id: caller.userId, name, description, size, status: 'creating', attach_status: 'detached',
      availability_zone: zone, host: c.backendHost, bootable, readonly: false, multiattach: false, volume_type_id: type.id,
      snapshot_id: (v['snapshot_id'] as string | null) ?? null, source_volid: (v['source_volid'] as string | null) ?? null, image_id: image,
      metadata: (v['metadata'] as Record<string, string>) ?? {}, image_metadata: imageMetadata, new_size: null, previous_status: null, upload_image_id: null,
      created_at: now, updated_at: null, launched_at: null,
    };
    await tx.db.insertInto('volumes').values(toRow(def, r) as never).execute();
    await tx.emit({ resource: 'volume', id, action: 'create', projectId: caller.projectId });
    return r;
  });
  c.kick('volume', id);
  return row;
}

export async function updateVolume(c: Cinder, caller: CinderCaller, id: string, body: unknown): Promise<VolumeRow> {
  const input = envelope(body, 'volume');
  const v = checked(def, input, 'update');
  if (!Object.keys(v).length) throw new BadRequest('Missing required element \'volume\' in request body.');
  const vol = await findVolume(c, caller, id);
  authorize(caller, 'volume:update', { project_id: vol.project_id });
  const changes: Partial<VolumeRow> = { updated_at: stamp() };
  if ('name' in v || 'display_name' in v) changes.name = ('name' in v ? v['name'] : v['display_name']) as string | null;
  if ('description' in v || 'display_description' in v) changes.description = ('description' in v ? v['description'] : v['display_description']) as string | null;
  if ('metadata' in v) changes.metadata = v['metadata'] as Record<string, string>;
  await c.store.tx(async (tx) => {
    await tx.db.updateTable('volumes').set(toRow(def, changes) as never).where('id', '=', id).execute();
    await tx.emit({ resource: 'volume', id, action: 'update', projectId: vol.project_id });
  });
  return { ...vol, ...changes };
}

const DELETABLE = ['available', 'error', 'error_restoring', 'error_extending', 'error_managing'];

/** Marks the volume (and with `cascade` its snapshots) `deleting`; the controller removes it. */
export async function deleteVolume(c: Cinder, caller: CinderCaller, id: string, opts: { cascade?: boolean; force?: boolean } = {}): Promise<void> {
  const vol = await findVolume(c, caller, id);
  authorize(caller, opts.force ? 'volume_extension:volume_admin_actions:force_delete' : 'volume:delete', { project_id: vol.project_id });
  await c.store.tx(async (tx) => {
    const now = await findVolume(c, caller, id, tx.db);
    const attached = await tx.db.selectFrom('volume_attachments').select('id').where('volume_id', '=', id).where('attach_status', '!=', 'detached').executeTakeFirst();
    if (!opts.force) {
      if (!DELETABLE.includes(now.status) || attached) {
        throw new InvalidVolume('Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.');
      }
    } else if (attached) throw new InvalidVolume('Volume must not be attached to be force deleted.');
    const snaps = await tx.db.selectFrom('volume_snapshots').select(['id', 'status']).where('volume_id', '=', id).execute();
    if (snaps.length && !opts.cascade) {
      throw new InvalidVolume('Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.');
    }
    if (opts.cascade && snaps.some((s) => !['available', 'error', 'deleting'].includes(s.status))) throw new InvalidVolume('Snapshot of volume not in a state that can be deleted.');
    await tx.db.updateTable('volume_snapshots').set({ status: 'deleting', updated_at: stamp() }).where('volume_id', '=', id).execute();
    await tx.db.updateTable('volumes').set({ status: 'deleting', updated_at: stamp() }).where('id', '=', id).execute();
    await tx.emit({ resource: 'volume', id, action: 'update', projectId: now.project_id });
  });
  c.kick('volume', id);
}

// --- metadata (/volumes/{id}/metadata) ---

function checkMetadata(body: unknown, key = 'metadata'): Record<string, string> {
  const inner = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)[key] : undefined;
  if (inner === undefined) throw new MalformedBody('Malformed request body');
  const bad = metadataType.check(inner);
  if (bad) throw new BadRequest(`Invalid input for field/attribute ${key}. ${bad}`, 'ValidationError');
  return inner as Record<string, string>;
}

export async function setVolumeMetadata(c: Cinder, caller: CinderCaller, id: string, body: unknown, replace: boolean, key?: string): Promise<Record<string, string>> {
  const vol = await findVolume(c, caller, id);
  authorize(caller, 'volume:update_volume_metadata', { project_id: vol.project_id });
  let given: Record<string, string>;
  if (key !== undefined) {
    given = checkMetadata(body, 'meta');
    if (Object.keys(given).length !== 1) throw new BadRequest('Request body contains too many items.');
    if (!(key in given)) throw new BadRequest('Request body and URI mismatch');
  } else given = checkMetadata(body);
  const next = replace ? given : { ...vol.metadata, ...given };
  await c.store.tx(async (tx) => {
    await tx.db.updateTable('volumes').set({ metadata: JSON.stringify(next), updated_at: stamp() }).where('id', '=', id).execute();
    await tx.emit({ resource: 'volume', id, action: 'update', projectId: vol.project_id });
  });
  return key !== undefined ? given : next;
}

export async function deleteVolumeMetadata(c: Cinder, caller: CinderCaller, id: string, key: string): Promise<void> {
  const vol = await findVolume(c, caller, id);
  authorize(caller, 'volume:delete_volume_metadata', { project_id: vol.project_id });
  if (!(key in vol.metadata)) throw new NotFound('Metadata item was not found', 'MetadataItemNotFound');
  const next = { ...vol.metadata };
  delete next[key];
  await c.store.tx(async (tx) => {
    await tx.db.updateTable('volumes').set({ metadata: JSON.stringify(next), updated_at: stamp() }).where('id', '=', id).execute();
    await tx.emit({ resource: 'volume', id, action: 'update', projectId: vol.project_id });
  });
}
