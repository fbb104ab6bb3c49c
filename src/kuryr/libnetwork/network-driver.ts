// The NetworkDriver calls of the remote driver protocol. The endpoint's port is handed off (from
// CreateEndpoint on, ready by Join): the dataplane makes its veth, whose far end Docker moves
// into the container and configures — MAC, addresses from IPAM, and the gateway and routes Join
// answers, taken from the dataplane's own description of its far end (so a routed port gets /32
// behind the host end). Docker builds the container's network namespace only after Join (runc
// makes it), which is why Pier cannot plug into it itself. Every call is idempotent: Docker
// retries when Pier restarts mid-call.
import { NotFound } from '../../core/errors.js';
import type { Values } from '../../core/resource/index.js';
import type { AddressSpec } from '../../dataplane/index.js';
import { parseNet, type Caller } from '../../networking/index.js';
import type { KuryrContext } from '../context.js';
import type { EndpointPorts } from './endpoint-ports.js';
import type { DockerNetwork, DockerNetworks } from './networks.js';
import { exposedPorts } from './options.js';
import {
  ROUTE_CONNECTED, ROUTE_NEXTHOP, type CreateEndpointRequest, type CreateNetworkRequest, type EndpointRequest,
  type ExternalConnectivityRequest, type JoinAnswer, type JoinRequest,
} from './protocol.js';
import type { Handlers } from './server.js';

type FixedIp = { subnet_id: string; ip_address: string };

/** The far end's name while it waits in the host namespace (Docker renames it ethN as it moves it in). */
export const handoffName = (portId: string) => `kd${portId.replaceAll('-', '').slice(0, 11)}`;

export function networkDriver(k: KuryrContext, networks: DockerNetworks, ports: EndpointPorts, scope: 'local' | 'global'): Handlers {
  // The veth is made as soon as the endpoint exists, while Docker readies the container; Join
  // waits for it (and hands off again itself, idempotently, should this early try have failed).
  const early = new Map<string, Promise<void>>();
  const handoff = (portId: string) => {
    if (early.has(portId)) return;
    const work = k.plugger.handoff(portId, handoffName(portId)).catch(() => {}).finally(() => { if (early.get(portId) === work) early.delete(portId); });
    early.set(portId, work);
  };
  const portOf = async (caller: Caller, req: EndpointRequest) => {
    const port = await ports.ofEndpoint(caller, req.EndpointID);
    if (!port) throw new NotFound(`No Neutron port is bound to endpoint ${req.EndpointID}.`);
    return port;
  };
  return {
    'NetworkDriver.GetCapabilities': () => ({ Scope: scope, ConnectivityScope: scope }),
    // Swarm's manager allocates a global network first: nothing to allocate here, the options go back.
    'NetworkDriver.AllocateNetwork': (req: { Options?: Record<string, string> }) => ({ Options: req.Options ?? {} }),
    'NetworkDriver.FreeNetwork': () => ({}),
    'NetworkDriver.DiscoverNew': () => ({}),
    'NetworkDriver.DiscoverDelete': () => ({}),
    'NetworkDriver.CreateNetwork': async (req: CreateNetworkRequest, caller) => { await networks.create(caller, req); return {}; },
    'NetworkDriver.DeleteNetwork': async (req: { NetworkID: string }, caller) => { await networks.delete(caller, req.NetworkID); return {}; },

    'NetworkDriver.CreateEndpoint': async (req: CreateEndpointRequest, caller) => {
      const port = await ports.bind(caller, await networks.get(caller, req.NetworkID), req);
      handoff(String(port.id));
      // Docker sets a MAC it chose itself; without one (another IPAM driver) the port's is the interface's.
      return { Interface: req.Interface?.MacAddress ? {} : { MacAddress: port.mac_address } };
    },
    'NetworkDriver.EndpointOperInfo': async (req: EndpointRequest, caller) => {
      const port = await ports.ofEndpoint(caller, req.EndpointID);
      return { Value: port ? { status: port.status, port_id: port.id } : {} };
    },
    'NetworkDriver.DeleteEndpoint': async (req: EndpointRequest, caller) => {
      const port = await ports.ofEndpoint(caller, req.EndpointID);
      if (port) await early.get(String(port.id));
      if (port) await ports.release(caller, port);
      return {};
    },

    'NetworkDriver.Join': async (req: JoinRequest, caller): Promise<JoinAnswer> => {
      const net = await networks.get(caller, req.NetworkID);
      const port = await portOf(caller, req);
      const ifname = handoffName(String(port.id));
      await early.get(String(port.id));
      await k.plugger.handoff(String(port.id), ifname);
      return joinAnswer(k, caller, net, port.fixed_ips as FixedIp[], ifname);
    },
    'NetworkDriver.Leave': async (req: EndpointRequest, caller) => {
      const port = await ports.ofEndpoint(caller, req.EndpointID);
      if (port) await early.get(String(port.id));
      if (port) await k.plugger.unplug(String(port.id));
      return {};
    },

    'NetworkDriver.ProgramExternalConnectivity': async (req: ExternalConnectivityRequest, caller) => {
      await ports.expose(caller, await portOf(caller, req), exposedPorts(req.Options));
      return {};
    },
    'NetworkDriver.RevokeExternalConnectivity': async (req: EndpointRequest, caller) => {
      const port = await ports.ofEndpoint(caller, req.EndpointID);
      if (port) await ports.unexpose(caller, port);
      return {};
    },
  };
}

/**
 * What Docker must set on the far end: the dataplane's description of it, as Join's answer.
 * Where the far end's prefix is narrower than its subnet's (the routed style), the subnet is
 * routed through the next hop: the only way to it when Docker gives the default route to
 * another network of the container, or none (an internal network gets no default route).
 */
async function joinAnswer(k: KuryrContext, caller: Caller, net: DockerNetwork, ips: FixedIp[], ifname: string): Promise<JoinAnswer> {
  const addresses = await addressSpecs(k, caller, ips);
  const spec = k.plugger.farEnd(addresses);
  const hostPrefix = (ip: string) => (ip.includes(':') ? `${ip}/128` : `${ip}/32`);
  const routes = [...spec.routes];
  for (const [i, a] of addresses.entries()) {
    const gw = a.version === 4 ? spec.gateway4 : spec.gateway6;
    if (gw && spec.addresses[i]!.prefix > a.prefix) routes.push({ destination: a.cidr, nexthop: gw });
  }
  return {
    InterfaceName: { SrcName: ifname, DstPrefix: 'eth' },
    ...(spec.gateway4 && !net.internal ? { Gateway: spec.gateway4 } : {}),
    ...(spec.gateway6 && !net.internal ? { GatewayIPv6: spec.gateway6 } : {}),
    StaticRoutes: [
      ...spec.onLink.map((d) => ({ Destination: hostPrefix(d), RouteType: ROUTE_CONNECTED })),
      ...routes.map((r) => ({ Destination: r.destination, RouteType: ROUTE_NEXTHOP, NextHop: r.nexthop })),
    ],
    // Pier's network is the container's way out: no docker_gwbridge.
    DisableGatewayService: true,
  };
}

/** The port's addresses with their subnets, as the dataplane describes addresses. */
export async function addressSpecs(k: KuryrContext, caller: Caller, ips: FixedIp[]): Promise<AddressSpec[]> {
  const subnets = new Map<string, Values>();
  for (const id of new Set(ips.map((f) => f.subnet_id))) subnets.set(id, await k.networking.show(caller, 'subnet', id));
  return ips.map((f) => addressSpec(subnets.get(f.subnet_id)!, f.ip_address));
}

/** Address `ip` of subnet `s` (as Networking shows it), as the dataplane describes addresses. */
export function addressSpec(s: Values, ip: string): AddressSpec {
  const net = parseNet(String(s.cidr));
  return {
    ip, version: net.version, prefix: net.prefix, subnetId: String(s.id), cidr: String(s.cidr),
    gateway: (s.gateway_ip as string | null) ?? null, hostRoutes: s.host_routes as { destination: string; nexthop: string }[],
  };
}
