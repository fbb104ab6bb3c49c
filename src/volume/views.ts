// Cinder's response shapes: links on everything; a volume's tenant, host and migration under
// their extension names (host and migration for admins), its attachments, its type by name,
// `bootable` as the strings "true"/"false", and the fields each microversion added.
import type { Store } from '../store/index.js';
import type { CinderCaller } from './context.js';
import type { SnapshotRow } from './definitions/snapshot.js';
import type { VolumeRow } from './definitions/volume.js';
import type { VolumeTypeRow } from './definitions/volume-type.js';
import type { VolumeTables } from './tables.js';

export interface ViewContext {
  /** `<scheme://host>/volume` */
  base: string;
  /** The project id the URL names (links use it). */
  project: string;
  minor: number;
  caller: CinderCaller;
}

export const links = (v: ViewContext, kind: string, id: string) => [
  { href: `${v.base}/v3/${v.project}/${kind}/${id}`, rel: 'self' },
  { href: `${v.base}/${v.project}/${kind}/${id}`, rel: 'bookmark' },
];

type AttachmentRow = VolumeTables['volume_attachments'];

/** What a volume view needs besides the row: its type's name and its attachments. */
export interface VolumeExtras { typeName: string; attachments: AttachmentRow[] }

export async function volumeExtras(store: Store, rows: readonly VolumeRow[]): Promise<Map<string, VolumeExtras>> {
  const out = new Map<string, VolumeExtras>();
  if (!rows.length) return out;
  const types = new Map((await store.db.selectFrom('volume_types').select(['id', 'name']).execute()).map((t) => [t.id, t.name]));
  const ids = rows.map((r) => r.id);
  const atts = await store.db.selectFrom('volume_attachments').selectAll().where('volume_id', 'in', ids).orderBy('created_at').execute();
  for (const r of rows) out.set(r.id, { typeName: types.get(r.volume_type_id) ?? r.volume_type_id, attachments: atts.filter((a) => a.volume_id === r.id) });
  return out;
}

export const volumeSummary = (v: ViewContext, r: VolumeRow) => ({ id: r.id, links: links(v, 'volumes', r.id), name: r.name });

/** `extended`: show and detail add the extensions' attributes (tenant, host, migration, image metadata); create and update answers have none, as Cinder's. */
export function volumeView(v: ViewContext, r: VolumeRow, x: VolumeExtras, extended = true): Record<string, unknown> {
  const out: Record<string, unknown> = {
    attachments: x.attachments.filter((a) => a.attach_status === 'attached').map((a) => ({
      server_id: a.instance_uuid, attachment_id: a.id, attached_at: a.attach_time, host_name: a.attached_host, volume_id: r.id, device: a.mountpoint, id: r.id,
    })),
    availability_zone: r.availability_zone, bootable: String(r.bootable), consistencygroup_id: null, created_at: r.created_at,
    description: r.description, encrypted: false, id: r.id, links: links(v, 'volumes', r.id), metadata: r.metadata,
    migration_status: null, multiattach: r.multiattach, name: r.name, ...(extended ? { 'os-vol-tenant-attr:tenant_id': r.project_id } : {}),
    replication_status: null, size: r.size, snapshot_id: r.snapshot_id, source_volid: r.source_volid, status: r.status,
    updated_at: r.updated_at, user_id: r.user_id, volume_type: x.typeName,
  };
  if (v.caller.isAdmin && extended) {
    Object.assign(out, { 'os-vol-host-attr:host': r.host, 'os-vol-mig-status-attr:migstat': null, 'os-vol-mig-status-attr:name_id': null });
  }
  if (r.image_metadata && extended) out['volume_image_metadata'] = r.image_metadata;
  if (v.minor >= 13) out['group_id'] = null;
  if (v.minor >= 21) out['provider_id'] = null;
  if (v.minor >= 48) { out['shared_targets'] = false; if (v.caller.isAdmin) out['service_uuid'] = null; }
  if (v.minor >= 61 && v.caller.isAdmin) out['cluster_name'] = null;
  if (v.minor >= 63) out['volume_type_id'] = r.volume_type_id;
  if (v.minor >= 65) out['consumes_quota'] = true;
  return out;
}

/** `extended`: show and list add the extended snapshot attributes; create and update answers have none. */
export function snapshotView(v: ViewContext, s: SnapshotRow, extended = true): Record<string, unknown> {
  const out: Record<string, unknown> = {
    status: s.status, size: s.size, metadata: s.metadata, name: s.name, volume_id: s.volume_id, created_at: s.created_at,
    description: s.description, id: s.id, updated_at: s.updated_at,
  };
  if (extended) {
    out['os-extended-snapshot-attributes:progress'] = s.status === 'available' ? '100%' : '0%';
    out['os-extended-snapshot-attributes:project_id'] = s.project_id;
  }
  if (v.minor >= 14) out['group_snapshot_id'] = null;
  if (v.minor >= 41) out['user_id'] = s.user_id;
  if (v.minor >= 65) out['consumes_quota'] = true;
  return out;
}

/** OpenStack: extra specs and the QoS id are shown to admins only (Cinder's access_types_* policies); a create answer has no QoS id. */
export function typeView(v: ViewContext, t: VolumeTypeRow, created = false): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: t.id, name: t.name, description: t.description, is_public: t.is_public, 'os-volume-type-access:is_public': t.is_public,
  };
  if (v.caller.isAdmin) {
    out['extra_specs'] = t.extra_specs;
    if (!created) out['qos_specs_id'] = null;
  }
  return out;
}

export function attachmentView(a: AttachmentRow, detail = true): Record<string, unknown> {
  const base = { id: a.id, status: a.attach_status, instance: a.instance_uuid, volume_id: a.volume_id };
  if (!detail) return base;
  return {
    ...base, attached_at: a.attach_time, detached_at: a.detach_time, attach_mode: a.attach_mode,
    connection_info: a.connector ? connectionInfo(a) : null,
  };
}

/** The file backend's connection info: the local file holding the volume (Cinder's `local` connector kind). */
export function connectionInfo(a: { volume_id: string; attach_mode: string }, path?: string): Record<string, unknown> {
  return { driver_volume_type: 'local', data: { volume_id: a.volume_id, access_mode: a.attach_mode, ...(path ? { device_path: path } : {}) } };
}
