// How a port's container end is configured — addresses, on-link routes, default gateways, other
// routes — in each driver's style: what a Linux driver sets itself when it plugs a namespace, and
// what Kuryr tells Docker to set on an end the dataplane handed off. One description, two users.
import type { AddressSpec, ContainerSide, FarEndSpec } from './driver.js';

/** The routed style's IPv4 next hop when a subnet has no gateway (the host end holds it). */
export const LINK_LOCAL_GW = '169.254.1.1';
/** The routed style's IPv6 next hop (the host end holds it). */
export const LINK_LOCAL_GW6 = 'fe80::1';

/** Bridged (linuxbridge, noop): the subnet's prefix on the link, its gateway, its host routes. */
export function bridgedFarEnd(addresses: readonly AddressSpec[]): FarEndSpec {
  return {
    addresses: addresses.map((a) => ({ ip: a.ip, version: a.version, prefix: a.prefix })),
    onLink: [],
    gateway4: addresses.find((a) => a.version === 4 && a.gateway && a.gateway !== a.ip)?.gateway ?? null,
    gateway6: addresses.find((a) => a.version === 6 && a.gateway && a.gateway !== a.ip)?.gateway ?? null,
    routes: addresses.flatMap((a) => a.hostRoutes),
  };
}

/**
 * Routed (Calico style): each address alone (/32, /128), the host end as next hop — the
 * subnet's gateway (or 169.254.1.1) for IPv4, fe80::1 for IPv6 — reached on the link.
 */
export function routedFarEnd(addresses: readonly AddressSpec[]): FarEndSpec {
  const v4 = addresses.filter((a) => a.version === 4);
  const gateway4 = v4.length ? v4[0]!.gateway ?? LINK_LOCAL_GW : null;
  const gateway6 = addresses.some((a) => a.version === 6) ? LINK_LOCAL_GW6 : null;
  return {
    addresses: addresses.map((a) => ({ ip: a.ip, version: a.version, prefix: a.version === 4 ? 32 : 128 })),
    onLink: [gateway4, gateway6].filter((g): g is string => g !== null),
    gateway4, gateway6,
    routes: [],
  };
}

/** The `ip -batch` lines that configure `ifname` as `spec` says (idempotent: replace). */
export function renderFarEnd(ifname: string, spec: FarEndSpec, withRoutes: boolean): string[] {
  const lines = spec.addresses.map((a) => `addr replace ${a.ip}/${a.prefix} dev ${ifname}${a.version === 6 ? ' nodad' : ''}`);
  if (!withRoutes) return lines;
  for (const d of spec.onLink) lines.push(`route replace ${d} dev ${ifname} scope link`);
  for (const g of [spec.gateway4, spec.gateway6]) if (g) lines.push(`route replace default via ${g} dev ${ifname}`);
  for (const r of spec.routes) lines.push(`route replace ${r.destination} via ${r.nexthop} dev ${ifname}`);
  return lines;
}

/** The same description as routes in CIDR form (what a CNI result lists), in the order they are set. */
export function containerSideOf(spec: FarEndSpec): ContainerSide {
  const host = (ip: string) => `${ip}/${ip.includes(':') ? 128 : 32}`;
  return {
    addresses: spec.addresses,
    routes: [
      ...spec.onLink.map((d) => ({ dst: host(d), link: true as const })),
      ...(spec.gateway4 ? [{ dst: '0.0.0.0/0', gateway: spec.gateway4 }] : []),
      ...(spec.gateway6 ? [{ dst: '::/0', gateway: spec.gateway6 }] : []),
      ...spec.routes.map((r) => ({ dst: r.destination, gateway: r.nexthop })),
    ],
  };
}
