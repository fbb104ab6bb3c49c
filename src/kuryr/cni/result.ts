// The ADD result in the caller's CNI version: the container's interface (with its sandbox), its
// addresses as the dataplane configured them (with the subnet's gateway), the routes through it
// and the subnets' DNS servers. 0.3.x/0.4.0 mark each address's IP version; 1.1.0 adds the MTU
// and on-link routes' scope.
import type { ContainerSide } from '../../dataplane/index.js';
import { atLeast, type CniVersion } from './versions.js';

/** The plugged interface: its name, and what the dataplane gave it (MTU 0: not known). */
export interface PluggedInterface extends ContainerSide { name: string; mac: string; mtu: number }

export interface AddressInfo {
  ip: string;
  /** The subnet's prefix length and gateway (the prefix for an address the dataplane does not configure). */
  prefix: number;
  gateway: string | null;
  nameservers: string[];
}

export interface CniResult {
  cniVersion: string;
  interfaces: { name: string; mac?: string; mtu?: number; sandbox?: string }[];
  ips: { version?: '4' | '6'; address: string; gateway?: string; interface?: number }[];
  routes: { dst: string; gw?: string; scope?: number }[];
  dns: { nameservers?: string[]; domain?: string; search?: string[]; options?: string[] };
}

/**
 * The result of plugging one interface, appended to `prev` (the previous plugin's result, when
 * Pier is not the first in a chain) so the chain's earlier interfaces and addresses stay.
 */
export function addResult(version: CniVersion, sandbox: string, seen: PluggedInterface, addresses: AddressInfo[], prev?: Record<string, unknown>): CniResult {
  const before = (prev ?? {}) as Partial<CniResult>;
  const interfaces = [...(before.interfaces ?? [])];
  const index = interfaces.length;
  const v110 = atLeast(version, '1.1.0');
  interfaces.push({ name: seen.name, mac: seen.mac, ...(v110 && seen.mtu ? { mtu: seen.mtu } : {}), sandbox });
  const legacy = !atLeast(version, '1.0.0');
  const ips = [...(before.ips ?? []), ...addresses.map((a) => {
    const held = seen.addresses.find((x) => x.ip === a.ip);
    return {
      ...(legacy ? { version: a.ip.includes(':') ? '6' as const : '4' as const } : {}),
      address: `${a.ip}/${held?.prefix ?? a.prefix}`,
      ...(a.gateway ? { gateway: a.gateway } : {}),
      interface: index,
    };
  })];
  const routes = [...(before.routes ?? []), ...seen.routes.map((r) => ({ dst: r.dst, ...(r.gateway ? { gw: r.gateway } : {}), ...(v110 && r.link ? { scope: 253 } : {}) }))];
  const nameservers = [...new Set([...(before.dns?.nameservers ?? []), ...addresses.flatMap((a) => a.nameservers)])];
  return { cniVersion: version, interfaces, ips, routes, dns: { ...before.dns, ...(nameservers.length ? { nameservers } : {}) } };
}
