// Subnets: CIDR (given, or carved from a subnet pool), gateway and allocation pools as Neutron
// defaults and checks them, IPv6 modes, and IPAM bookkeeping. Deletion is refused while ports
// other than the network's own hold addresses in it.
import type { Values } from '../core/resource/index.js';
import type { Tx } from '../store/index.js';
import type { Collection } from './collection.js';
import type { Caller, Networking } from './context.js';
import { subnet } from './definitions/subnet.js';
import { InUse, InvalidInput, SubnetInUse, notFound } from './errors.js';
import { autoconfigured } from './ports.js';
import { INTERFACE } from './routers.js';
import { createIpamSubnet, recount, type SubnetIpam } from './ipam/allocator.js';
import { canonicalCidr, defaultGateway, defaultPools, fromBig, hostRange, overlaps, parseNet, toBig, versionOf, type Net } from './ipam/ip.js';
import { visibleNetwork } from './networks.js';
import { allocateFromPool } from './subnetpools.js';
import { visible } from './visibility.js';
import { BadRequest } from '../core/errors.js';

type Pool = { start: string; end: string };

/** Checks pools against the CIDR, each other and the gateway; returns them normalised. */
function checkPools(net: Net, pools: Pool[], gateway: string | null): Pool[] {
  const ranges = pools.map((p) => {
    if (versionOf(p.start) !== net.version || versionOf(p.end) !== net.version) throw new BadRequest(`The allocation pool ${p.start}-${p.end} spans beyond the subnet cidr.`, 'OutOfBoundsAllocationPool');
    const r = { start: toBig(p.start), end: toBig(p.end), text: `${p.start}-${p.end}` };
    if (r.start > r.end) throw new BadRequest(`The allocation pool ${r.text} is not valid.`, 'InvalidAllocationPool');
    const host = hostRange(net);
    if (r.start < host.start || r.end > host.end) throw new BadRequest(`The allocation pool ${r.text} spans beyond the subnet cidr.`, 'OutOfBoundsAllocationPool');
    return r;
  }).sort((a, b) => (a.start < b.start ? -1 : 1));
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i]!.start <= ranges[i - 1]!.end) throw new InUse(`Found overlapping allocation pools: ${ranges[i - 1]!.text} and ${ranges[i]!.text} for subnet ${fromBig(net.first, net.version)}/${net.prefix}.`, 'OverlappingAllocationPools');
  }
  if (gateway !== null) {
    const g = toBig(gateway);
    const hit = ranges.find((r) => g >= r.start && g <= r.end);
    if (hit) throw new InUse(`Gateway ip ${gateway} conflicts with allocation pool ${hit.text}.`, 'GatewayConflictWithAllocationPools');
  }
  return ranges.map((r) => ({ start: fromBig(r.start, net.version), end: fromBig(r.end, net.version) }));
}

/** OpenStack: the gateway may lie outside the subnet (an on-link router elsewhere); only the version must match. */
function checkGateway(net: Net, gateway: string | null): void {
  if (gateway === null) return;
  if (versionOf(gateway) !== net.version) throw new InvalidInput(`Gateway IP version inconsistent with allocation pool version`);
  const g = toBig(gateway);
  if (net.version === 4 && net.prefix < 31 && (g === net.first || g === net.last)) throw new InvalidInput(`Gateway is not valid on subnet`);
}

function checkV6Modes(values: Values, net: Net): void {
  const ra = values.ipv6_ra_mode as string | null;
  const addr = values.ipv6_address_mode as string | null;
  if (net.version === 4) {
    if (ra) throw new InvalidInput('ipv6_ra_mode is not valid when ip_version is 4');
    if (addr) throw new InvalidInput('ipv6_address_mode is not valid when ip_version is 4');
    return;
  }
  if (ra && addr && ra !== addr) throw new InvalidInput(`ipv6_ra_mode set to '${ra}' with ipv6_address_mode set to '${addr}' is not valid. If both attributes are set, they must be the same value`);
  if ((ra === 'slaac' || addr === 'slaac' || ra === 'dhcpv6-stateless' || addr === 'dhcpv6-stateless') && net.prefix !== 64) {
    throw new InvalidInput('Invalid CIDR for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64');
  }
}

export const toIpam = (row: { id: string; network_id: string; cidr: string; allocation_pools: string | Pool[] }): SubnetIpam => ({
  id: row.id, network_id: row.network_id, cidr: row.cidr,
  allocation_pools: typeof row.allocation_pools === 'string' ? JSON.parse(row.allocation_pools) : row.allocation_pools,
});

/** Deletes a subnet's own rows (IPAM state, tags); the caller has checked nothing uses it. */
export async function deleteSubnetRows(tx: Tx, id: string): Promise<void> {
  await tx.db.deleteFrom('ip_allocations').where('subnet_id', '=', id).execute();
  await tx.db.deleteFrom('ipam_subnets').where('subnet_id', '=', id).execute();
  await tx.db.deleteFrom('tags').where('resource_type', '=', 'subnet').where('resource_id', '=', id).execute();
  await tx.db.deleteFrom('subnets').where('id', '=', id).execute();
}

async function networkTarget(tx: { selectFrom: Tx['db']['selectFrom'] }, networkId: unknown) {
  if (typeof networkId !== 'string') return {};
  const net = await tx.selectFrom('networks').select(['project_id', 'shared']).where('id', '=', networkId).executeTakeFirst();
  return net ? { 'network:project_id': net.project_id, 'network:tenant_id': net.project_id, 'network:shared': net.shared ? 'True' : 'False' } : {};
}

export const subnets: Collection = {
  def: subnet,
  notFound: notFound.subnet,
  visible: visible.subnet,
  quota: 'subnet',
  target: (db, v) => networkTarget(db, v.network_id),
  parent: async (tx, caller, values) => { await visibleNetwork(tx, caller, String(values.network_id)); },

  async beforeCreate(tx, caller: Caller, values, ctx: Networking) {
    const network = await visibleNetwork(tx, caller, String(values.network_id));
    if (values.subnetpool_id || values.use_default_subnetpool) {
      Object.assign(values, await allocateFromPool(tx, caller, values));
    } else if (values.cidr === undefined) {
      throw new BadRequest('Bad subnets request: a subnetpool must be specified in the absence of a cidr.', 'BadRequest');
    }
    delete values.use_default_subnetpool;
    delete values.prefixlen;
    // OpenStack: host bits in the CIDR are cleared, not refused.
    const canonical = canonicalCidr(String(values.cidr));
    values.cidr = canonical;
    const net = parseNet(canonical);
    if (values.ip_version === undefined) values.ip_version = net.version;
    if (values.ip_version !== net.version) throw new InvalidInput('Cidr and IP version are inconsistent');
    if (net.version === 4 && net.prefix === 0) throw new InvalidInput(`0.0.0.0/0 is not allowed as CIDR prefix length`);
    checkV6Modes(values, net);
    const siblings = await tx.db.selectFrom('subnets').select(['cidr', 'ip_version', 'subnetpool_id']).where('network_id', '=', network.id).execute();
    for (const other of siblings.filter((x) => x.ip_version === net.version)) {
      if ((other.subnetpool_id ?? null) !== ((values.subnetpool_id as string | undefined) ?? null)) {
        throw new BadRequest('Subnets hosted on the same network must be allocated from the same subnet pool.', 'NetworkSubnetPoolAffinityError');
      }
    }
    for (const other of siblings) {
      if (overlaps(net, parseNet(other.cidr))) {
        throw new InvalidInput(`Requested subnet with cidr: ${canonical} for network: ${network.id} overlaps with another subnet`);
      }
    }
    if (values.gateway_ip === undefined) {
      const g = defaultGateway(net);
      values.gateway_ip = g === null ? null : fromBig(g, net.version);
    }
    checkGateway(net, values.gateway_ip as string | null);
    const gw = values.gateway_ip === null ? null : toBig(String(values.gateway_ip));
    values.allocation_pools = values.allocation_pools === undefined
      ? defaultPools(net, gw).map((r) => ({ start: fromBig(r.start, net.version), end: fromBig(r.end, net.version) }))
      : checkPools(net, values.allocation_pools as Pool[], values.gateway_ip as string | null);
    for (const r of values.host_routes as { destination: string; nexthop: string }[]) {
      if (parseNet(r.destination).version !== versionOf(r.nexthop)) throw new InvalidInput(`Host route ${JSON.stringify(r)} mixes IP versions`);
    }
    void ctx;
  },

  async afterCreate(tx, _caller, values) {
    await createIpamSubnet(tx, toIpam(values as never));
  },

  async beforeUpdate(tx, _caller, current, changes) {
    const net = parseNet(String(current.cidr));
    const gateway = ('gateway_ip' in changes ? changes.gateway_ip : current.gateway_ip) as string | null;
    if ('allocation_pools' in changes || 'gateway_ip' in changes) {
      changes.allocation_pools = checkPools(net, (changes.allocation_pools ?? current.allocation_pools) as Pool[], gateway);
    }
    if ('gateway_ip' in changes) {
      checkGateway(net, gateway);
      if (gateway !== null) {
        const holder = await tx.db.selectFrom('ip_allocations').innerJoin('ports', 'ports.id', 'ip_allocations.port_id').select(['ports.device_owner'])
          .where('ip_allocations.subnet_id', '=', String(current.id)).where('ip_allocations.ip_address', '=', gateway).executeTakeFirst();
        if (holder && holder.device_owner !== 'network:router_interface') throw new InUse(`Gateway ip ${gateway} is in use by a port.`, 'GatewayIpInUse');
      }
    }
    if ('allocation_pools' in changes) {
      await recount(tx, toIpam({ ...(current as { id: string; network_id: string; cidr: string }), allocation_pools: changes.allocation_pools as Pool[] }));
    }
  },

  async beforeDelete(tx, _caller, current) {
    const id = String(current.id);
    let users = await tx.db.selectFrom('ip_allocations').innerJoin('ports', 'ports.id', 'ip_allocations.port_id')
      .select(['ports.id', 'ports.device_owner', 'ports.project_id']).where('ip_allocations.subnet_id', '=', id).execute();
    // OpenStack: an IPv6 SLAAC / stateless subnet's addresses are derived, not allocated, so
    // Neutron takes them off the ports; only router interfaces keep such a subnet in use.
    if (autoconfigured(current as { ip_version: number; ipv6_address_mode: string | null; ipv6_ra_mode: string | null })) {
      const derived = users.filter((u) => u.device_owner !== INTERFACE);
      for (const u of derived) {
        await tx.db.deleteFrom('ip_allocations').where('subnet_id', '=', id).where('port_id', '=', u.id).execute();
        await tx.emit({ resource: 'port', id: u.id, action: 'update', projectId: u.project_id });
      }
      users = users.filter((u) => u.device_owner === INTERFACE);
    }
    if (users.length) throw new SubnetInUse(id);
    await tx.db.deleteFrom('ip_allocations').where('subnet_id', '=', id).execute();
    await tx.db.deleteFrom('ipam_subnets').where('subnet_id', '=', id).execute();
  },
};
