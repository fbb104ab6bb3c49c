import { bool, defineResource, json, listOf, noneAsEmpty, oneOf, str, uuid } from '../../core/resource/index.js';
import { ipAddress, macAddress } from '../types.js';
import { description, name, owned, standard } from './common.js';

/** `{"subnet_id": …}`, `{"ip_address": …}` or both. */
export const fixedIp = json<{ subnet_id?: string; ip_address?: string }>('fixed ip', (v) => {
  const f = v as Record<string, unknown> | null;
  if (f === null || typeof f !== 'object' || Array.isArray(f)) return `${JSON.stringify(v)} is not a valid fixed IP`;
  for (const k of Object.keys(f)) if (k !== 'subnet_id' && k !== 'ip_address') return `Unrecognized attribute(s) '${k}'`;
  if (f.subnet_id !== undefined && uuid.check(f.subnet_id)) return uuid.check(f.subnet_id);
  if (f.ip_address !== undefined) return ipAddress.check(f.ip_address);
  return undefined;
});

export const addressPair = json<{ ip_address: string; mac_address?: string }>('address pair', (v) => {
  const p = v as Record<string, unknown> | null;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return `${JSON.stringify(v)} is not a valid address pair`;
  if (p.ip_address === undefined) return 'AllowedAddressPair must contain ip_address';
  for (const k of Object.keys(p)) if (k !== 'ip_address' && k !== 'mac_address') return `Unrecognized attribute(s) '${k}'`;
  const ip = String(p.ip_address);
  const bad = ip.includes('/') ? undefined : ipAddress.check(ip);
  return bad ?? (p.mac_address !== undefined ? macAddress.check(p.mac_address) : undefined);
});

export interface ExtraDhcpOpt { opt_name: string; opt_value: string | null; ip_version: 4 | 6 }

/** extra_dhcp_opt's key specs: opt_name (≤ 64), opt_value (≤ 255, or null to remove it), ip_version 4|6. */
const extraDhcpOpt = json<ExtraDhcpOpt>('extra DHCP option', (v) => {
  const o = v as Record<string, unknown> | null;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return `${JSON.stringify(v)} is not a dictionary`;
  for (const k of Object.keys(o)) if (!['opt_name', 'opt_value', 'ip_version'].includes(k)) return `Unrecognized attribute(s) '${k}'`;
  if (typeof o.opt_name !== 'string' || !o.opt_name || o.opt_name.length > 64) return `'${String(o.opt_name)}' is not a valid opt_name`;
  if (!('opt_value' in o)) return "Validation of dictionary's keys failed. Expected keys: {'opt_name', 'opt_value'}";
  if (o.opt_value !== null && (typeof o.opt_value !== 'string' || !o.opt_value || o.opt_value.length > 255)) return `'${String(o.opt_value)}' is not a valid opt_value`;
  if (o.ip_version !== undefined && ![4, 6, '4', '6'].includes(o.ip_version as never)) return `${JSON.stringify(o.ip_version)} is not in [4, 6]`;
  return undefined;
});

export const VNIC_TYPES = ['normal', 'direct', 'macvtap', 'baremetal', 'direct-physical', 'virtio-forwarder', 'smart-nic', 'vdpa', 'remote-managed'] as const;

export const port = defineResource({
  singular: 'port', plural: 'ports', table: 'ports',
  attributes: {
    ...owned, name, description, ...standard,
    network_id: { type: uuid, create: 'required', filter: true, sort: true },
    admin_state_up: { type: bool, create: true, update: true, default: true, filter: true, sort: true },
    mac_address: { type: macAddress, create: true, update: true, filter: true, sort: true, policy: true },
    // OpenStack: fixed_ips is converted, not validated, so its errors are InvalidInput.
    fixed_ips: { type: listOf({ ...fixedIp, converts: true }), create: true, update: true, stored: false, policy: true },
    device_id: { type: str({ max: 255 }), create: true, update: true, default: '', filter: true, sort: true },
    device_owner: { type: str({ max: 255 }), create: true, update: true, default: '', filter: true, sort: true, policy: true },
    status: { type: str(), filter: true, sort: true },
    security_groups: { type: listOf(uuid, { unique: true }), create: true, update: true, stored: false },
    port_security_enabled: { type: bool, create: true, update: true, filter: true, policy: true },
    allowed_address_pairs: { type: listOf(addressPair), create: true, update: true, default: [], policy: true },
    'binding:host_id': { type: str({ max: 255 }), create: true, update: true, default: '', filter: true, policy: true },
    'binding:profile': { type: json(), create: true, update: true, default: {}, policy: true },
    'binding:vnic_type': { type: oneOf(...VNIC_TYPES), create: true, update: true, default: 'normal', filter: true, policy: true },
    'binding:vif_type': { type: str(), policy: true },
    'binding:vif_details': { type: json(), policy: true },
    // extra_dhcp_opt: kept and shown; Pier's dataplane runs no DHCP server (addresses are set
    // into the guest), so no option is served.
    extra_dhcp_opts: {
      type: noneAsEmpty({ ...listOf(extraDhcpOpt), convert: (v) => (v as ExtraDhcpOpt[]).map((o) => ({ ...o, ip_version: Number(o.ip_version ?? 4) as 4 | 6 })) }),
      create: true, update: true, default: [],
    },
  },
});
