// A Docker endpoint's Neutron port. RequestAddress comes first, before the endpoint exists: it
// makes the port (id derived from the network and Docker's MAC; the second IP version of a
// dual-stack endpoint is added to the same port) or, for `--ip`, adopts a free existing port
// that holds the address. CreateEndpoint binds it to the endpoint (device_id, name, tags); later
// calls find it by device_id. Released, a port Pier made is deleted and an adopted one reset.
// `-p` / `--expose` become a security group of the port's own, as kuryr-libnetwork does.
import { BadRequest } from '../../core/errors.js';
import type { Values } from '../../core/resource/index.js';
import { canonicalCidr, type Caller } from '../../networking/index.js';
import { DEVICE_OWNER, ensureContainerPort, releaseContainerPort } from '../container-ports.js';
import type { KuryrContext } from '../context.js';
import { gone } from './lookups.js';
import type { DockerNetwork } from './networks.js';
import type { CreateEndpointRequest, ExposedPort } from './protocol.js';
import { derivedIds, EXISTING_PORT_TAG, exposeGroupName, idTags, portName, UNBOUND_PORT_NAME } from './tags.js';

type FixedIp = { subnet_id: string; ip_address: string };
const PROTOCOLS: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 132: 'sctp' };
const ipOf = (cidr: string | undefined) => cidr?.split('/')[0] || undefined;

export class EndpointPorts {
  constructor(private readonly k: KuryrContext) {}

  /** RequestAddress: an address of `subnet` for the endpoint with Docker's `mac` (`address` when asked for). */
  async reserve(caller: Caller, subnet: Values, mac: string | undefined, address: string | undefined): Promise<string> {
    const networkId = String(subnet.network_id);
    const subnetId = String(subnet.id);
    const wanted = { subnet_id: subnetId, ...(address ? { ip_address: address } : {}) };
    if (!mac) {
      // An auxiliary address (`--aux-address`): held by a port of its own, for no container.
      if (!address) throw new BadRequest('An address request needs a MAC address or an address.');
      await ensureContainerPort(this.k, { id: derivedIds.auxPort(subnetId, address), networkId, deviceId: '', name: 'kuryr-aux-address', fixedIps: [wanted] });
      return address;
    }
    const id = derivedIds.port(networkId, mac);
    const port = await this.k.networking.show(caller, 'port', id).catch(gone);
    if (!port) {
      if (address && await this.adopt(caller, networkId, address)) return address;
      // A taken address fails here with Neutron's own message.
      return ipOn(await ensureContainerPort(this.k, { id, networkId, deviceId: '', name: UNBOUND_PORT_NAME, mac, fixedIps: [wanted] }), subnetId);
    }
    const ips = port.fixed_ips as FixedIp[];
    const held = ips.find((f) => f.subnet_id === subnetId);
    if (held && (!address || held.ip_address === address)) return held.ip_address;
    const updated = await this.k.networking.update(caller, 'port', id, { fixed_ips: [...ips.filter((f) => f.subnet_id !== subnetId), wanted] });
    return ipOn(updated, subnetId);
  }

  /** CreateEndpoint: the endpoint's port, bound to it (made here when another IPAM driver chose the addresses). */
  async bind(caller: Caller, net: DockerNetwork, req: CreateEndpointRequest): Promise<Values> {
    const mac = req.Interface?.MacAddress || undefined;
    const addresses = [req.Interface?.Address, req.Interface?.AddressIPv6].filter((a): a is string => Boolean(a));
    if (!addresses.length) throw new BadRequest('Interface address v4 or v6 not provided.');
    let port = mac ? await this.k.networking.show(caller, 'port', derivedIds.port(net.networkId, mac)).catch(gone) : undefined;
    for (const a of addresses) {
      if (port) break;
      [port] = await this.k.networking.list(caller, 'port', { network_id: net.networkId, fixed_ips: `ip_address=${ipOf(a)}` });
    }
    if (!port) {
      const fixedIps = await Promise.all(addresses.map(async (a) => {
        const [s] = await this.k.networking.list(caller, 'subnet', { network_id: net.networkId, cidr: canonicalCidr(a) });
        if (!s) throw new BadRequest(`No subnet of network ${net.networkId} holds ${a}.`);
        return { subnet_id: String(s.id), ip_address: ipOf(a)! };
      }));
      port = await ensureContainerPort(this.k, { id: derivedIds.port(net.networkId, mac ?? req.EndpointID), networkId: net.networkId, deviceId: req.EndpointID, mac, fixedIps });
    }
    const adopted = (port.tags as string[]).includes(EXISTING_PORT_TAG);
    const changes: Record<string, unknown> = {};
    if (port.device_id !== req.EndpointID) changes.device_id = req.EndpointID;
    if (!adopted && port.name !== portName(req.EndpointID)) changes.name = portName(req.EndpointID);
    // An adopted port takes the MAC Docker gives the interface, or anti-spoofing would drop it.
    if (mac && String(port.mac_address).toLowerCase() !== mac.toLowerCase()) changes.mac_address = mac;
    if (Object.keys(changes).length) port = await this.k.networking.update(caller, 'port', String(port.id), changes);
    const tags = idTags(req.EndpointID);
    if (!tags.every((t) => (port!.tags as string[]).includes(t))) port.tags = await this.k.networking.setTags(caller, 'port', String(port.id), [...new Set([...port.tags as string[], ...tags])]);
    return port;
  }

  /** Adopts the existing port holding `address` when it is free (no device, or adopted already); true if it did. */
  private async adopt(caller: Caller, networkId: string, address: string): Promise<boolean> {
    const [holder] = await this.k.networking.list(caller, 'port', { network_id: networkId, fixed_ips: `ip_address=${address}` });
    if (!holder || holder.device_id !== '') return false;
    const tags = holder.tags as string[];
    if (holder.device_owner !== '' && !tags.includes(EXISTING_PORT_TAG)) return false;
    if (holder.device_owner !== DEVICE_OWNER) await this.k.networking.update(caller, 'port', String(holder.id), { device_owner: DEVICE_OWNER });
    if (!tags.includes(EXISTING_PORT_TAG)) await this.k.networking.setTags(caller, 'port', String(holder.id), [...tags, EXISTING_PORT_TAG]);
    return true;
  }

  /** The port bound to `endpointId`. */
  async ofEndpoint(caller: Caller, endpointId: string): Promise<Values | undefined> {
    return (await this.k.networking.list(caller, 'port', { device_id: endpointId, device_owner: DEVICE_OWNER }))[0];
  }

  /** Lets go of a port: unplugged, its exposed-ports group gone; deleted if Pier made it, reset if adopted. */
  async release(caller: Caller, port: Values): Promise<void> {
    const id = String(port.id);
    await this.unexpose(caller, port);
    if (madeHere(port)) return releaseContainerPort(this.k, id);
    if (!(port.tags as string[]).includes(EXISTING_PORT_TAG)) return;
    await this.k.plugger.unplug(id);
    await this.k.networking.update(caller, 'port', id, { device_owner: '', device_id: '', 'binding:host_id': '' }).catch(gone);
    const drop = new Set([EXISTING_PORT_TAG, ...idTags(String(port.device_id))]);
    await this.k.networking.setTags(caller, 'port', id, (port.tags as string[]).filter((t) => !drop.has(t))).catch(gone);
  }

  /** ReleaseAddress: the Kuryr port holding `ip` in `subnet`, released; anyone else's port (a router's) is left alone. */
  async releaseAddress(caller: Caller, subnet: Values, ip: string): Promise<void> {
    for (const p of await this.k.networking.list(caller, 'port', { network_id: String(subnet.network_id), fixed_ips: `ip_address=${ip}` })) {
      const holds = (p.fixed_ips as FixedIp[]).some((f) => f.subnet_id === subnet.id && f.ip_address === ip);
      if (holds && (madeHere(p) || (p.tags as string[]).includes(EXISTING_PORT_TAG))) await this.release(caller, p);
    }
  }

  /** ProgramExternalConnectivity: ingress for the exposed ports, as a group of the port's own (made once, rules added as missing). */
  async expose(caller: Caller, port: Values, exposed: ExposedPort[]): Promise<void> {
    if (!exposed.length) return;
    const id = derivedIds.exposeGroup(String(port.id));
    if (!await this.k.networking.show(caller, 'security_group', id).catch(gone)) {
      await this.k.networking.create(caller, 'security_group', { name: exposeGroupName(String(port.id)), description: 'Docker exposed ports created by Kuryr.' }, id)
        .catch(async (err) => { if (!await this.k.networking.show(caller, 'security_group', id).catch(gone)) throw err; });
    }
    const v6 = (port.fixed_ips as FixedIp[]).some((f) => f.ip_address.includes(':'));
    const have = await this.k.networking.list(caller, 'security_group_rule', { security_group_id: id, direction: 'ingress' });
    const key = (r: Record<string, unknown>) => `${String(r.ethertype)} ${String(r.protocol)} ${String(r.port_range_min)} ${String(r.port_range_max)}`;
    const present = new Set(have.map(key));
    for (const rule of ruleRanges(exposed)) {
      for (const ethertype of v6 ? ['IPv4', 'IPv6'] : ['IPv4']) {
        const body = { security_group_id: id, direction: 'ingress', ethertype, ...rule };
        if (!present.has(key(body))) await this.k.networking.create(caller, 'security_group_rule', body);
      }
    }
    const groups = port.security_groups as string[];
    if (!groups.includes(id)) await this.k.networking.update(caller, 'port', String(port.id), { security_groups: [...groups, id] });
  }

  /** RevokeExternalConnectivity: the exposed-ports group off the port, and gone. */
  async unexpose(caller: Caller, port: Values): Promise<void> {
    const id = derivedIds.exposeGroup(String(port.id));
    const groups = port.security_groups as string[];
    if (groups.includes(id)) await this.k.networking.update(caller, 'port', String(port.id), { security_groups: groups.filter((g) => g !== id) }).catch(gone);
    await this.k.networking.delete(caller, 'security_group', id).catch(gone);
  }
}

/** A port Pier made for Docker (its id derived), as against one it adopted or anyone else's. */
function madeHere(p: Values): boolean {
  const ips = p.fixed_ips as FixedIp[];
  const net = String(p.network_id);
  // Keyed by Docker's MAC, or (no MAC from another IPAM driver) by the endpoint.
  return p.id === derivedIds.port(net, String(p.mac_address)) || (p.device_id !== '' && p.id === derivedIds.port(net, String(p.device_id)))
    || ips.some((f) => p.id === derivedIds.auxPort(f.subnet_id, f.ip_address));
}

function ipOn(port: Values, subnetId: string): string {
  const ip = (port.fixed_ips as FixedIp[]).find((f) => f.subnet_id === subnetId)?.ip_address;
  if (!ip) throw new BadRequest(`Port ${String(port.id)} got no address on subnet ${subnetId}.`);
  return ip;
}

/** Exposed ports as rules: consecutive ports of a protocol in one range. */
function ruleRanges(exposed: ExposedPort[]): { protocol: string; port_range_min: number; port_range_max: number }[] {
  const byProto = new Map<string, number[]>();
  for (const e of exposed) {
    const proto = PROTOCOLS[e.Proto] ?? String(e.Proto);
    byProto.set(proto, [...(byProto.get(proto) ?? []), e.Port]);
  }
  const out: { protocol: string; port_range_min: number; port_range_max: number }[] = [];
  for (const [protocol, ports] of byProto) {
    const sorted = [...new Set(ports)].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length;) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
      out.push({ protocol, port_range_min: sorted[i]!, port_range_max: sorted[j]! });
      i = j + 1;
    }
  }
  return out;
}
