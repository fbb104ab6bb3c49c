// The contract between Pier and a Kubernetes node server: the user_data a node reads from its
// config drive (/mnt/config/openstack/latest/user_data), JSON {"pier_node": NodeUserData}. The
// node image's init (kube/node_config.go) parses the same shape; keep the two in step. Pure.

/** The image property naming a Kubernetes node image (Magnum's template check needs os_distro). */
export const NODE_OS_DISTRO = 'pier-kubernetes';
/** The image property that makes a server a container host (Compute's: see src/compute/spec.ts). */
export { CONTAINER_HOST_PROPERTY } from '../../../compute/index.js';
/**
 * The pod network modes a node image has (a template's network_driver), the first the default:
 * `pier-bridge`, cluster-internal (a bridge per node, routes between nodes' pod ranges);
 * `kuryr`, each pod a Neutron port nested on its node's (Kuryr's nested mode).
 */
export const NETWORK_DRIVERS = ['pier-bridge', 'kuryr'] as const;
export type NetworkDriver = (typeof NETWORK_DRIVERS)[number];

export interface NodeUserData {
  /** 1: this shape. */
  version: 1;
  role: 'master' | 'worker';
  cluster_uuid: string;
  /**
   * Where the API server is: the first is what a worker's kubelet connects to (the master's
   * address on the cluster network); a master puts them all (its floating IP too) in its
   * serving certificate.
   */
  api_addresses: string[];
  /** Default 6443. */
  api_port?: number;
  /** The cluster CA, PEM. */
  ca_cert: string;
  /** The CA's private key, PEM: masters only (they sign the cluster's certificates). */
  ca_key?: string;
  /** A bootstrap token, `[a-z0-9]{6}.[a-z0-9]{16}`: workers join with it (kubelet TLS bootstrap). */
  bootstrap_token: string;
  service_cidr: string;
  /** pier-bridge: the whole pod range, each node a /24 of it from the controller-manager. kuryr: the node's own subnet is the pods' (this is ignored). */
  pod_cidr: string;
  /** Default cluster.local. */
  cluster_domain?: string;
  /** kubelet's clusterDNS, when the cluster runs a DNS service. */
  dns_service_ip?: string;
  /** Default pier-bridge. */
  network_driver?: NetworkDriver;
  /** kuryr: the security groups (ids) each pod's port joins — the node's own. */
  pod_security_groups?: string[];
  /** Where the node's container-storage volume (docker_volume_size) is mounted: containerd keeps its images and snapshots there. */
  storage_volume?: string;
}

const TOKEN = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const isCidr = (s: unknown) => typeof s === 'string' && /^[^/]+\/\d{1,2}$/.test(s) && IPV4.test(s.split('/')[0]!) && Number(s.split('/')[1]) <= 32;

/** Why `d` is not a valid node configuration, or undefined (the checks the node's init makes). */
export function nodeUserDataProblem(d: Partial<NodeUserData>): string | undefined {
  if (d.version !== 1) return `pier_node.version must be 1, not ${JSON.stringify(d.version)}`;
  if (d.role !== 'master' && d.role !== 'worker') return `pier_node.role must be master or worker, not ${JSON.stringify(d.role)}`;
  if (!Array.isArray(d.api_addresses) || !d.api_addresses.length) return 'pier_node.api_addresses is empty';
  const bad = d.api_addresses.find((a) => typeof a !== 'string' || (!IPV4.test(a) && !a.includes(':')));
  if (bad !== undefined) return `pier_node.api_addresses: ${JSON.stringify(bad)} is not an IP address`;
  if (!d.ca_cert?.includes('BEGIN CERTIFICATE')) return 'pier_node.ca_cert is not a PEM certificate';
  if (d.role === 'master' && !d.ca_key?.includes('PRIVATE KEY')) return 'pier_node.ca_key is missing (a master signs the cluster\'s certificates)';
  if (!TOKEN.test(d.bootstrap_token ?? '')) return 'pier_node.bootstrap_token must look like abcdef.0123456789abcdef';
  for (const k of ['service_cidr', 'pod_cidr'] as const) if (!isCidr(d[k])) return `pier_node.${k}: ${JSON.stringify(d[k])} is not a CIDR`;
  if (d.pod_security_groups !== undefined && (!Array.isArray(d.pod_security_groups) || d.pod_security_groups.some((g) => typeof g !== 'string'))) return 'pier_node.pod_security_groups must be a list of security group ids';
  if (d.storage_volume !== undefined && (typeof d.storage_volume !== 'string' || !d.storage_volume.startsWith('/'))) return `pier_node.storage_volume ${JSON.stringify(d.storage_volume)} is not an absolute path`;
  if (d.network_driver !== undefined && !NETWORK_DRIVERS.includes(d.network_driver)) return `pier_node.network_driver ${JSON.stringify(d.network_driver)}: this node image has ${NETWORK_DRIVERS.join(', ')}`;
  return undefined;
}

/** The user_data text of a node (what Nova is given; its base64 is Nova's business). */
export function renderNodeUserData(d: NodeUserData): string {
  const problem = nodeUserDataProblem(d);
  if (problem) throw new Error(problem);
  return JSON.stringify({ pier_node: d });
}

/** Reads a node's user_data text back (throws with the reason when it is not one). */
export function parseNodeUserData(text: string): NodeUserData {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch { throw new Error('user_data is not JSON'); }
  const d = (doc as { pier_node?: unknown } | null)?.pier_node;
  if (!d || typeof d !== 'object' || Array.isArray(d)) throw new Error('user_data has no "pier_node" object');
  const problem = nodeUserDataProblem(d as Partial<NodeUserData>);
  if (problem) throw new Error(problem);
  return d as NodeUserData;
}

/** A fresh bootstrap token in Kubernetes' format. */
export function newBootstrapToken(random: (n: number) => Buffer): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const pick = (n: number) => [...random(n)].map((b) => alphabet[b % alphabet.length]).join('');
  return `${pick(6)}.${pick(16)}`;
}
