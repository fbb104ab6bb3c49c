// Desired dataplane state for one host, read fresh from the store: the networks, the ports that
// are attached here (plugged into a namespace, bound, or belonging to a router), their security
// groups with members, and the routers with their floating IPs.
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { parseNet } from '../networking/ipam/ip.js';
import { PROTOCOLS } from '../networking/types.js';
import type { AddressSpec, Attachment, DesiredState, PortSpec, RouterSpec, SecurityGroupSpec } from './driver.js';

const ROUTER_OWNERS: Record<string, 'interface' | 'gateway'> = { 'network:router_interface': 'interface', 'network:router_gateway': 'gateway' };

export async function readDesired(db: Kysely<Database>, host: string): Promise<DesiredState> {
  const networks = await db.selectFrom('networks').innerJoin('network_segments', 'network_segments.network_id', 'networks.id')
    .select(['networks.id', 'networks.mtu', 'network_segments.network_type', 'network_segments.physical_network', 'network_segments.segmentation_id']).execute();
  const plugs = await db.selectFrom('port_plugs').selectAll().where('host', '=', host).execute();
  const routerRows = await db.selectFrom('routers').selectAll().execute();
  const routerIds = new Set(routerRows.map((r) => r.id));
  // Three indexed reads rather than one OR that scans every port.
  const byId = new Map<string, Awaited<ReturnType<typeof portsWhere>>[number]>();
  const portsWhere = (build: (q: ReturnType<typeof base>) => ReturnType<typeof base>) => build(base()).execute();
  const base = () => db.selectFrom('ports').selectAll();
  for (let i = 0; i < plugs.length; i += 500) {
    for (const p of await portsWhere((q) => q.where('id', 'in', plugs.slice(i, i + 500).map((x) => x.port_id)))) byId.set(p.id, p);
  }
  for (const p of await portsWhere((q) => q.where('device_owner', 'in', Object.keys(ROUTER_OWNERS)))) byId.set(p.id, p);
  for (const p of await portsWhere((q) => q.where('binding:host_id', '=', host))) byId.set(p.id, p);
  const portRows = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  const portIds = portRows.map((p) => p.id);
  const addrRows = portIds.length ? await db.selectFrom('ip_allocations').innerJoin('subnets', 'subnets.id', 'ip_allocations.subnet_id')
    .select(['ip_allocations.port_id', 'ip_allocations.ip_address', 'subnets.id', 'subnets.cidr', 'subnets.ip_version', 'subnets.gateway_ip', 'subnets.host_routes'])
    .where('ip_allocations.port_id', 'in', portIds).orderBy('subnets.ip_version').orderBy('ip_allocations.ip_key').execute() : [];
  const bindings = portIds.length ? await db.selectFrom('port_security_groups').selectAll().where('port_id', 'in', portIds).execute() : [];
  const mtu = new Map(networks.map((n) => [n.id, n.mtu]));

  const ports: PortSpec[] = [];
  for (const p of portRows) {
    const plug = plugs.find((x) => x.port_id === p.id);
    const role = ROUTER_OWNERS[p.device_owner];
    let attachment: Attachment;
    if (plug) attachment = { kind: 'netns', netns: plug.netns, ifname: plug.ifname };
    else if (role && routerIds.has(p.device_id)) attachment = { kind: 'router', routerId: p.device_id, role };
    else if (p['binding:host_id'] === host) attachment = { kind: 'bound' };
    else continue;
    ports.push({
      id: p.id, networkId: p.network_id, mac: p.mac_address, mtu: mtu.get(p.network_id) ?? 1500, adminUp: Boolean(p.admin_state_up),
      addresses: addrRows.filter((a) => a.port_id === p.id).map((a): AddressSpec => ({
        ip: a.ip_address, version: a.ip_version as 4 | 6, prefix: parseNet(a.cidr).prefix, subnetId: a.id, cidr: a.cidr, gateway: a.gateway_ip,
        hostRoutes: JSON.parse(a.host_routes),
      })),
      attachment,
      secured: Boolean(p.port_security_enabled) && !role,
      allowedPairs: (JSON.parse(p.allowed_address_pairs) as { ip_address: string; mac_address: string }[]).map((a) => ({ ip: a.ip_address, mac: a.mac_address })),
      securityGroups: bindings.filter((b) => b.port_id === p.id).map((b) => b.security_group_id),
    });
  }

  // Groups used by these ports, and the groups their rules name as remotes.
  const groupIds = new Set(ports.flatMap((p) => p.securityGroups));
  const rules = groupIds.size ? await db.selectFrom('security_group_rules').selectAll().where('security_group_id', 'in', [...groupIds]).execute() : [];
  for (const r of rules) if (r.remote_group_id) groupIds.add(r.remote_group_id);
  const groups = groupIds.size ? await db.selectFrom('security_groups').select(['id', 'stateful']).where('id', 'in', [...groupIds]).execute() : [];
  // Members: every port in the group, by its fixed IPs and its allowed address pairs (as Neutron's ipsets).
  const members = groupIds.size ? await db.selectFrom('port_security_groups').innerJoin('ip_allocations', 'ip_allocations.port_id', 'port_security_groups.port_id')
    .select(['port_security_groups.security_group_id', 'ip_allocations.ip_address']).where('port_security_groups.security_group_id', 'in', [...groupIds]).execute() : [];
  const pairRows = groupIds.size ? await db.selectFrom('port_security_groups').innerJoin('ports', 'ports.id', 'port_security_groups.port_id')
    .select(['port_security_groups.security_group_id', 'ports.allowed_address_pairs']).where('port_security_groups.security_group_id', 'in', [...groupIds]).where('ports.allowed_address_pairs', '<>', '[]').execute() : [];
  for (const r of pairRows) {
    for (const pair of JSON.parse(r.allowed_address_pairs) as { ip_address: string }[]) members.push({ security_group_id: r.security_group_id, ip_address: pair.ip_address });
  }
  const securityGroups: SecurityGroupSpec[] = groups.map((g) => {
    const addrs = members.filter((m) => m.security_group_id === g.id).map((m) => m.ip_address);
    return {
      id: g.id, stateful: Boolean(g.stateful),
      members: { v4: addrs.filter((a) => !a.includes(':')), v6: addrs.filter((a) => a.includes(':')) },
      rules: rules.filter((r) => r.security_group_id === g.id).map((r) => ({
        direction: r.direction as 'ingress' | 'egress', ethertype: r.ethertype as 'IPv4' | 'IPv6',
        protocol: r.protocol === null ? null : String(PROTOCOLS[r.protocol] ?? r.protocol),
        portMin: r.port_range_min, portMax: r.port_range_max, remoteIpPrefix: r.remote_ip_prefix, remoteGroupId: r.remote_group_id,
      })),
    };
  });

  const fips = await db.selectFrom('floatingips').select(['router_id', 'floating_ip_address', 'fixed_ip_address']).where('router_id', 'is not', null).where('port_id', 'is not', null).execute();
  const routers: RouterSpec[] = [];
  for (const r of routerRows) {
    const gwPort = ports.find((p) => p.id === r.gw_port_id);
    const gw4 = gwPort?.addresses.find((a) => a.version === 4);
    routers.push({
      id: r.id, adminUp: Boolean(r.admin_state_up), routes: JSON.parse(r.routes), snat: Boolean(r.enable_snat) && Boolean(gwPort),
      gatewayNexthop: gw4?.gateway ?? null,
      floatingIps: fips.filter((f) => f.router_id === r.id).map((f) => ({ floatingIp: f.floating_ip_address, fixedIp: f.fixed_ip_address! })),
    });
  }

  return {
    networks: networks.map((n) => ({ id: n.id, mtu: n.mtu, segment: { type: n.network_type as 'vxlan', physnet: n.physical_network, segmentationId: n.segmentation_id } })),
    ports, securityGroups, routers,
  };
}
