// The network driver contract. A driver gets the whole desired state as plain data (built from
// the store by desired.ts) and converges the kernel on it; it knows nothing of HTTP or SQL.
// `sync` is idempotent and may be interrupted at any point: the next call finishes the job.

export interface SegmentSpec {
  type: 'flat' | 'vlan' | 'vxlan' | 'local';
  physnet: string | null;
  segmentationId: number | null;
}

export interface NetworkSpec {
  id: string;
  segment: SegmentSpec;
  mtu: number;
}

export interface AddressSpec {
  ip: string;
  version: 4 | 6;
  /** Prefix length of the address's subnet. */
  prefix: number;
  subnetId: string;
  cidr: string;
  gateway: string | null;
  hostRoutes: { destination: string; nexthop: string }[];
}

/**
 * Where a port's far end lives: a container's namespace (plugged), the host namespace for a
 * container runtime to take (handed off), a router's, or nowhere yet (bound to this host only).
 */
export type Attachment =
  | { kind: 'netns'; netns: string; ifname: string }
  /** The far end stays in the host namespace as `ifname`, unconfigured: a runtime (Docker) moves it into its container and configures it as `farEnd` says. */
  | { kind: 'handoff'; ifname: string }
  | { kind: 'router'; routerId: string; role: 'interface' | 'gateway' }
  /**
   * A veth from `parent`'s namespace into `netns` as `ifname` (the port's MAC, its addresses
   * routed by the parent's namespace): a pod's port inside a container-host server, behind the
   * server's port (Kuryr's nested mode). Its traffic reaches the dataplane as the parent's, so the
   * parent must allow it (allowed address pairs); `parent` is null when the parent is not plugged here.
   */
  | { kind: 'nested'; netns: string; ifname: string; parent: { port: string; netns: string; ifname: string } | null }
  | { kind: 'bound' };

/** How a port's container end is configured (far-end.ts has each driver's style). */
export interface FarEndSpec {
  addresses: { ip: string; version: 4 | 6; prefix: number }[];
  /** Destinations reached directly on the link, before any gateway (the routed style's next hops). */
  onLink: string[];
  /** The default gateways, when the port has one. */
  gateway4: string | null;
  gateway6: string | null;
  routes: { destination: string; nexthop: string }[];
}

/** A far end as a CNI result reports it: addresses, and routes with `link` for on-link ones. */
export interface ContainerSide {
  addresses: FarEndSpec['addresses'];
  routes: { dst: string; gateway?: string; link?: true }[];
}

export interface PortSpec {
  id: string;
  networkId: string;
  mac: string;
  mtu: number;
  adminUp: boolean;
  addresses: AddressSpec[];
  attachment: Attachment;
  /** Port security: anti-spoofing and security groups apply only when true. */
  secured: boolean;
  allowedPairs: { ip: string; mac: string }[];
  securityGroups: string[];
}

export interface RuleSpec {
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  /** Protocol number as text ('6'), or null for any. */
  protocol: string | null;
  portMin: number | null;
  portMax: number | null;
  remoteIpPrefix: string | null;
  remoteGroupId: string | null;
}

export interface SecurityGroupSpec {
  id: string;
  stateful: boolean;
  rules: RuleSpec[];
  /** Addresses of the ports in the group (for remote_group_id), by version. */
  members: { v4: string[]; v6: string[] };
}

export interface RouterSpec {
  id: string;
  adminUp: boolean;
  routes: { destination: string; nexthop: string }[];
  snat: boolean;
  /** The external gateway's next hop (the external subnet's gateway), when there is one. */
  gatewayNexthop: string | null;
  floatingIps: { floatingIp: string; fixedIp: string }[];
}

export interface DesiredState {
  networks: NetworkSpec[];
  ports: PortSpec[];
  securityGroups: SecurityGroupSpec[];
  routers: RouterSpec[];
}

export type PortObserved = { status: 'ACTIVE' | 'DOWN' } | { status: 'ERROR'; reason: string };

export interface SyncResult {
  /** What became of each port in the desired state. */
  ports: Map<string, PortObserved>;
  /** vif type and details reported on the port's binding. */
  vifType: string;
  vifDetails: Record<string, unknown>;
}

/**
 * What changed since the driver's last sync, when the controller knows: only these ports (added,
 * changed or gone). Everything else in the desired state — networks, routers, other ports — is
 * as it was at the last sync, except the security groups' rules and members, which are fresh.
 */
export interface SyncHint {
  ports: ReadonlySet<string>;
}

export interface NetworkDriver {
  readonly name: string;
  /** Segment types this driver can realise; others are refused at network create. */
  readonly segmentTypes: readonly SegmentSpec['type'][];
  /**
   * Converges the kernel on `desired`: creates what is missing, fixes what differs, removes what
   * Pier made and no longer wants. Idempotent. Without `hint`, a full sync that trusts no memory
   * (the startup diff-sync, the periodic drift correction) and reports every port of `desired`.
   * With `hint`, the driver may converge only the hinted ports (wiring those in `desired`,
   * removing those not in it) and report only the hinted ports that are in `desired`; a driver
   * that cannot do less may ignore the hint and sync fully. A thrown error fails the whole sync.
   */
  sync(desired: DesiredState, hint?: SyncHint): Promise<SyncResult>;
  /** Removes everything this driver ever made (used on `pier down` and by tests). */
  destroy(): Promise<void>;
  /**
   * How the container end of a port with `addresses` must be configured for this driver's host
   * end to serve it — what the driver sets on a plugged end, and what a runtime taking a
   * handed-off end must set. Pure; without it, the bridged style (far-end.ts).
   */
  farEnd?(addresses: readonly AddressSpec[]): FarEndSpec;
}
