// The libnetwork remote network driver and IPAM plugin protocol, as Docker 20.10 speaks it
// (libnetwork drivers/remote/api and ipams/remote/api): request and answer bodies by method.
// Wire names verbatim. Every call is a POST of one JSON object to /<Method>.

/** What a plugin implements: the answer to `Plugin.Activate`. */
export const IMPLEMENTS = ['NetworkDriver', 'IpamDriver'] as const;

/** `com.docker.network.*` labels Docker puts in options. */
export const LABELS = {
  generic: 'com.docker.network.generic',
  enableIpv6: 'com.docker.network.enable_ipv6',
  internal: 'com.docker.network.internal',
  macAddress: 'com.docker.network.endpoint.macaddress',
  exposedPorts: 'com.docker.network.endpoint.exposedports',
  requestAddressType: 'RequestAddressType',
  gateway: 'com.docker.network.gateway',
} as const;

/** A static route in a Join answer: `RouteType` 0 has a next hop, 1 is on the link. */
export const ROUTE_NEXTHOP = 0;
export const ROUTE_CONNECTED = 1;

export interface IpamData {
  AddressSpace?: string;
  /** The pool's CIDR. */
  Pool: string;
  /** The gateway as CIDR (`10.0.0.1/24`). */
  Gateway?: string;
  AuxAddresses?: Record<string, string>;
}

export interface CreateNetworkRequest {
  NetworkID: string;
  Options?: Record<string, unknown>;
  IPv4Data?: IpamData[] | null;
  IPv6Data?: IpamData[] | null;
}

export interface EndpointRequest {
  NetworkID: string;
  EndpointID: string;
}

export interface CreateEndpointRequest extends EndpointRequest {
  /** Addresses as CIDRs and the MAC Docker chose (empty when it chose none). */
  Interface?: { Address?: string; AddressIPv6?: string; MacAddress?: string } | null;
  Options?: Record<string, unknown>;
}

export interface JoinRequest extends EndpointRequest {
  SandboxKey: string;
  Options?: Record<string, unknown>;
}

export interface JoinAnswer {
  InterfaceName: { SrcName: string; DstPrefix: string };
  Gateway?: string;
  GatewayIPv6?: string;
  StaticRoutes: { Destination: string; RouteType: number; NextHop?: string }[];
  DisableGatewayService: boolean;
}

export interface ExternalConnectivityRequest extends EndpointRequest {
  Options?: Record<string, unknown>;
}

/** One of `com.docker.network.endpoint.exposedports`: `Proto` is the IP protocol number. */
export interface ExposedPort { Proto: number; Port: number }

export interface RequestPoolRequest {
  AddressSpace: string;
  Pool: string;
  SubPool: string;
  Options?: Record<string, string> | null;
  V6: boolean;
}

export interface RequestAddressRequest {
  PoolID: string;
  /** The address asked for (`--ip`, a gateway), or empty. */
  Address: string;
  Options?: Record<string, string> | null;
}

export interface ReleaseAddressRequest {
  PoolID: string;
  Address: string;
}
