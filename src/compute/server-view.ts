// How a server looks on the wire: Nova's status from vm_state + task_state, and the summary /
// detail views with the attributes each microversion adds (2.3 extended attributes, 2.9 locked,
// 2.16 host_status, 2.19 description, 2.26 tags, 2.47 embedded flavor, 2.63, 2.73).
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { NovaCaller } from './context.js';
import { embeddedFlavor, resourceLinks, type FlavorRow } from './flavors.js';
import { atLeast, baseUrlOf, type Asked } from './microversion.js';
import type { Addresses } from './ports.js';
import type { ComputeTables } from './tables.js';

export type ServerRow = ComputeTables['servers'];

export const POWER = { NOSTATE: 0, RUNNING: 1, PAUSED: 3, SHUTDOWN: 4, CRASHED: 6 } as const;

/** Nova's API status of a server. */
export function statusOf(s: Pick<ServerRow, 'vm_state' | 'task_state'>): string {
  if (s.task_state === 'deleting') return s.vm_state === 'error' ? 'ERROR' : 'ACTIVE';
  switch (s.vm_state) {
    case 'building': return 'BUILD';
    case 'active':
      if (s.task_state === 'rebooting') return 'REBOOT';
      if (s.task_state === 'rebooting_hard') return 'HARD_REBOOT';
      if (s.task_state === 'rebuilding') return 'REBUILD';
      return 'ACTIVE';
    case 'stopped': return s.task_state === 'rebuilding' ? 'REBUILD' : 'SHUTOFF';
    case 'paused': return 'PAUSED';
    case 'error': return s.task_state === 'rebuilding' ? 'REBUILD' : 'ERROR';
    default: return 'UNKNOWN';
  }
}

/** `statusOf` as SQL over the servers table, for the `status` list filter (a test holds the two together). */
export const STATUS_SQL = sql<string>`case
  when servers.task_state = 'deleting' then (case when servers.vm_state = 'error' then 'ERROR' else 'ACTIVE' end)
  when servers.vm_state = 'building' then 'BUILD'
  when servers.vm_state = 'active' then (case servers.task_state when 'rebooting' then 'REBOOT' when 'rebooting_hard' then 'HARD_REBOOT'
    when 'rebuilding' then 'REBUILD' else 'ACTIVE' end)
  when servers.vm_state = 'stopped' then (case when servers.task_state = 'rebuilding' then 'REBUILD' else 'SHUTOFF' end)
  when servers.vm_state = 'paused' then 'PAUSED'
  when servers.vm_state = 'error' then (case when servers.task_state = 'rebuilding' then 'REBUILD' else 'ERROR' end)
  else 'UNKNOWN' end`;

/** Every status a `status` filter may name (Nova's; those Pier never has match nothing). */
export const STATUSES = new Set(['ACTIVE', 'BUILD', 'SHUTOFF', 'PAUSED', 'ERROR', 'REBOOT', 'HARD_REBOOT', 'REBUILD', 'DELETED', 'SUSPENDED',
  'RESCUE', 'RESIZE', 'VERIFY_RESIZE', 'SHELVED', 'SHELVED_OFFLOADED', 'SOFT_DELETED', 'MIGRATING', 'UNKNOWN']);

/** `2026-12-01T07:20:20.000000` — Nova's launched_at form (no zone). */
const micro = (iso: string | null) => (iso ? `${iso.slice(0, 19)}.000000` : null);
const seconds = (iso: string) => `${iso.slice(0, 19)}Z`;

export function serverSummary(req: Asked, s: ServerRow): Record<string, unknown> {
  return { id: s.id, name: s.name, links: resourceLinks(req, 'servers', s.id) };
}

/** A volume attached to a server, as its view lists it. */
export interface AttachedVolume { id: string; delete_on_termination: boolean }

export function serverDetail(req: Asked, caller: NovaCaller, s: ServerRow, addresses: Addresses, volumes: readonly AttachedVolume[] = []): Record<string, unknown> {
  const status = statusOf(s);
  const flavor = JSON.parse(s.flavor) as FlavorRow;
  const bookmark = (kind: string, id: string) => [{ rel: 'bookmark', href: `${baseUrlOf(req)}/compute/${kind}/${id}` }];
  const v: Record<string, unknown> = {
    id: s.id, name: s.name, status, tenant_id: s.project_id, user_id: s.user_id, metadata: JSON.parse(s.metadata),
    hostId: s.host ? createHash('sha224').update(s.project_id + s.host).digest('hex') : '',
    // OpenStack: a server booted from a volume shows its image as "".
    image: s.image_id ? { id: s.image_id, links: bookmark('images', s.image_id) } : '',
    flavor: atLeast(req, 2, 47) ? embeddedFlavor(flavor) : { id: s.flavor_id, links: bookmark('flavors', s.flavor_id) },
    created: seconds(s.created_at), updated: seconds(s.updated_at), addresses, accessIPv4: s.access_ipv4, accessIPv6: s.access_ipv6,
    links: resourceLinks(req, 'servers', s.id), 'OS-DCF:diskConfig': 'MANUAL',
    'OS-EXT-AZ:availability_zone': s.availability_zone, config_drive: s.config_drive, key_name: s.key_name,
    'OS-SRV-USG:launched_at': micro(s.launched_at), 'OS-SRV-USG:terminated_at': micro(s.terminated_at),
    'OS-EXT-STS:task_state': s.task_state, 'OS-EXT-STS:vm_state': s.vm_state, 'OS-EXT-STS:power_state': s.power_state,
    'os-extended-volumes:volumes_attached': volumes.map((a) => (atLeast(req, 2, 3) ? { id: a.id, delete_on_termination: a.delete_on_termination } : { id: a.id })),
  };
  // OpenStack: a server in no security group shows no security_groups key at all.
  const groups = JSON.parse(s.security_groups) as string[];
  if (groups.length) v.security_groups = groups.map((name) => ({ name }));
  if (status === 'BUILD' || status === 'ACTIVE') v.progress = 0;
  if (caller.isAdmin) {
    Object.assign(v, { 'OS-EXT-SRV-ATTR:host': s.host || null, 'OS-EXT-SRV-ATTR:hypervisor_hostname': s.host || null, 'OS-EXT-SRV-ATTR:instance_name': `instance-${s.id.slice(0, 8)}` });
    if (atLeast(req, 2, 3)) {
      Object.assign(v, {
        'OS-EXT-SRV-ATTR:reservation_id': s.reservation_id, 'OS-EXT-SRV-ATTR:launch_index': s.launch_index, 'OS-EXT-SRV-ATTR:hostname': s.hostname,
        'OS-EXT-SRV-ATTR:kernel_id': '', 'OS-EXT-SRV-ATTR:ramdisk_id': '', 'OS-EXT-SRV-ATTR:root_device_name': '/dev/vda', 'OS-EXT-SRV-ATTR:user_data': s.user_data,
      });
    }
    if (atLeast(req, 2, 16)) v.host_status = s.host ? 'UP' : '';
  }
  if (s.fault && (status === 'ERROR')) {
    const f = JSON.parse(s.fault) as { code: number; message: string; details?: string; created: string };
    v.fault = { code: f.code, created: f.created, message: f.message, ...(caller.isAdmin || f.code !== 500 ? { details: f.details ?? '' } : {}) };
  }
  if (atLeast(req, 2, 9)) v.locked = s.locked === 1;
  if (atLeast(req, 2, 19)) v.description = s.description;
  if (atLeast(req, 2, 26)) v.tags = JSON.parse(s.tags);
  if (atLeast(req, 2, 63)) v.trusted_image_certificates = null;
  if (atLeast(req, 2, 73)) v.locked_reason = s.locked_reason;
  return v;
}

/** What a server update or rebuild answers before 2.75: the core of the detail, without the extensions' fields. */
const UPDATE_KEYS = new Set(['id', 'name', 'status', 'tenant_id', 'user_id', 'metadata', 'hostId', 'image', 'flavor', 'created', 'updated', 'addresses',
  'accessIPv4', 'accessIPv6', 'links', 'OS-DCF:diskConfig', 'progress', 'fault', 'locked', 'description', 'tags', 'trusted_image_certificates', 'locked_reason', 'adminPass']);
export function updateView(req: Asked, v: Record<string, unknown>, row?: ServerRow): Record<string, unknown> {
  // A rebuild (given its row) also answers key_name from 2.54 and user_data from 2.57.
  const rebuilt = row ? { ...(atLeast(req, 2, 54) ? { key_name: row.key_name } : {}), ...(atLeast(req, 2, 57) ? { user_data: row.user_data } : {}) } : {};
  if (atLeast(req, 2, 75)) {
    // OpenStack: from 2.57 a rebuild names the user data itself, not in the admin's OS-EXT-SRV-ATTR.
    const out: Record<string, unknown> = { ...v, ...rebuilt };
    if (row && atLeast(req, 2, 57)) delete out['OS-EXT-SRV-ATTR:user_data'];
    return out;
  }
  const out = Object.fromEntries(Object.entries(v).filter(([k]) => UPDATE_KEYS.has(k)));
  // OpenStack: these answers' addresses carry only version and addr (no OS-EXT-IPS fields).
  const addresses = v.addresses as Record<string, { version: number; addr: string }[]> | undefined;
  if (addresses) out.addresses = Object.fromEntries(Object.entries(addresses).map(([n, l]) => [n, l.map((a) => ({ version: a.version, addr: a.addr }))]));
  return { ...out, ...rebuilt };
}
