import { bool, defineResource, json, listOf, oneOf, str, uuid } from '../../core/resource/index.js';
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
  },
});
