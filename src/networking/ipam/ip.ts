// IP arithmetic on BigInt (IPv4 and IPv6 alike, no float error), CIDR parsing, and the
// defaults Neutron derives from a CIDR: the gateway and the allocation pools.
import ipaddr from 'ipaddr.js';

export type IpVersion = 4 | 6;

export interface Net {
  version: IpVersion;
  prefix: number;
  /** First and last address of the CIDR (network and broadcast for IPv4). */
  first: bigint;
  last: bigint;
}

export interface Range { start: bigint; end: bigint }

const bits = (v: IpVersion) => (v === 4 ? 32 : 128);

// Dotted quads without leading zeros take a fast path (ports are created by the thousand);
// everything else goes through ipaddr.js.
const QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function toBig(ip: string): bigint {
  const quad = QUAD.exec(ip);
  if (quad) return BigInt(((+quad[1]! * 256 + +quad[2]!) * 256 + +quad[3]!) * 256 + +quad[4]!);
  const bytes = ipaddr.parse(ip).toByteArray();
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

export function fromBig(n: bigint, version: IpVersion): string {
  if (version === 4) {
    const x = Number(n);
    return `${x >>> 24}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`;
  }
  const bytes: number[] = [];
  for (let i = 0; i < 16; i++) { bytes.unshift(Number(n & 0xffn)); n >>= 8n; }
  return ipaddr.fromByteArray(bytes).toString();
}

export const versionOf = (ip: string): IpVersion => (QUAD.test(ip) || ipaddr.parse(ip).kind() === 'ipv4' ? 4 : 6);

/** Sortable fixed-width key: lexical order of keys is numeric order of addresses. */
export function ipKey(ip: string): string {
  return toBig(ip).toString(16).padStart(versionOf(ip) === 4 ? 8 : 32, '0');
}

const nets = new Map<string, Net>();

/** The CIDR's version, prefix and bounds (memoised: the same few CIDRs are parsed per request). */
export function parseNet(cidr: string): Net {
  let net = nets.get(cidr);
  if (!net) {
    if (nets.size >= 10_000) nets.clear();
    net = Object.freeze(computeNet(cidr));
    nets.set(cidr, net);
  }
  return net;
}

function computeNet(cidr: string): Net {
  const [addr, prefix] = ipaddr.parseCIDR(cidr);
  const version: IpVersion = addr.kind() === 'ipv4' ? 4 : 6;
  const width = BigInt(bits(version) - prefix);
  const first = (toBig(addr.toString()) >> width) << width;
  return { version, prefix, first, last: first + (1n << width) - 1n };
}

/** The canonical form of a CIDR (host bits cleared): `10.0.0.5/24` → `10.0.0.0/24`. */
export function canonicalCidr(cidr: string): string {
  const n = parseNet(cidr);
  return `${fromBig(n.first, n.version)}/${n.prefix}`;
}

export const inNet = (net: Net, ip: bigint) => ip >= net.first && ip <= net.last;

export function overlaps(a: Net, b: Net): boolean {
  return a.version === b.version && a.first <= b.last && b.first <= a.last;
}

/** OpenStack: IPv4 — the first host address; IPv6 — the subnet-router anycast (network) address. */
export function defaultGateway(net: Net): bigint | null {
  if (net.version === 4) return net.prefix >= 31 ? null : net.first + 1n;
  return net.prefix >= 127 ? null : net.first;
}

/** Usable host range: IPv4 excludes network and broadcast (except /31, /32); IPv6 the anycast address. */
export function hostRange(net: Net): Range {
  if (net.version === 4) return net.prefix >= 31 ? { start: net.first, end: net.last } : { start: net.first + 1n, end: net.last - 1n };
  return net.prefix >= 127 ? { start: net.first, end: net.last } : { start: net.first + 1n, end: net.last };
}

/** The host range minus the gateway, as Neutron's default allocation pools. */
export function defaultPools(net: Net, gateway: bigint | null): Range[] {
  const { start, end } = hostRange(net);
  if (gateway === null || gateway < start || gateway > end) return [{ start, end }];
  const out: Range[] = [];
  if (gateway > start) out.push({ start, end: gateway - 1n });
  if (gateway < end) out.push({ start: gateway + 1n, end });
  return out;
}

export const poolSize = (pools: Range[]) => pools.reduce((n, p) => n + (p.end - p.start + 1n), 0n);

/** The fewest CIDRs covering exactly the union of `nets` (of one version): 10.100/16 + 10.101/16 → 10.100/15. */
export function mergeCidrs(nets: Net[]): string[] {
  if (!nets.length) return [];
  const version = nets[0]!.version;
  const width = version === 4 ? 32 : 128;
  const ranges = nets.map((n) => ({ start: n.first, end: n.last })).sort((a, b) => (a.start < b.start ? -1 : 1));
  const merged: Range[] = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r.start <= last.end + 1n) { if (r.end > last.end) last.end = r.end; } else merged.push({ ...r });
  }
  const out: string[] = [];
  for (const r of merged) {
    let start = r.start;
    while (start <= r.end) {
      let size = 0;
      while (size < width && (start & ((1n << BigInt(size + 1)) - 1n)) === 0n && start + (1n << BigInt(size + 1)) - 1n <= r.end) size++;
      out.push(`${fromBig(start, version)}/${width - size}`);
      start += 1n << BigInt(size);
    }
  }
  return out;
}
