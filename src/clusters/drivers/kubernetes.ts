// The kubernetes COE on Pier nodes. Each node is a server of the node image (`pier image build
// kubernetes`); what it is told at boot is the node image's contract, NodeUserData in
// kubernetes/user-data.ts (read by kube/node_config.go): {"pier_node": {version, role,
// cluster_uuid, api_addresses (the first master's fixed address, then its public one),
// api_port, ca_cert, ca_key (masters only), bootstrap_token, service_cidr, pod_cidr,
// network_driver, pod_security_groups (kuryr), storage_volume (docker_volume_size)}}, plus what
// Magnum knows of the node (coe, cluster_name, nodegroup, index, labels), which the node ignores. Change the shape only together with the node image.
import type { ClusterTemplate } from '../definitions/cluster-template.js';
import type { Cluster } from '../definitions/cluster.js';
import { adminCertOf } from '../ca.js';
import type { ApiCredentials } from './kubernetes/api.js';
import { clusterHealth } from './kubernetes/health.js';
import { drainNodes, forgetNodes } from './kubernetes/nodes.js';
import { NETWORK_DRIVERS, type NetworkDriver } from './kubernetes/user-data.js';
import { NODE_OS_DISTRO } from './os-distro.js';
import type { CoeDriver, HeatValue, NodeContext } from './driver.js';

export const API_PORT = 6443;
/** The cluster's Service and pod ranges (Magnum's defaults; a label may set them). */
const SERVICE_CIDR = '10.254.0.0/16';
const POD_CIDR = '10.100.0.0/16';
const podCidr = (c: Pick<Cluster, 'labels'>) => String((c.labels as Record<string, unknown> | null)?.['pods_network_cidr'] ?? POD_CIDR);
const networkDriver = (ct: Pick<ClusterTemplate, 'network_driver'>) => (ct.network_driver ?? NETWORK_DRIVERS[0]) as NetworkDriver;

export const kubernetesDriver: CoeDriver = {
  coe: 'kubernetes',
  osDistro: NODE_OS_DISTRO,
  serverTypes: ['vm'],
  coeVersion: null,
  apiAddress: (address) => `https://${address}:${API_PORT}`,
  masterPorts: [
    { protocol: 'tcp', port_range_min: API_PORT, port_range_max: API_PORT },
    { protocol: 'tcp', port_range_min: 2379, port_range_max: 2380, internal: true },
    { protocol: 'tcp', port_range_min: 10250, port_range_max: 10259, internal: true },
    { protocol: 'udp', port_range_min: 8472, port_range_max: 8472, internal: true },
  ],
  workerPorts: [
    { protocol: 'tcp', port_range_min: 10250, port_range_max: 10250, internal: true },
    { protocol: 'tcp', port_range_min: 30000, port_range_max: 32767 },
    { protocol: 'udp', port_range_min: 8472, port_range_max: 8472, internal: true },
  ],
  nodeUserData: (node) => pierNodeUserData(node, API_PORT),
  // pier-bridge routes each node's pod range over the cluster network; Kuryr's pods have ports of their own.
  podCidr: (c, ct) => (networkDriver(ct) === 'pier-bridge' ? podCidr(c) : undefined),
  nestedPods: (ct) => networkDriver(ct) === 'kuryr',
  networkDrivers: NETWORK_DRIVERS,
  storageVolumes: true,
  volumeDrivers: ['cinder'],
  async health(cluster, _template, ca) {
    const api = adminOf(cluster, ca);
    return api ? clusterHealth(api) : { status: 'UNKNOWN', reason: {} };
  },
  async drain(cluster, _template, ca, nodes) {
    const api = adminOf(cluster, ca);
    if (api) await drainNodes(api, nodes).catch(() => {});
  },
  async forget(cluster, _template, ca, members) {
    const api = adminOf(cluster, ca);
    if (api) await forgetNodes(api, members).catch(() => {});
  },
};

/** An admin's credentials for the cluster's API, once it has an address. */
function adminOf(cluster: Cluster, ca: { cert: string; key?: string }): ApiCredentials | undefined {
  if (!cluster.api_address || !ca.key) return undefined;
  return { server: cluster.api_address, ca: ca.cert, ...adminCertOf({ cert: ca.cert, key: ca.key }) };
}

/** The `{"pier_node": …}` document above, with the addresses filled in by Heat at create. */
export function pierNodeUserData(node: NodeContext, apiPort: number): HeatValue {
  const doc = {
    pier_node: {
      version: 1, role: node.role, cluster_uuid: node.cluster.uuid, api_addresses: ['@@MASTER_ADDRESS@@', '@@API_ADDRESS@@'], api_port: apiPort,
      ca_cert: node.ca.cert, ...(node.ca.key ? { ca_key: '@@CA_KEY@@' } : {}), bootstrap_token: '@@BOOTSTRAP_TOKEN@@',
      service_cidr: SERVICE_CIDR, pod_cidr: podCidr(node.cluster), network_driver: networkDriver(node.clusterTemplate),
      ...(networkDriver(node.clusterTemplate) === 'kuryr' ? { pod_security_groups: ['@@SECURITY_GROUP@@'] } : {}),
      ...(node.storageVolume ? { storage_volume: node.storageVolume } : {}),
      coe: node.clusterTemplate.coe, cluster_name: node.cluster.name, nodegroup: node.nodegroup.name, index: '@@INDEX@@', labels: node.cluster.labels,
    },
  };
  // Placeholders are quoted JSON strings; the index becomes a bare number.
  const template = JSON.stringify(doc).replace('"@@INDEX@@"', '@@INDEX@@');
  const params: Record<string, HeatValue> = {
    '@@INDEX@@': String(node.index), '@@MASTER_ADDRESS@@': node.masterFixedAddress, '@@API_ADDRESS@@': node.masterPublicAddress,
    '@@BOOTSTRAP_TOKEN@@': node.bootstrapToken, '@@SECURITY_GROUP@@': node.securityGroup,
  };
  if (node.ca.key) params['@@CA_KEY@@'] = node.ca.key;
  return { str_replace: { template, params } };
}
