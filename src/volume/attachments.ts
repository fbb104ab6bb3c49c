// Attachments, both flows on one table: the 3.27+ attachments API (create → update with a
// connector → os-complete → delete; Nova's), the older volume actions (os-reserve, os-attach,
// os-begin_detaching, os-detach …; Zun's), and Nova's in-process attach to a server, whose
// kernel half runs on the server's compute host (server-volumes.ts). A volume's status always
// follows from its attachments (`settle`).
import { newUuid } from '../core/ids.js';
import type { Tx } from '../store/index.js';
import { authorize, stamp, type Cinder, type CinderCaller } from './context.js';
import type { VolumeRow } from './definitions/volume.js';
import { attachmentNotFound, BadRequest, InvalidVolume, NotFound } from './errors.js';
import type { VolumeTables } from './tables.js';
import { findVolume } from './volumes.js';

export type AttachmentRow = VolumeTables['volume_attachments'];

const STATUS_FROM: [string, string, string][] = [
  // attachment status present → volume status, attach_status
  ['attached', 'in-use', 'attached'], ['detaching', 'detaching', 'attached'], ['attaching', 'attaching', 'attaching'], ['reserved', 'reserved', 'detached'],
];

/**
 * Makes the volume's status what its attachments say (available when it has none). `released`:
 * an attachment was just removed, so an `attaching` volume without one is not os-reserve's.
 */
export async function settle(tx: Tx, volumeId: string, released = false): Promise<void> {
  const vol = await tx.db.selectFrom('volumes').select(['status', 'project_id']).where('id', '=', volumeId).executeTakeFirst();
  if (!vol || ['deleting', 'error_deleting', 'creating', 'extending', 'reverting', 'uploading'].includes(vol.status)) return;
  const atts = await tx.db.selectFrom('volume_attachments').select('attach_status').where('volume_id', '=', volumeId).execute();
  const [, status, attach] = STATUS_FROM.find(([a]) => atts.some((x) => x.attach_status === a)) ?? ['', 'available', 'detached'];
  // A volume attached the old way (os-reserve) has no attachment row until os-attach.
  if (!atts.length && vol.status === 'attaching' && !released) return;
  await tx.db.updateTable('volumes').set({ status, attach_status: attach, updated_at: stamp() }).where('id', '=', volumeId).execute();
  await tx.emit({ resource: 'volume', id: volumeId, action: 'update', projectId: vol.project_id });
}

function refuseAttach(vol: VolumeRow, states = ['available']): void {
  if (!states.includes(vol.status)) {
    throw new InvalidVolume(`Volume ${vol.id} status must be ${states.join(' or ')} to reserve, but the current status is ${vol.status}.`);
  }
}

export async function findAttachment(c: Cinder, caller: CinderCaller, id: string, db: Cinder['store']['db'] | Tx['db'] = c.store.db): Promise<AttachmentRow> {
  const a = await db.selectFrom('volume_attachments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!a || (!caller.isAdmin && a.project_id !== caller.projectId)) throw attachmentNotFound(id);
  return a;
}

function newAttachment(vol: VolumeRow, fields: Partial<AttachmentRow>): AttachmentRow {
  return {
    id: newUuid(), volume_id: vol.id, project_id: vol.project_id, instance_uuid: null, attached_host: null, mountpoint: null,
    attach_status: 'reserved', attach_mode: 'rw', connector: null, tag: null, delete_on_termination: 0,
    attach_time: null, detach_time: null, created_at: stamp(), updated_at: null, ...fields,
  };
}

// --- the attachments API (3.27+) ---

export async function createAttachment(c: Cinder, caller: CinderCaller, body: unknown): Promise<AttachmentRow> {
  const b = (body as { attachment?: Record<string, unknown> } | null)?.attachment;
  if (!b || typeof b !== 'object') throw new BadRequest("Missing required element 'attachment' in request body.");
  if (typeof b['volume_uuid'] !== 'string') throw new BadRequest("Invalid input for field/attribute attachment. Value: " + JSON.stringify(b) + ". 'volume_uuid' is a required property", 'ValidationError');
  const connector = b['connector'] ?? null;
  if (connector !== null && (typeof connector !== 'object' || Array.isArray(connector))) throw new BadRequest('Invalid input for field/attribute connector. Value: ' + JSON.stringify(connector) + ". is not of type 'object', 'null'", 'ValidationError');
  const mode = b['mode'] ?? 'rw';
  if (mode !== 'rw' && mode !== 'ro') throw new BadRequest(`Invalid input received: Invalid attachment mode '${String(mode)}' for volume ${String(b['volume_uuid'])}.`, 'InvalidVolumeAttachMode');
  return c.store.tx(async (tx) => {
    const vol = await findVolume(c, caller, b['volume_uuid'] as string, tx.db);
    authorize(caller, 'volume:attachment_create', { project_id: vol.project_id });
    refuseAttach(vol, ['available', 'reserved']);
    const a = newAttachment(vol, {
      instance_uuid: (b['instance_uuid'] as string | undefined) ?? null, attach_mode: String(mode),
      attach_status: connector ? 'attaching' : 'reserved', connector: connector ? JSON.stringify(connector) : null,
      attached_host: connector ? String((connector as Record<string, unknown>)['host'] ?? '') || null : null,
      mountpoint: connector ? String((connector as Record<string, unknown>)['mountpoint'] ?? '') || null : null,
    });
    await tx.db.insertInto('volume_attachments').values(a).execute();
    await settle(tx, vol.id);
    return a;
  });
}

export async function updateAttachment(c: Cinder, caller: CinderCaller, id: string, body: unknown): Promise<AttachmentRow> {
  const connector = (body as { attachment?: { connector?: unknown } } | null)?.attachment?.connector;
  if (!connector || typeof connector !== 'object' || Array.isArray(connector)) throw new BadRequest("Invalid input for field/attribute attachment. 'connector' is a required property", 'ValidationError');
  return c.store.tx(async (tx) => {
    const a = await findAttachment(c, caller, id, tx.db);
    authorize(caller, 'volume:attachment_update', { project_id: a.project_id });
    const k = connector as Record<string, unknown>;
    const next = { ...a, connector: JSON.stringify(k), attach_status: a.attach_status === 'attached' ? 'attached' : 'attaching', attached_host: (k['host'] as string | undefined) ?? a.attached_host, mountpoint: (k['mountpoint'] as string | undefined) ?? a.mountpoint, updated_at: stamp() };
    await tx.db.updateTable('volume_attachments').set(next).where('id', '=', id).execute();
    await settle(tx, a.volume_id);
    return next;
  });
}

export async function completeAttachment(c: Cinder, caller: CinderCaller, id: string): Promise<void> {
  await c.store.tx(async (tx) => {
    const a = await findAttachment(c, caller, id, tx.db);
    authorize(caller, 'volume:attachment_complete', { project_id: a.project_id });
    await tx.db.updateTable('volume_attachments').set({ attach_status: 'attached', attach_time: stamp(), updated_at: stamp() }).where('id', '=', id).execute();
    await settle(tx, a.volume_id);
  });
}

export async function deleteAttachment(c: Cinder, caller: CinderCaller, id: string): Promise<AttachmentRow[]> {
  return c.store.tx(async (tx) => {
    const a = await findAttachment(c, caller, id, tx.db);
    authorize(caller, 'volume:attachment_delete', { project_id: a.project_id });
    await tx.db.deleteFrom('volume_attachments').where('id', '=', id).execute();
    await settle(tx, a.volume_id, true);
    return tx.db.selectFrom('volume_attachments').selectAll().where('volume_id', '=', a.volume_id).execute();
  });
}

// --- the older volume actions ---

/** os-reserve, os-unreserve, os-begin_detaching, os-roll_detaching: a status step, checked. */
export async function stepStatus(c: Cinder, caller: CinderCaller, id: string, action: 'reserve' | 'unreserve' | 'begin_detaching' | 'roll_detaching'): Promise<void> {
  await c.store.tx(async (tx) => {
    const vol = await findVolume(c, caller, id, tx.db);
    authorize(caller, `volume_extension:volume_actions:${action}`, { project_id: vol.project_id });
    const [from, to] = ({ reserve: [['available'], 'attaching'], unreserve: [['attaching'], 'available'], begin_detaching: [['in-use'], 'detaching'], roll_detaching: [['detaching'], 'in-use'] } as const)[action];
    if (!(from as readonly string[]).includes(vol.status)) {
      if (action === 'unreserve' || action === 'roll_detaching') return; // OpenStack: a no-op when there is nothing to undo
      throw new InvalidVolume(action === 'reserve'
        ? `Volume ${id} status must be available or downloading to reserve, but the current status is ${vol.status}.`
        : `Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.`);
    }
    await tx.db.updateTable('volumes').set({ status: to, updated_at: stamp() }).where('id', '=', id).execute();
    if (action === 'begin_detaching' || action === 'roll_detaching') {
      await tx.db.updateTable('volume_attachments').set({ attach_status: to === 'detaching' ? 'detaching' : 'attached' }).where('volume_id', '=', id)
        .where('attach_status', '=', to === 'detaching' ? 'attached' : 'detaching').execute();
    }
    await tx.emit({ resource: 'volume', id, action: 'update', projectId: vol.project_id });
  });
}

/** os-attach: the volume is attached to an instance or a host at a mountpoint. */
export async function attachAction(c: Cinder, caller: CinderCaller, id: string, b: Record<string, unknown>): Promise<void> {
  const instance = b['instance_uuid'] ?? null;
  const host = b['host_name'] ?? null;
  if (instance === null && host === null) throw new BadRequest('Invalid request to attach volume to an invalid target');
  const mode = b['mode'] ?? 'rw';
  if (mode !== 'rw' && mode !== 'ro') throw new BadRequest('Invalid request to attach volume with an invalid mode. Attaching mode should be \'rw\' or \'ro\'');
  if (typeof b['mountpoint'] !== 'string') throw new BadRequest("Invalid input for field/attribute os-attach. 'mountpoint' is a required property", 'ValidationError');
  await c.store.tx(async (tx) => {
    const vol = await findVolume(c, caller, id, tx.db);
    authorize(caller, 'volume_extension:volume_actions:attach', { project_id: vol.project_id });
    refuseAttach(vol, ['available', 'attaching', 'reserved']);
    if (vol.readonly && mode === 'rw') throw new BadRequest(`Invalid input received: Invalid attaching mode 'rw' for volume ${id}.`, 'InvalidVolumeAttachMode');
    const a = newAttachment(vol, { instance_uuid: instance as string | null, attached_host: host as string | null, mountpoint: b['mountpoint'] as string, attach_mode: String(mode), attach_status: 'attached', attach_time: stamp() });
    await tx.db.deleteFrom('volume_attachments').where('volume_id', '=', id).where('attach_status', 'in', ['reserved', 'attaching']).execute();
    await tx.db.insertInto('volume_attachments').values(a).execute();
    await settle(tx, id);
  });
}

/** os-detach: the attachment named (or the only one) is gone. */
export async function detachAction(c: Cinder, caller: CinderCaller, id: string, attachmentId: unknown): Promise<void> {
  await c.store.tx(async (tx) => {
    const vol = await findVolume(c, caller, id, tx.db);
    authorize(caller, 'volume_extension:volume_actions:detach', { project_id: vol.project_id });
    const atts = await tx.db.selectFrom('volume_attachments').selectAll().where('volume_id', '=', id).execute();
    if (!atts.length) throw new InvalidVolume('Volume must be attached in order to detach.');
    const gone = typeof attachmentId === 'string' ? atts.filter((a) => a.id === attachmentId) : atts.length === 1 ? atts : [];
    if (!gone.length) throw typeof attachmentId === 'string' ? new NotFound(`Volume attachment could not be found with filter: attachment_id = ${attachmentId}.`, 'VolumeAttachmentNotFound') : new InvalidVolume('Volume has more than one attachment: an attachment_id is needed.');
    await tx.db.deleteFrom('volume_attachments').where('id', 'in', gone.map((a) => a.id)).execute();
    await settle(tx, id);
  });
}

// --- Nova's attach of a volume to a server (in-process) ---

export interface ServerAttachRequest {
  volumeId: string; serverId: string; host: string; device: string; tag: string | null; deleteOnTermination: boolean;
}

/** Reserves the volume for the server (attachment `attaching`); the server's compute host does the rest. */
export async function attachToServer(c: Cinder, caller: CinderCaller, r: ServerAttachRequest): Promise<AttachmentRow> {
  const a = await c.store.tx(async (tx) => {
    const vol = await findVolume(c, caller, r.volumeId, tx.db);
    authorize(caller, 'volume:attachment_create', { project_id: vol.project_id });
    refuseAttach(vol);
    const row = newAttachment(vol, {
      instance_uuid: r.serverId, attached_host: r.host, mountpoint: r.device, attach_status: 'attaching', tag: r.tag,
      delete_on_termination: r.deleteOnTermination ? 1 : 0, connector: JSON.stringify({ host: r.host, mountpoint: r.device }),
    });
    await tx.db.insertInto('volume_attachments').values(row).execute();
    await settle(tx, vol.id);
    // The server's compute host converges its volumes on the server's events.
    await tx.emit({ resource: 'server', id: r.serverId, action: 'update', projectId: vol.project_id });
    return row;
  });
  return a;
}

/** Starts detaching the volume from the server (attachment `detaching`); the compute host finishes it. */
export async function detachFromServer(c: Cinder, caller: CinderCaller, volumeId: string, serverId: string): Promise<void> {
  await c.store.tx(async (tx) => {
    const vol = await findVolume(c, caller, volumeId, tx.db);
    authorize(caller, 'volume:attachment_delete', { project_id: vol.project_id });
    const a = await tx.db.selectFrom('volume_attachments').selectAll().where('volume_id', '=', volumeId).where('instance_uuid', '=', serverId).executeTakeFirst();
    if (!a) throw new NotFound(`Volume ${volumeId} is not attached to server ${serverId}`, 'VolumeBDMNotFound');
    if (a.attach_status === 'attaching') throw new InvalidVolume(`Volume ${volumeId} is still attaching to server ${serverId}.`);
    await tx.db.updateTable('volume_attachments').set({ attach_status: 'detaching', updated_at: stamp() }).where('id', '=', a.id).execute();
    await settle(tx, volumeId);
    await tx.emit({ resource: 'server', id: serverId, action: 'update', projectId: vol.project_id });
  });
}

/** Every attachment of these servers, oldest first. */
export async function serverAttachments(c: Cinder, serverIds: readonly string[]): Promise<AttachmentRow[]> {
  if (!serverIds.length) return [];
  return c.store.db.selectFrom('volume_attachments').selectAll().where('instance_uuid', 'in', [...serverIds]).orderBy('created_at').orderBy('id').execute();
}
