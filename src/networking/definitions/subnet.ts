import { bool, defineResource, int, json, listOf, noneAsEmpty, nullable, oneOf, str, uuid } from '../../core/resource/index.js';
import { cidr, ipAddress, ipVersion } from '../types.js';
import { description, name, owned, standard } from './common.js';

const v6Mode = nullable(oneOf('slaac', 'dhcpv6-stateful', 'dhcpv6-stateless'));

export const pool = json<{ start: string; end: string }>('allocation pool', (v) => {
  const p = v as { start?: unknown; end?: unknown } | null;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return `${JSON.stringify(v)} is not a valid allocation pool`;
  const keys = Object.keys(p).sort().join(',');
  if (keys !== 'end,start') return `Unrecognized attribute(s) in allocation pool ${JSON.stringify(v)}`;
  return ipAddress.check(p.start) ?? ipAddress.check(p.end);
});
export const hostRoute = json<{ destination: string; nexthop: string }>('host route', (v) => {
  const r = v as { destination?: unknown; nexthop?: unknown } | null;
  if (r === null || typeof r !== 'object' || Array.isArray(r) || Object.keys(r).sort().join(',') !== 'destination,nexthop') return `Validation of dictionary's keys failed. Expected keys: {'destination', 'nexthop'} Provided keys: ${JSON.stringify(v)}`;
  return cidr.check(r.destination) ?? ipAddress.check(r.nexthop);
});

export const subnet = defineResource({
  singular: 'subnet', plural: 'subnets', table: 'subnets',
  attributes: {
    ...owned, name, description, ...standard,
    network_id: { type: uuid, create: 'required', filter: true, sort: true },
    ip_version: { type: ipVersion, create: 'required', filter: true, sort: true },
    cidr: { type: cidr, create: true, filter: true, sort: true },
    prefixlen: { type: int({ min: 0, max: 128 }), create: true, stored: false },
    subnetpool_id: { type: nullable(uuid), create: true, filter: true },
    use_default_subnetpool: { type: bool, create: true, stored: false, visible: false },
    gateway_ip: { type: nullable(ipAddress), create: true, update: true, filter: true },
    allocation_pools: { type: listOf(pool), create: true, update: true },
    dns_nameservers: { type: noneAsEmpty(listOf(ipAddress, { unique: true })), create: true, update: true, default: [] },
    host_routes: { type: noneAsEmpty(listOf(hostRoute)), create: true, update: true, default: [] },
    enable_dhcp: { type: bool, create: true, update: true, default: true, filter: true },
    ipv6_ra_mode: { type: v6Mode, create: true, default: null, filter: true },
    ipv6_address_mode: { type: v6Mode, create: true, default: null, filter: true },
    service_types: { type: listOf(str()), create: true, update: true, default: [] },
  },
});
