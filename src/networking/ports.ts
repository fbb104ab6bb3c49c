// Ports: MACs unique per network (generated from the base MAC or given), fixed IPs from IPAM
// (by subnet, by address, or one per IP version automatically, as Neutron does), security
// groups (the project's default unless told otherwise), port security and address pairs,
// binding attributes. A port is DOWN until the dataplane reports it.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Values } from '../core/resource/index.js';
import { insertRow, prepared, type Tx } from '../store/index.js';
import { authorize, targetOf, type Collection, type Db, type Query } from './collection.js';
import type { Caller, Networking } from './context.js';
import { port, type ExtraDhcpOpt } from './definitions/port.js';
import {
  InUse, InvalidInput, InvalidIpForSubnet, IpAddressAlreadyAllocated, IpAddressGenerationFailure, MacAddressInUse, notFound,
} from './errors.js';
import { allocateExact, allocateNext, isAllocated, release } from './ipam/allocator.js';
import { fromBig, inNet, ipKey, parseNet, toBig, versionOf } from './ipam/ip.js';
import { networkRow, visibleNetwork } from './networks.js';
import { ensureDefaultGroup } from './security-groups.js';
import { toIpam } from './subnets.js';
import { visible } from './visibility.js';
import { BadRequest, Conflict } from '../core/errors.js';

type FixedIp = { subnet_id?: string; ip_address?: string };

// Random bytes drawn a batch at a time: one call into the generator per 1,000 MACs, not per MAC.
let entropy = Buffer.alloc(0);
let used = 0;
const hex = (b: number) => b.toString(16).padStart(2, '0');

/** A random MAC under the base; the (network, MAC) unique key turns a rare clash into a retried transaction. */
function generateMac(base: string): string {
  if (used + 3 > entropy.length) { entropy = randomBytes(3000); used = 0; }
  const [a, b, c] = [entropy[used]!, entropy[used + 1]!, entropy[used + 2]!];
  used += 3;
  return `${base}:${hex(a)}:${hex(b)}:${hex(c)}`;
}

const subnetsOf = prepared((db, p: { network: string }) => db.selectFrom('subnets')
  .select(['id', 'network_id', 'cidr', 'allocation_pools', 'ip_version', 'ipv6_address_mode', 'ipv6_ra_mode'])
  .where('network_id', '=', p.network).orderBy('created_at').orderBy('id'));

const networkSubnets = (tx: Tx, networkId: string) => subnetsOf.all(tx.db, { network: networkId });

const AUTO = ['slaac', 'dhcpv6-stateless'];
export const autoconfigured = (s: { ip_version: number; ipv6_address_mode: string | null; ipv6_ra_mode: string | null }) =>
  s.ip_version === 6 && (AUTO.includes(s.ipv6_address_mode ?? '') || AUTO.includes(s.ipv6_ra_mode ?? ''));

/** The SLAAC address of `mac` on an IPv6 /64: the prefix and the modified EUI-64 interface id. */
export function eui64(cidr: string, mac: string): string {
  const b = mac.split(':').map((x) => parseInt(x, 16));
  const iid = [b[0]! ^ 2, b[1]!, b[2]!, 0xff, 0xfe, b[3]!, b[4]!, b[5]!].reduce((n, x) => (n << 8n) | BigInt(x), 0n);
  return fromBig(parseNet(cidr).first | iid, 6);
}

type Held = { subnet_id: string; ip_address: string };

/**
 * Allocates the requested fixed IPs (or Neutron's automatic choice when `requested` is
 * undefined); returns what it allocated in the order a port shows its fixed_ips.
 */
export async function allocateFixedIps(tx: Tx, networkId: string, portId: string, requested: FixedIp[] | undefined, mac: string): Promise<Held[]> {
  const subnets = await networkSubnets(tx, networkId);
  const got: Held[] = [];
  const allocated = () => {
    const rank = (h: Held) => subnets.findIndex((s) => s.id === h.subnet_id);
    const version = (h: Held) => subnets[rank(h)]!.ip_version;
    return got.sort((a, b) => version(a) - version(b) || rank(a) - rank(b) || (ipKey(a.ip_address) < ipKey(b.ip_address) ? -1 : 1));
  };
  const slaac = async (s: (typeof subnets)[number]) => {
    const ip = eui64(s.cidr, mac);
    if (await isAllocated(tx, s.id, ip)) throw new IpAddressAlreadyAllocated(ip, s.id);
    await allocateExact(tx, toIpam(s), ip, portId);
    got.push({ subnet_id: s.id, ip_address: ip });
  };
  if (requested === undefined) {
    // OpenStack: an address on every SLAAC subnet, then one from the first IPv4 subnet with room
    // and one from the first other IPv6 subnet with room.
    for (const s of subnets.filter(autoconfigured)) await slaac(s);
    for (const version of [4, 6]) {
      const candidates = subnets.filter((s) => s.ip_version === version && !autoconfigured(s));
      if (!candidates.length) continue;
      let ip: string | undefined;
      for (const s of candidates) if ((ip = await allocateNext(tx, toIpam(s), portId))) { got.push({ subnet_id: s.id, ip_address: ip }); break; }
      if (!ip) throw new IpAddressGenerationFailure(networkId);
    }
    return allocated();
  }
  for (const f of requested) {
    let s = f.subnet_id ? subnets.find((x) => x.id === f.subnet_id) : undefined;
    if (f.subnet_id && !s) {
      const exists = await tx.db.selectFrom('subnets').select('id').where('id', '=', f.subnet_id).executeTakeFirst();
      if (!exists) throw notFound.subnet(f.subnet_id);
      throw new InvalidInput(`Failed to create port on network ${networkId}, because fixed_ips included invalid subnet ${f.subnet_id}`);
    }
    if (f.ip_address) {
      const ip = f.ip_address;
      if (!s) {
        s = subnets.find((x) => {
          const net = parseNet(x.cidr);
          const n = toBig(ip);
          return versionOf(ip) === x.ip_version && inNet(net, n) && !(net.version === 4 && net.prefix < 31 && (n === net.first || n === net.last));
        });
      }
      if (!s) throw new BadRequest(`IP address ${ip} is not a valid IP for any of the subnets on the specified network.`, 'InvalidIpForNetwork');
      const net = parseNet(s.cidr);
      if (versionOf(ip) !== net.version || !inNet(net, toBig(ip)) || (net.version === 4 && net.prefix < 31 && (toBig(ip) === net.first || toBig(ip) === net.last))) {
        throw new InvalidIpForSubnet(ip);
      }
      if (await isAllocated(tx, s.id, ip)) throw new IpAddressAlreadyAllocated(ip, s.id);
      await allocateExact(tx, toIpam(s), ip, portId);
      got.push({ subnet_id: s.id, ip_address: ip });
    } else if (s && autoconfigured(s)) {
      await slaac(s);
    } else if (s) {
      const ip = await allocateNext(tx, toIpam(s), portId);
      if (!ip) throw new IpAddressGenerationFailure(networkId);
      got.push({ subnet_id: s.id, ip_address: ip });
    } else {
      throw new InvalidInput('Invalid fixed_ips: each entry needs a subnet_id or an ip_address');
    }
  }
  return allocated();
}

/** Releases every address of the port. */
export async function releaseFixedIps(tx: Tx, portId: string): Promise<void> {
  const held = await tx.db.selectFrom('ip_allocations').innerJoin('subnets', 'subnets.id', 'ip_allocations.subnet_id')
    .select(['subnets.id', 'subnets.network_id', 'subnets.cidr', 'subnets.allocation_pools', 'ip_allocations.ip_address'])
    .where('ip_allocations.port_id', '=', portId).execute();
  for (const h of held) await release(tx, toIpam(h), portId, h.ip_address);
}

async function checkGroups(tx: Tx, caller: Caller, projectId: string, ids: string[]): Promise<void> {
  if (!ids.length) return;
  let q = tx.db.selectFrom('security_groups').select('id').where('id', 'in', ids);
  if (!caller.isAdmin) q = q.where('project_id', '=', projectId);
  const found = new Set((await q.execute()).map((r) => r.id));
  const missing = ids.find((id) => !found.has(id));
  if (missing) throw notFound.security_group(missing);
}

async function bindGroups(tx: Tx, portId: string, ids: string[], fresh = false): Promise<void> {
  if (!fresh) await tx.db.deleteFrom('port_security_groups').where('port_id', '=', portId).execute();
  if (ids.length === 1) await insertRow(tx.db, 'port_security_groups', { port_id: portId, security_group_id: ids[0] });
  else if (ids.length) await tx.db.insertInto('port_security_groups').values(ids.map((id) => ({ port_id: portId, security_group_id: id }))).execute();
}

export const ports: Collection = {
  def: port,
  renderWritten: true,
  notFound: notFound.port,
  visible: visible.port,
  quota: 'port',
  filters: {
    // fixed_ips=ip_address=10.0.0.5 / subnet_id=… / ip_address_substr=…: a repeated key means OR.
    // OpenStack: keys other than these are ignored.
    fixed_ips: (q: Query, values: string[]) => {
      const known = values.filter((v) => /^(ip_address|subnet_id|ip_address_substr)=/.test(v));
      if (!known.length) return q;
      return q.where((eb) => eb.or(known.map((v) => {
        const [k, val = ''] = v.split('=', 2) as [string, string?];
        const col = k === 'subnet_id' ? 'a.subnet_id' : 'a.ip_address';
        const cond = k === 'ip_address_substr' ? sql`${sql.ref(col)} like ${`%${val}%`}` : sql`${sql.ref(col)} = ${val}`;
        return sql<boolean>`exists (select 1 from ip_allocations a where a.port_id = ports.id and ${cond})`;
      })));
    },
    security_groups: (q: Query, values: string[]) => q.where(sql<boolean>`exists (select 1 from port_security_groups g where g.port_id = ports.id and g.security_group_id in (${sql.join(values)}))`),
  },

  async expand(db: Db, items) {
    const ids = items.map((v) => String(v.id));
    const ips = await db.selectFrom('ip_allocations').innerJoin('subnets', 'subnets.id', 'ip_allocations.subnet_id')
      .select(['ip_allocations.port_id', 'ip_allocations.subnet_id', 'ip_allocations.ip_address'])
      .where('ip_allocations.port_id', 'in', ids).orderBy('subnets.ip_version').orderBy('subnets.created_at').orderBy('subnets.id').orderBy('ip_allocations.ip_key').execute();
    const groups = await db.selectFrom('port_security_groups').select(['port_id', 'security_group_id']).where('port_id', 'in', ids).orderBy('security_group_id').execute();
    const ipsBy = new Map<string, { subnet_id: string; ip_address: string }[]>();
    for (const r of ips) ipsBy.set(r.port_id, [...(ipsBy.get(r.port_id) ?? []), { subnet_id: r.subnet_id, ip_address: r.ip_address }]);
    const sgBy = new Map<string, string[]>();
    for (const g of groups) sgBy.set(g.port_id, [...(sgBy.get(g.port_id) ?? []), g.security_group_id]);
    for (const v of items) {
      v.fixed_ips = ipsBy.get(String(v.id)) ?? [];
      v.security_groups = sgBy.get(String(v.id)) ?? [];
    }
  },

  async target(db, v) {
    const out: Record<string, unknown> = { device_owner_prefix: String(v.device_owner ?? '').split(':')[0] };
    if (typeof v.network_id === 'string') {
      const net = await networkRow(db, v.network_id);
      if (net) Object.assign(out, { 'network:project_id': net.project_id, 'network:tenant_id': net.project_id, 'network:shared': net.shared ? 'True' : 'False' });
    }
    return out;
  },

  parent: async (tx, caller, values) => { await visibleNetwork(tx, caller, String(values.network_id)); },

  async beforeCreate(tx, caller, values, ctx: Networking) {
    const network = await visibleNetwork(tx, caller, String(values.network_id));
    await authorizeAddresses(tx, caller, 'create', values);
    if (values.mac_address) {
      const used = await tx.db.selectFrom('ports').select('id').where('network_id', '=', network.id).where('mac_address', '=', String(values.mac_address)).executeTakeFirst();
      if (used) throw new MacAddressInUse(network.id, String(values.mac_address));
    } else {
      values.mac_address = generateMac(ctx.config.baseMac);
    }
    values.port_security_enabled ??= Boolean(network.port_security_enabled);
    const pairs = values.allowed_address_pairs as unknown[];
    if (pairs.length && !values.port_security_enabled) {
      throw new Conflict('Port Security must be enabled in order to have allowed address pairs on a port.', 'AddressPairAndPortSecurityRequired');
    }
    values.allowed_address_pairs = (pairs as { ip_address: string; mac_address?: string }[]).map((p) => ({ ip_address: p.ip_address, mac_address: p.mac_address ?? values.mac_address }));
    values.status = 'DOWN';
    values['binding:vif_type'] = 'unbound';
    values['binding:vif_details'] = {};
    const groups = values.security_groups as string[] | undefined;
    if (groups?.length && !values.port_security_enabled) {
      throw new BadRequest('Port has security group associated. Cannot disable port security or ip address until security group is removed', 'PortSecurityAndIPRequiredForSecurityGroups');
    }
    if (groups) await checkGroups(tx, caller, String(values.project_id), groups);
  },

  async afterCreate(tx, _caller, values) {
    const id = String(values.id);
    values.fixed_ips = await allocateFixedIps(tx, String(values.network_id), id, values.fixed_ips as FixedIp[] | undefined, String(values.mac_address));
    let groups = values.security_groups as string[] | undefined;
    // OpenStack: a port with port security and no groups named gets its project's default group;
    // the network's own ports (router interfaces, gateways, floating IPs) get none.
    if (groups === undefined) groups = values.port_security_enabled && !String(values.device_owner).startsWith('network:') ? [await ensureDefaultGroup(tx, String(values.project_id))] : [];
    await bindGroups(tx, id, groups, true);
    values.security_groups = [...groups].sort();
  },

  async beforeUpdate(tx, caller, current, changes) {
    const id = String(current.id);
    if (changes.extra_dhcp_opts) changes.extra_dhcp_opts = mergeDhcpOpts(current.extra_dhcp_opts as ExtraDhcpOpt[], changes.extra_dhcp_opts as ExtraDhcpOpt[]);
    await authorizeAddresses(tx, caller, 'update', { ...current, fixed_ips: changes.fixed_ips });
    if (changes.mac_address && changes.mac_address !== current.mac_address) {
      if (current['binding:host_id'] && current.status === 'ACTIVE') throw new Conflict(`Port ${id} is bound; its MAC address cannot be changed.`, 'PortBound');
      const used = await tx.db.selectFrom('ports').select('id').where('network_id', '=', String(current.network_id)).where('mac_address', '=', String(changes.mac_address)).executeTakeFirst();
      if (used) throw new MacAddressInUse(String(current.network_id), String(changes.mac_address));
    }
    const portSecurity = (changes.port_security_enabled ?? current.port_security_enabled) as boolean;
    const groups = (changes.security_groups ?? current.security_groups) as string[];
    const pairs = (changes.allowed_address_pairs ?? current.allowed_address_pairs) as unknown[];
    if (!portSecurity && pairs.length) throw new Conflict('Port Security must be enabled in order to have allowed address pairs on a port.', 'AddressPairAndPortSecurityRequired');
    if (!portSecurity && groups.length) {
      throw new Conflict('Port has security group associated. Cannot disable port security or ip address until security group is removed', 'PortSecurityPortHasSecurityGroup');
    }
    if (changes.allowed_address_pairs) {
      const mac = String(changes.mac_address ?? current.mac_address);
      changes.allowed_address_pairs = (changes.allowed_address_pairs as { ip_address: string; mac_address?: string }[]).map((p) => ({ ip_address: p.ip_address, mac_address: p.mac_address ?? mac }));
    }
    if (changes.security_groups) {
      await checkGroups(tx, caller, String(current.project_id), changes.security_groups as string[]);
      await bindGroups(tx, id, changes.security_groups as string[]);
      delete changes.security_groups;
    }
    if (changes.fixed_ips) {
      const wanted = changes.fixed_ips as FixedIp[];
      const held = current.fixed_ips as { subnet_id: string; ip_address: string }[];
      // Keep addresses asked for again (by address, or a subnet-only entry matching a held
      // address on that subnet, as Neutron does); release the rest; allocate what is new.
      const keep: typeof held = [];
      const fresh: FixedIp[] = [];
      for (const w of wanted) {
        const h = held.find((x) => !keep.includes(x) && (w.ip_address ? x.ip_address === w.ip_address : x.subnet_id === w.subnet_id));
        if (h) keep.push(h); else fresh.push(w);
      }
      for (const h of held.filter((x) => !keep.includes(x))) {
        const s = await tx.db.selectFrom('subnets').select(['id', 'network_id', 'cidr', 'allocation_pools']).where('id', '=', h.subnet_id).executeTakeFirstOrThrow();
        await release(tx, toIpam(s), id, h.ip_address);
      }
      await allocateFixedIps(tx, String(current.network_id), id, fresh, String(changes.mac_address ?? current.mac_address));
      delete changes.fixed_ips;
    }
  },

  async beforeDelete(tx, caller, current) {
    const owner = String(current.device_owner);
    if (!caller.isAdmin && (owner === 'network:router_interface' || owner === 'network:router_gateway' || owner === 'network:floatingip')) {
      throw new InUse(`Port ${String(current.id)} cannot be deleted directly via the port API: has device owner ${owner}.`, 'ServicePortInUse');
    }
    await disassociateFloatingIps(tx, String(current.id));
    await releaseFixedIps(tx, String(current.id));
  },
};

/** `<action>_port:fixed_ips:ip_address`: choosing an address is for the network's owner (or admin). */
async function authorizeAddresses(tx: Tx, caller: Caller, action: 'create' | 'update', values: Values): Promise<void> {
  const wanted = values.fixed_ips as FixedIp[] | undefined;
  if (!wanted?.some((f) => f.ip_address)) return;
  authorize(caller, `${action}_port:fixed_ips:ip_address`, await targetOf(ports, tx.db, values));
}

/** Port deletion disassociates its floating IPs (they stay allocated to their project). */
async function disassociateFloatingIps(tx: Tx, portId: string): Promise<void> {
  const fips = await tx.db.selectFrom('floatingips').select(['id', 'project_id']).where('port_id', '=', portId).execute();
  if (!fips.length) return;
  await tx.db.updateTable('floatingips').set({ port_id: null, fixed_ip_address: null, router_id: null, status: 'DOWN' })
    .set((eb) => ({ revision_number: eb('revision_number', '+', 1) })).where('port_id', '=', portId).execute();
  for (const f of fips) await tx.emit({ resource: 'floatingip', id: f.id, action: 'update', projectId: f.project_id });
}

export { ipKey, type FixedIp };
export type { Values };

/**
 * OpenStack: an update of extra_dhcp_opts merges by (opt_name, ip_version): a given option
 * replaces its namesake, a null opt_value removes it, the rest stay.
 */
export function mergeDhcpOpts(current: ExtraDhcpOpt[], given: ExtraDhcpOpt[]): ExtraDhcpOpt[] {
  const key = (o: ExtraDhcpOpt) => `${o.opt_name}/${o.ip_version}`;
  const out = new Map(current.map((o) => [key(o), o]));
  for (const o of given) {
    if (o.opt_value === null) out.delete(key(o));
    else out.set(key(o), o);
  }
  return [...out.values()];
}
