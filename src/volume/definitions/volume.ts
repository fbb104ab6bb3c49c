// The volume (Cinder's Volume): every body attribute once — create and update checks, the
// stored columns, filters and sort keys come from here; the view is views.ts (Cinder's shape
// differs from the row: host, tenant and attachments under extension names).
import { bool, defineResource, json, nullable, str, type AttrType } from '../../core/resource/index.js';

const describe = (v: unknown) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

/** Cinder's volume_size: an integer (or a string of digits) of at least 1. */
export const volumeSize: AttrType<number> = {
  name: 'integer',
  check(v) {
    if (typeof v === 'string' && !/^[0-9]+$/.test(v)) return `Value: ${v}. ${describe(v)} does not match '^[0-9]+$'`;
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n)) return `Value: ${JSON.stringify(v)}. ${describe(v)} is not of type 'integer', 'string'`;
    if (n < 1) return `Value: ${n}. ${n} is less than the minimum of 1`;
    if (n > 2 ** 31 - 1) return `Value: ${n}. ${n} is greater than the maximum of ${2 ** 31 - 1}`;
    return undefined;
  },
  convert: (v) => Number(v),
  fromQuery: (s) => (/^\d+$/.test(s) ? Number(s) : undefined),
};

/** Cinder's metadata: a dict of strings (keys 1–255, values up to 255). */
export const metadata = json<Record<string, string>>('dict', (v) => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return `Value: ${JSON.stringify(v)}. ${JSON.stringify(v)} is not of type 'object'`;
  for (const [k, x] of Object.entries(v)) {
    if (k.length < 1 || k.length > 255) return `Value: ${JSON.stringify(v)}. '${k}' does not match any of the regexes: '^[a-zA-Z0-9-_:. /]{1,255}$'`;
    if (typeof x !== 'string') return `Value: ${JSON.stringify(v)}. ${JSON.stringify(x)} is not of type 'string'`;
    if (x.length > 255) return `Value: ${JSON.stringify(v)}. '${x}' is too long`;
  }
  return undefined;
});

const name = nullable({ ...str({ max: 255 }), check: (v: unknown) => (typeof v === 'string' ? (v.length > 255 ? `Value: ${v}. '${v}' is too long` : undefined) : `Value: ${JSON.stringify(v)}. ${JSON.stringify(v)} is not of type 'string', 'null'`) });
const ref = nullable({ ...str(), check: (v: unknown) => (typeof v === 'string' ? undefined : `Value: ${JSON.stringify(v)}. ${JSON.stringify(v)} is not of type 'string', 'null'`) });

export const volume = defineResource({
  singular: 'volume', plural: 'volumes', table: 'volumes',
  attributes: {
    id: { type: str(), sort: true },
    project_id: { type: str(), sort: true },
    user_id: { type: str() },
    name: { type: name, create: true, update: true, default: null, filter: true, sort: true },
    description: { type: name, create: true, update: true, default: null, sort: true },
    size: { type: nullable(volumeSize), create: true, default: null, filter: true, sort: true },
    status: { type: str(), filter: true, sort: true },
    attach_status: { type: str() },
    availability_zone: { type: ref, create: true, default: null, filter: true, sort: true },
    host: { type: str() },
    bootable: { type: bool, filter: true, sort: true },
    readonly: { type: bool },
    multiattach: { type: nullable(bool), create: true, default: false },
    volume_type_id: { type: str() },
    volume_type: { type: ref, create: true, default: null, stored: false },
    snapshot_id: { type: ref, create: true, default: null },
    source_volid: { type: ref, create: true, default: null },
    imageRef: { type: ref, create: true, default: null, stored: false },
    image_id: { type: ref },
    metadata: { type: metadata, create: true, update: true, default: {} },
    image_metadata: { type: nullable(json()) },
    new_size: { type: nullable(volumeSize) },
    previous_status: { type: nullable(str()) },
    upload_image_id: { type: nullable(str()), visible: false },
    created_at: { type: str(), sort: true },
    updated_at: { type: nullable(str()), sort: true },
    launched_at: { type: nullable(str()) },
    // Accepted for compatibility, not kept: Pier has no consistency groups, groups or backups.
    consistencygroup_id: { type: ref, create: true, stored: false },
    group_id: { type: ref, create: true, stored: false },
    backup_id: { type: ref, create: true, stored: false },
    scheduler_hints: { type: nullable(json()), create: true, stored: false },
    // Cinder v1's names for name and description, still accepted.
    display_name: { type: name, create: true, update: true, stored: false },
    display_description: { type: name, create: true, update: true, stored: false },
  },
});

export type VolumeRow = {
  id: string; project_id: string; user_id: string; name: string | null; description: string | null; size: number; status: string;
  attach_status: string; availability_zone: string; host: string; bootable: boolean; readonly: boolean; multiattach: boolean;
  volume_type_id: string; snapshot_id: string | null; source_volid: string | null; image_id: string | null;
  metadata: Record<string, string>; image_metadata: Record<string, unknown> | null; new_size: number | null; previous_status: string | null; upload_image_id: string | null;
  created_at: string; updated_at: string | null; launched_at: string | null;
};
