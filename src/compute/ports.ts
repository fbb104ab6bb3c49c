// A server's network side, through Networking's service functions (never HTTP): the networks a
// create asks for (uuid / port / fixed_ip, `auto`, `none`), the ports Nova makes for them
// (device_owner compute:nova, device_id = server, bound to this host) or binds, their release,
// and the `addresses` a server shows. Neutron's errors become Nova's.
import { ApiError, BadRequest, Conflict } from '../core/errors.js';
import type { AuthContext } from '../core/http/context.js';
import type { Values } from '../core/resource/index.js';
import type { Caller } from '../networking/index.js';
import type { ComputeContext } from './context.js';

/** One entry of `networks` after checking: a port to bind, or a network to make a port on. */
export type NetworkRequest = { port: string } | { network: string; fixedIp?: string; portSecurity?: boolean };

/** Nova acting for a project without a user's token (the controller): admin rights, that project. */
export function serviceCaller(projectId: string): Caller {
  const auth: AuthContext = {
    token: '', userId: 'nova', userName: 'nova', userDomainId: 'default', projectId, roles: ['admin', 'member', 'reader'], roleIds: [],
    methods: [], auditId: '', issuedAt: '', expiresAt: '', isAdmin: true,
  };
  return { auth, isAdmin: true, projectId };
}

export function elevatedCaller(auth: AuthContext): Caller {
  return serviceCaller(auth.projectId ?? '');
}

/** Neutron's answer as Nova words it: a missing thing named in the request is the request's fault (400). */
function asNova(err: unknown): unknown {
  if (!(err instanceof ApiError)) return err;
  if (err.status === 404) return new BadRequest(err.message);
  if (err.status === 409) return new Conflict(err.message);
  if (err.status === 400) return new BadRequest(err.message);
  return err;
}

const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}$/;

/** Checks `networks` against what the user may use, and resolves `auto` / omitted. */
export async function planNetworks(ctx: ComputeContext, user: Caller, networks: unknown, required: boolean): Promise<NetworkRequest[]> {
  const net = ctx.networking;
  if (networks === 'none') return [];
  if (networks === undefined && required) throw new BadRequest("Invalid input for field/attribute server. Value: {}. 'networks' is a required property");
  if (networks === undefined || networks === 'auto') {
    // OpenStack: the project's own networks, else shared ones; more than one is ambiguous.
    const visible = (await net.list(user, 'network')).filter((n) => !n['router:external'] || n.project_id === user.projectId);
    const own = visible.filter((n) => n.project_id === user.projectId && !n.shared);
    const candidates = own.length ? own : visible.filter((n) => n.shared);
    if (candidates.length > 1) throw new Conflict('Multiple possible networks found, use a Network ID to be more specific.');
    if (!candidates.length) {
      if (networks === 'auto') throw new BadRequest(`Unable to automatically allocate a network for project ${user.projectId}`);
      return [];
    }
    return [{ network: String(candidates[0]!.id), portSecurity: candidates[0]!.port_security_enabled !== false }];
  }
  if (!Array.isArray(networks)) throw new BadRequest(`Invalid input for field/attribute networks. Value: ${JSON.stringify(networks)}. ${JSON.stringify(networks)} is not of type 'array'`);
  const out: NetworkRequest[] = [];
  for (const raw of networks) {
    if (!raw || typeof raw !== 'object') throw new BadRequest(`Invalid input for field/attribute networks. Value: ${JSON.stringify(raw)}. is not of type 'object'`);
    const r = raw as Record<string, unknown>;
    for (const k of Object.keys(r)) if (!['uuid', 'port', 'fixed_ip', 'tag'].includes(k)) throw new BadRequest(`Invalid input for field/attribute networks. Value: ${JSON.stringify(r)}. Additional properties are not allowed ('${k}' was unexpected)`);
    if (typeof r.port === 'string' && r.port) {
      const port = await net.show(user, 'port', r.port).catch((e) => { throw e instanceof ApiError && e.status === 404 ? new BadRequest(`Port id ${r.port} could not be found.`) : e; });
      if (port.device_id) throw new Conflict(`Port ${r.port} is still in use.`);
      out.push({ port: r.port });
      continue;
    }
    if (typeof r.uuid !== 'string' || !r.uuid) throw new BadRequest('Bad networks format: network uuid is not in proper format (None)');
    const network = await net.show(user, 'network', r.uuid).catch((e) => { throw e instanceof ApiError && e.status === 404 ? new BadRequest(`Network ${r.uuid} could not be found.`) : e; });
    if (r.fixed_ip !== undefined && (typeof r.fixed_ip !== 'string' || !(IPV4.test(r.fixed_ip) || r.fixed_ip.includes(':')))) {
      throw new BadRequest(`Invalid input for field/attribute fixed_ip. Value: ${String(r.fixed_ip)}. '${String(r.fixed_ip)}' is not a 'ip-address'`);
    }
    out.push({ network: r.uuid, portSecurity: network.port_security_enabled !== false, ...(typeof r.fixed_ip === 'string' ? { fixedIp: r.fixed_ip } : {}) });
  }
  return out;
}

/** Security group names (or ids) → ids in the user's project; an unknown one is a 400. */
export async function resolveSecurityGroups(ctx: ComputeContext, user: Caller, names: string[]): Promise<string[]> {
  const groups = await ctx.networking.list(user, 'security_group');
  return names.map((n) => {
    const g = groups.find((x) => x.id === n) ?? groups.find((x) => x.name === n && x.project_id === user.projectId) ?? groups.find((x) => x.name === n);
    if (!g) throw new BadRequest(`Security group ${n} not found for project ${user.projectId}.`);
    return String(g.id);
  });
}

/**
 * Makes or binds the ports of one server. Returns the ports Nova created (to delete with the
 * server); on any failure undoes what it did and throws Nova's error.
 */
export async function allocatePorts(ctx: ComputeContext, projectId: string, serverId: string, plan: NetworkRequest[], securityGroups: string[], onlyDefault = false): Promise<{ created: string[]; bound: string[] }> {
  const admin = serviceCaller(projectId);
  const created: string[] = [];
  const bound: string[] = [];
  const binding = { device_id: serverId, device_owner: 'compute:nova', 'binding:host_id': ctx.host };
  try {
    for (const r of plan) {
      if ('port' in r) {
        await ctx.networking.update(admin, 'port', r.port, binding);
        bound.push(r.port);
      } else {
        // OpenStack: on a network without port security only the implicit default group is
        // dropped; groups asked for by name cannot be applied there.
        if (r.portSecurity === false && securityGroups.length && !onlyDefault) {
          throw new BadRequest('Network requires port_security_enabled and subnet associated in order to apply security groups.');
        }
        const groups = r.portSecurity === false ? [] : securityGroups;
        const port = await ctx.networking.create(admin, 'port', {
          network_id: r.network, ...binding, ...(r.fixedIp ? { fixed_ips: [{ ip_address: r.fixedIp }] } : {}),
          ...(groups.length ? { security_groups: groups } : {}),
        });
        created.push(String(port.id));
      }
    }
  } catch (err) {
    await releasePorts(ctx, projectId, serverId, created, bound);
    throw asNova(err);
  }
  return { created, bound };
}

/** Deletes the ports Nova created and unbinds the others still naming the server. Idempotent. */
export async function releasePorts(ctx: ComputeContext, projectId: string, serverId: string, created: string[], others?: string[]): Promise<void> {
  const admin = serviceCaller(projectId);
  for (const id of created) await ctx.networking.delete(admin, 'port', id).catch((e) => { if (!(e instanceof ApiError && e.status === 404)) throw e; });
  const left = others ?? (await ctx.networking.list(admin, 'port', { device_id: serverId })).map((p) => String(p.id));
  for (const id of left) {
    if (created.includes(id)) continue;
    await ctx.networking.update(admin, 'port', id, { device_id: '', device_owner: '', 'binding:host_id': '' }).catch((e) => { if (!(e instanceof ApiError && e.status === 404)) throw e; });
  }
}

/** The ports of servers (admin view), by server id. */
export async function serverPorts(ctx: ComputeContext, serverIds: string[]): Promise<Map<string, Values[]>> {
  const out = new Map<string, Values[]>(serverIds.map((id) => [id, []]));
  if (!serverIds.length) return out;
  const ports = await ctx.networking.list(serviceCaller(''), 'port', { device_id: serverIds });
  for (const p of ports) out.get(String(p.device_id))?.push(p);
  return out;
}

export type Addresses = Record<string, { version: number; addr: string; 'OS-EXT-IPS:type': string; 'OS-EXT-IPS-MAC:mac_addr': string }[]>;

/** Nova's `addresses`: per network name, each fixed IP and any floating IP on it, with the MAC. */
export async function addressesOf(ctx: ComputeContext, ports: Map<string, Values[]>): Promise<Map<string, Addresses>> {
  const all = [...ports.values()].flat();
  const admin = serviceCaller('');
  const netIds = [...new Set(all.map((p) => String(p.network_id)))];
  const nets = netIds.length ? await ctx.networking.list(admin, 'network', { id: netIds }) : [];
  const names = new Map(nets.map((n) => [String(n.id), String(n.name || n.id)]));
  const fips = all.length ? await ctx.networking.list(admin, 'floatingip', { port_id: all.map((p) => String(p.id)) }) : [];
  const out = new Map<string, Addresses>();
  for (const [serverId, list] of ports) {
    const a: Addresses = {};
    for (const p of list) {
      const key = names.get(String(p.network_id)) ?? String(p.network_id);
      const mac = String(p.mac_address);
      const entries = (a[key] ??= []);
      for (const ip of (p.fixed_ips as { ip_address: string }[]) ?? []) {
        entries.push({ version: ip.ip_address.includes(':') ? 6 : 4, addr: ip.ip_address, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': mac });
        for (const f of fips) {
          if (f.port_id === p.id && f.fixed_ip_address === ip.ip_address) {
            entries.push({ version: 4, addr: String(f.floating_ip_address), 'OS-EXT-IPS:type': 'floating', 'OS-EXT-IPS-MAC:mac_addr': mac });
          }
        }
      }
    }
    out.set(serverId, a);
  }
  return out;
}
