// Attribute types particular to Neutron: addresses, CIDRs, MACs, protocol names.
import ipaddr from 'ipaddr.js';
import type { AttrType } from '../core/resource/index.js';

const describe = (v: unknown) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

export const ipAddress: AttrType<string> = {
  name: 'ip address',
  check: (v) => (typeof v === 'string' && ipaddr.isValid(v) && (v.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(v)) ? undefined : `${describe(v)} is not a valid IP address`),
  convert: (v) => ipaddr.parse(String(v)).toString(),
};

export const cidr: AttrType<string> = {
  name: 'cidr',
  converts: true,
  check(v) {
    if (typeof v !== 'string') return `${describe(v)} is not a valid IP subnet`;
    try {
      const [addr, len] = ipaddr.parseCIDR(v);
      if (addr.kind() === 'ipv4' && !ipaddr.IPv4.isValidFourPartDecimal(v.split('/')[0]!)) return `${describe(v)} is not a valid IP subnet`;
      void len;
      return undefined;
    } catch {
      return `${v} is not in a CIDR format`;
    }
  },
  convert: (v) => {
    const [addr, len] = ipaddr.parseCIDR(String(v));
    return `${addr.toString()}/${len}`;
  },
};

const MAC = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;
export const macAddress: AttrType<string> = {
  name: 'mac address',
  check: (v) => {
    if (typeof v !== 'string' || !MAC.test(v)) return `${describe(v)} is not a valid MAC address`;
    if (/^(00[:-]){5}00$/.test(v)) return `${describe(v)} is not a valid MAC address`;
    return undefined;
  },
  convert: (v) => String(v).toLowerCase().replaceAll('-', ':'),
};

/** Protocol names Neutron accepts, with their numbers. */
export const PROTOCOLS: Record<string, number> = {
  ah: 51, dccp: 33, egp: 8, esp: 50, gre: 47, hopopt: 0, icmp: 1, igmp: 2, ipip: 4, ipv6: 41, 'ipv6-encap': 41, 'ipv6-frag': 44,
  'ipv6-icmp': 58, icmpv6: 58, 'ipv6-nonxt': 59, 'ipv6-opts': 60, 'ipv6-route': 43, ospf: 89, pgm: 113, rsvp: 46, sctp: 132, tcp: 6, udp: 17,
  udplite: 136, vrrp: 112,
};

export const protocol: AttrType<string | null> = {
  name: 'protocol name or number',
  check: (v) => {
    if (v === null) return undefined;
    const s = String(v).toLowerCase();
    if ((typeof v === 'string' || typeof v === 'number') && (s in PROTOCOLS || (/^\d+$/.test(s) && Number(s) <= 255))) return undefined;
    return `Security group rule protocol ${describe(v)} not supported. Only protocol values [${Object.keys(PROTOCOLS).join(', ')}] and integer representations [0 to 255] are supported`;
  },
  convert: (v) => (v === null ? null : String(v).toLowerCase()),
};

export const ipVersion: AttrType<4 | 6> = {
  name: '4 or 6',
  check: (v) => (v === 4 || v === 6 || v === '4' || v === '6' ? undefined : `${describe(v)} is not in [4, 6]`),
  convert: (v) => Number(v) as 4 | 6,
  fromQuery: (s) => (s === '4' || s === '6' ? Number(s) : undefined),
};
