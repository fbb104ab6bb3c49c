// The options Docker users give a Kuryr network (`-o` driver options, `--ipam-opt` IPAM options),
// with kuryr-libnetwork's names and its true/false spelling, and the PoolID Pier hands Docker: an
// opaque string that says where a pool's addresses come from. Pure parsing, no Neutron calls.
import { LABELS, type ExposedPort } from './protocol.js';

/** kuryr-libnetwork's option names. */
export const OPTIONS = {
  netUuid: 'neutron.net.uuid',
  netName: 'neutron.net.name',
  netShared: 'neutron.net.shared',
  subnetUuid: 'neutron.subnet.uuid',
  subnetName: 'neutron.subnet.name',
  subnetV6Uuid: 'neutron.subnet.v6.uuid',
  subnetV6Name: 'neutron.subnet.v6.name',
  poolUuid: 'neutron.pool.uuid',
  poolName: 'neutron.pool.name',
  poolV6Uuid: 'neutron.pool.v6.uuid',
  poolV6Name: 'neutron.pool.v6.name',
} as const;

/** oslo's bool_from_string, as kuryr-libnetwork reads `neutron.net.shared`: anything else is false. */
export function isTrue(value: unknown): boolean {
  return typeof value === 'boolean' ? value : ['1', 't', 'true', 'on', 'y', 'yes'].includes(String(value ?? '').trim().toLowerCase());
}

/** A Docker network's `-o` options, from CreateNetwork's `Options`. */
export function genericOptions(options: Record<string, unknown> | undefined): Record<string, string> {
  const generic = options?.[LABELS.generic];
  if (!generic || typeof generic !== 'object') return {};
  return Object.fromEntries(Object.entries(generic as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/** What a network or pool request names, for one IP version: an existing subnet or subnet pool, by id or name. */
export interface Named { subnetUuid?: string; subnetName?: string; poolUuid?: string; poolName?: string }

export function namedFor(options: Record<string, string>, v6: boolean): Named {
  const pick = (v4: string, v6key: string) => options[v6 ? v6key : v4] || undefined;
  return {
    subnetUuid: pick(OPTIONS.subnetUuid, OPTIONS.subnetV6Uuid),
    subnetName: pick(OPTIONS.subnetName, OPTIONS.subnetV6Name),
    poolUuid: pick(OPTIONS.poolUuid, OPTIONS.poolV6Uuid),
    poolName: pick(OPTIONS.poolName, OPTIONS.poolV6Name),
  };
}

/**
 * Where a Docker pool's addresses come from: the subnet of `cidr` allocated from subnet pool
 * `id` (Pier's own for the CIDR, or one the user named), or an existing subnet `id`.
 */
export interface PoolRef { source: 'pool' | 'subnet'; id: string; cidr: string }

export const encodePoolId = (p: PoolRef) => `${p.source}:${p.id}:${p.cidr}`;

/** The PoolID Docker gives back; undefined when it is not one of Pier's. */
export function decodePoolId(poolId: string): PoolRef | undefined {
  const m = /^(pool|subnet):([0-9a-f-]{36}):(.+\/\d+)$/.exec(poolId);
  return m ? { source: m[1] as PoolRef['source'], id: m[2]!, cidr: m[3]! } : undefined;
}

/** `com.docker.network.endpoint.exposedports` (`-p`, `--expose`), from an endpoint's options. */
export function exposedPorts(options: Record<string, unknown> | undefined): ExposedPort[] {
  const list = options?.[LABELS.exposedPorts];
  if (!Array.isArray(list)) return [];
  return list.filter((e): e is ExposedPort => Number.isInteger(e?.Proto) && Number.isInteger(e?.Port));
}
