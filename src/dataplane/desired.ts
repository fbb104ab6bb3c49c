// Desired dataplane state for one host, read fresh from the store: the networks, the ports that
// are attached here (plugged into a namespace, bound, or belonging to a router), their security
// groups with members, and the routers with their floating IPs. Each part has its own reader so
// the controller can re-read only what a change touched (a few ports, the groups in use).
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../store/schema.js';
import { PORT_INDEX_TERMS } from '../store/index.js';
import { parseNet } from '../networking/ipam/ip.js';
import { PROTOCOLS } from '../networking/types.js';
import type { AddressSpec, Attachment, DesiredState, NetworkSpec, PortSpec, RouterSpec, SecurityGroupSpec } from './driver.js';
import { HANDOFF } from './plug.js';

type Db = Kysely<Database>;

const ROUTER_OWNERS: Record<string, 'interface' | 'gateway'> = { 'network:router_interface': 'interface', 'network:router_gateway': 'gateway' };
const CHUNK = 500;
const PLUG_COLUMNS = ['port_id', 'netns', 'ifname', 'parent_port_id'] as const;

/** Runs `query` over `ids` in chunks (SQLite and PostgreSQL both limit bound parameters). */
async function chunked<T>(ids: readonly string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...await query(ids.slice(i, i + CHUNK)));
  return out;
}

export async function readDesired(db: Db, host: string): Promise<DesiredState> {
  const networks = await readNetworks(db);
  const ports = await readPorts(db, host);
  const [securityGroups, routers] = await Promise.all([readSecurityGroups(db, groupsInUse(ports)), readRouters(db, ports)]);
  return { networks, ports, securityGroups, routers };
}

export async function readNetworks(db: Db): Promise<NetworkSpec[]> {
  const rows = await db.selectFrom('networks').innerJoin('network_segments', 'network_segments.network_id', 'networks.id')
    .select(['networks.id', 'networks.mtu', 'network_segments.network_type', 'network_segments.physical_network', 'network_segments.segmentation_id']).execute();
  return rows.map((n) => ({ id: n.id, mtu: n.mtu, segment: { type: n.network_type as 'vxlan', physnet: n.physical_network, segmentationId: n.segmentation_id } }));
}

/** A port as stored. */
export type PortRow = Selectable<Database['ports']>;

/**
 * The ports attached to `host`, sorted by id: all of them, or — given `ids` — only those of
 * `ids` that are attached here (the others are simply absent from the answer). `rowsRead`, when
 * given, receives every row read, attached or not (a port sync checks their status from it).
 */
export async function readPorts(db: Db, host: string, ids?: readonly string[], rowsRead?: Map<string, PortRow>): Promise<PortSpec[]> {
  const base = () => db.selectFrom('ports').selectAll();
  const byId = rowsRead ?? new Map<string, PortRow>();
  let plugs: { port_id: string; netns: string; ifname: string; parent_port_id: string | null }[];
  if (ids) {
    if (!ids.length) return [];
    for (const p of await chunked(ids, (c) => base().where('id', 'in', c).execute())) byId.set(p.id, p);
    if (!byId.size) return [];
    plugs = await chunked([...byId.keys()], (c) => db.selectFrom('port_plugs').select(PLUG_COLUMNS).where('host', '=', host).where('port_id', 'in', c).execute());
  } else {
    // Three indexed reads rather than one OR that scans every port.
    plugs = await db.selectFrom('port_plugs').select(PLUG_COLUMNS).where('host', '=', host).execute();
    for (const p of await chunked(plugs.map((x) => x.port_id), (c) => base().where('id', 'in', c).execute())) byId.set(p.id, p);
    for (const p of await base().where(PORT_INDEX_TERMS.networkOwned).where('device_owner', 'in', Object.keys(ROUTER_OWNERS)).execute()) byId.set(p.id, p);
    for (const p of await base().where(PORT_INDEX_TERMS.bound).where('binding:host_id', '=', host).execute()) byId.set(p.id, p);
  }
  const plugOf = new Map(plugs.map((p) => [p.port_id, p]));
  // A nested plug's parent: whose namespace its veth hangs from (a plug of a port into a namespace here).
  const parentIds = [...new Set(plugs.map((p) => p.parent_port_id).filter((id): id is string => id !== null))];
  const parents = new Map((await chunked(parentIds, (c) => db.selectFrom('port_plugs').select(PLUG_COLUMNS).where('host', '=', host).where('port_id', 'in', c).execute()))
    .filter((p) => p.netns !== HANDOFF && p.parent_port_id === null).map((p) => [p.port_id, { port: p.port_id, netns: p.netns, ifname: p.ifname }]));
  const routerIds = [...new Set([...byId.values()].filter((p) => ROUTER_OWNERS[p.device_owner] && !plugOf.has(p.id)).map((p) => p.device_id))];
  const routers = new Set((await chunked(routerIds, (c) => db.selectFrom('routers').select('id').where('id', 'in', c).execute())).map((r) => r.id));

  const attached: { row: PortRow; attachment: Attachment }[] = [];
  for (const p of [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const plug = plugOf.get(p.id);
    const role = ROUTER_OWNERS[p.device_owner];
    if (plug?.parent_port_id) attached.push({ row: p, attachment: { kind: 'nested', netns: plug.netns, ifname: plug.ifname, parent: parents.get(plug.parent_port_id) ?? null } });
    else if (plug) attached.push({ row: p, attachment: plug.netns === HANDOFF ? { kind: 'handoff', ifname: plug.ifname } : { kind: 'netns', netns: plug.netns, ifname: plug.ifname } });
    else if (role && routers.has(p.device_id)) attached.push({ row: p, attachment: { kind: 'router', routerId: p.device_id, role } });
    else if (p['binding:host_id'] === host) attached.push({ row: p, attachment: { kind: 'bound' } });
  }
  if (!attached.length) return [];

  const portIds = attached.map((a) => a.row.id);
  const netIds = [...new Set(attached.map((a) => a.row.network_id))];
  const [addrRows, bindings, mtus] = await Promise.all([
    chunked(portIds, (c) => db.selectFrom('ip_allocations').innerJoin('subnets', 'subnets.id', 'ip_allocations.subnet_id')
      .select(['ip_allocations.port_id', 'ip_allocations.ip_address', 'subnets.id', 'subnets.cidr', 'subnets.ip_version', 'subnets.gateway_ip', 'subnets.host_routes'])
      .where('ip_allocations.port_id', 'in', c).orderBy('subnets.ip_version').orderBy('ip_allocations.ip_key').execute()),
    chunked(portIds, (c) => db.selectFrom('port_security_groups').select(['port_id', 'security_group_id']).where('port_id', 'in', c).execute()),
    chunked(netIds, (c) => db.selectFrom('networks').select(['id', 'mtu']).where('id', 'in', c).execute()),
  ]);
  const mtu = new Map(mtus.map((n) => [n.id, n.mtu]));
  const addrsOf = groupBy(addrRows, (a) => a.port_id);
  const groupsOf = groupBy(bindings, (b) => b.port_id);

  return attached.map(({ row: p, attachment }): PortSpec => ({
    id: p.id, networkId: p.network_id, mac: p.mac_address, mtu: mtu.get(p.network_id) ?? 1500, adminUp: Boolean(p.admin_state_up),
    addresses: (addrsOf.get(p.id) ?? []).map((a): AddressSpec => ({
      ip: a.ip_address, version: a.ip_version as 4 | 6, prefix: parseNet(a.cidr).prefix, subnetId: a.id, cidr: a.cidr, gateway: a.gateway_ip,
      hostRoutes: JSON.parse(a.host_routes),
    })),
    attachment,
    secured: Boolean(p.port_security_enabled) && !ROUTER_OWNERS[p.device_owner],
    allowedPairs: (JSON.parse(p.allowed_address_pairs) as { ip_address: string; mac_address: string }[]).map((a) => ({ ip: a.ip_address, mac: a.mac_address })),
    securityGroups: (groupsOf.get(p.id) ?? []).map((b) => b.security_group_id),
  }));
}

/** The security groups `ports` use. */
export const groupsInUse = (ports: readonly PortSpec[]) => new Set(ports.flatMap((p) => p.securityGroups));

/** The given groups and the groups their rules name as remotes: rules, and members by address. */
export async function readSecurityGroups(db: Db, ids: Iterable<string>): Promise<SecurityGroupSpec[]> {
  const groupIds = new Set(ids);
  if (!groupIds.size) return [];
  const rules = await chunked([...groupIds], (c) => db.selectFrom('security_group_rules').selectAll().where('security_group_id', 'in', c).execute());
  for (const r of rules) if (r.remote_group_id) groupIds.add(r.remote_group_id);
  const all = [...groupIds];
  const [groups, members, pairRows] = await Promise.all([
    chunked(all, (c) => db.selectFrom('security_groups').select(['id', 'stateful']).where('id', 'in', c).execute()),
    // Members: every port in the group, by its fixed IPs and its allowed address pairs (as Neutron's ipsets).
    chunked(all, (c) => db.selectFrom('port_security_groups').innerJoin('ip_allocations', 'ip_allocations.port_id', 'port_security_groups.port_id')
      .select(['port_security_groups.security_group_id', 'ip_allocations.ip_address']).where('port_security_groups.security_group_id', 'in', c).execute()),
    chunked(all, (c) => db.selectFrom('port_security_groups').innerJoin('ports', 'ports.id', 'port_security_groups.port_id')
      .select(['port_security_groups.security_group_id', 'ports.allowed_address_pairs']).where('port_security_groups.security_group_id', 'in', c).where('ports.allowed_address_pairs', '<>', '[]').execute()),
  ]);
  for (const r of pairRows) {
    for (const pair of JSON.parse(r.allowed_address_pairs) as { ip_address: string }[]) members.push({ security_group_id: r.security_group_id, ip_address: pair.ip_address });
  }
  const membersOf = groupBy(members, (m) => m.security_group_id);
  const rulesOf = groupBy(rules, (r) => r.security_group_id);
  return groups.sort((a, b) => (a.id < b.id ? -1 : 1)).map((g) => {
    const addrs = (membersOf.get(g.id) ?? []).map((m) => m.ip_address);
    return {
      id: g.id, stateful: Boolean(g.stateful),
      members: { v4: addrs.filter((a) => !a.includes(':')), v6: addrs.filter((a) => a.includes(':')) },
      rules: (rulesOf.get(g.id) ?? []).map((r) => ({
        direction: r.direction as 'ingress' | 'egress', ethertype: r.ethertype as 'IPv4' | 'IPv6',
        protocol: r.protocol === null ? null : String(PROTOCOLS[r.protocol] ?? r.protocol),
        portMin: r.port_range_min, portMax: r.port_range_max, remoteIpPrefix: r.remote_ip_prefix, remoteGroupId: r.remote_group_id,
      })),
    };
  });
}

/** Every router, with its floating IPs; `ports` (this host's) give each its gateway port. */
export async function readRouters(db: Db, ports: readonly PortSpec[]): Promise<RouterSpec[]> {
  const [routerRows, fips] = await Promise.all([
    db.selectFrom('routers').selectAll().execute(),
    db.selectFrom('floatingips').select(['router_id', 'floating_ip_address', 'fixed_ip_address']).where('router_id', 'is not', null).where('port_id', 'is not', null).execute(),
  ]);
  const portById = new Map(ports.map((p) => [p.id, p]));
  const fipsOf = groupBy(fips, (f) => f.router_id!);
  return routerRows.map((r) => {
    const gwPort = r.gw_port_id ? portById.get(r.gw_port_id) : undefined;
    const gw4 = gwPort?.addresses.find((a) => a.version === 4);
    return {
      id: r.id, adminUp: Boolean(r.admin_state_up), routes: JSON.parse(r.routes), snat: Boolean(r.enable_snat) && Boolean(gwPort),
      gatewayNexthop: gw4?.gateway ?? null,
      floatingIps: (fipsOf.get(r.id) ?? []).map((f) => ({ floatingIp: f.floating_ip_address, fixedIp: f.fixed_ip_address! })),
    };
  });
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x); else out.set(k, [x]);
  }
  return out;
}
