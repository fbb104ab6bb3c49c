// The COE driver seam: what makes a cluster of one COE out of Pier servers. The generic Heat
// template (heat-template.ts) is shared; a driver names its COE and node OS, the ports its
// nodes open, what each node is told at boot (user_data), how the stack's outputs become the
// cluster's addresses, and (optionally) how its health is checked. No HTTP, no SQL here.
import type { ClusterTemplate } from '../definitions/cluster-template.js';
import type { Cluster } from '../definitions/cluster.js';
import type { Nodegroup } from '../definitions/nodegroup.js';

/** A Heat template value: a literal or an intrinsic function (`{get_attr: …}`, `{str_replace: …}`). */
export type HeatValue = string | number | boolean | null | HeatValue[] | { [k: string]: HeatValue };

/** One firewall opening, as an OS::Neutron::SecurityGroup rule. */
export interface PortRule {
  readonly protocol: 'tcp' | 'udp' | 'icmp';
  readonly port_range_min?: number;
  readonly port_range_max?: number;
  /** Only from inside the cluster's network (the generic template fills the CIDR). */
  readonly internal?: boolean;
}

/** The cluster's CA as a node gets it. `key` is the CA's private key: masters only. */
export interface NodeCa {
  readonly cert: string;
  readonly key?: string;
}

/** What a node's user_data is made from. Values that exist only once the stack runs (addresses) are Heat values. */
export interface NodeContext {
  readonly role: 'master' | 'worker';
  readonly cluster: Cluster;
  readonly clusterTemplate: ClusterTemplate;
  readonly nodegroup: Nodegroup;
  /** The node's index in its group: a number for masters, `'%index%'` inside a worker ResourceGroup. */
  readonly index: number | string;
  /** The first master's fixed (cluster network) address. */
  readonly masterFixedAddress: HeatValue;
  /** The first master's floating address, or its fixed one when floating IPs are off. */
  readonly masterPublicAddress: HeatValue;
  readonly ca: NodeCa;
  /** Shared secret a node proves itself with to the master (stored with the cluster). */
  readonly bootstrapToken: HeatValue;
  /** The node's security group (its id once the stack runs): what its nested pods' ports join too. */
  readonly securityGroup: HeatValue;
  /** Where the node finds its container-storage volume mounted (docker_volume_size), if it has one. */
  readonly storageVolume?: string;
}

export interface CoeDriver {
  /** Magnum's `coe` value this driver serves (`kubernetes`, `swarm-mode`). */
  readonly coe: string;
  /** The image `os_distro` the driver's nodes run (a template's image must carry it). */
  readonly osDistro: string;
  /** Magnum's server_type values accepted (Pier's nodes are container servers; clients send `vm`). */
  readonly serverTypes: readonly string[];
  /** The COE's version, as `coe_version` shows it (null until known). */
  readonly coeVersion: string | null;
  /** The API endpoint from the first master's public address (`https://1.2.3.4:6443`). */
  apiAddress(address: string, clusterTemplate: ClusterTemplate): string;
  /** Openings on masters and on workers besides SSH and ICMP (which every node gets). */
  readonly masterPorts: readonly PortRule[];
  readonly workerPorts: readonly PortRule[];
  /** Whether the nodes keep their container storage on a volume of docker_volume_size GB when it is set. */
  readonly storageVolumes?: boolean;
  /** The template `volume_driver` values accepted (Magnum's list per COE). */
  readonly volumeDrivers: readonly string[];
  /** The template `network_driver` values the nodes have (absent: any); the first is the default. */
  readonly networkDrivers?: readonly string[];
  /** The pods' address range, when pods' own addresses cross the cluster network: the nodes' ports allow it (address pairs) and their groups let it in. */
  podCidr?(cluster: Cluster, clusterTemplate: ClusterTemplate): string | undefined;
  /**
   * Whether the pods get Neutron ports nested on their nodes' (Kuryr's nested mode): the node
   * servers are then container hosts, and each pod's port carries its own pair on its node's port.
   */
  nestedPods?(clusterTemplate: ClusterTemplate): boolean;
  /** A node's user_data (OS::Nova::Server user_data, RAW). Called while building the template; pure. */
  nodeUserData(node: NodeContext): HeatValue;
  /**
   * The cluster's health, asked periodically once it is CREATE_COMPLETE or UPDATE_COMPLETE.
   * Absent: health stays UNKNOWN. Must not throw for an unreachable cluster — answer UNHEALTHY.
   */
  health?(cluster: Cluster, clusterTemplate: ClusterTemplate, ca: NodeCa): Promise<{ status: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN'; reason: Record<string, string> }>;
  /** Nodes (by hostname) whose servers a resize is about to remove: moved off first (cordoned, workloads evicted). Best effort; must not throw. */
  drain?(cluster: Cluster, clusterTemplate: ClusterTemplate, ca: NodeCa, nodes: readonly string[]): Promise<void>;
  /** Once a cluster settles: the COE forgets nodes other than `members` (hostnames of the servers it has). Must not throw. */
  forget?(cluster: Cluster, clusterTemplate: ClusterTemplate, ca: NodeCa, members: ReadonlySet<string>): Promise<void>;
}
