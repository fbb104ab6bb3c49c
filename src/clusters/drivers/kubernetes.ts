// The kubernetes COE on Pier nodes. `nodeUserData` is the node image's contract (the node
// bootstrap reads it; the node engineer owns what it does with it):
//
//   user_data (RAW) is one JSON document:
//   {"pier_node": {
//      "version": 1,
//      "coe": "kubernetes",
//      "role": "master" | "worker",
//      "cluster_uuid": "<uuid>", "cluster_name": "<name>",
//      "nodegroup": "default-master" | "default-worker" | "<extra group>",
//      "index": <n>,                          // the node's index in its group
//      "master_address": "<fixed IP>",        // first master on the cluster network
//      "api_address": "<floating or fixed IP>", // what clients reach (kubeconfig server host)
//      "api_port": 6443,
//      "ca_cert": "<PEM>",                    // the cluster CA (Magnum's certificates API signs with it)
//      "ca_key": "<PEM>",                     // masters only: to issue the control plane's certs
//      "bootstrap_token": "<random>",         // kubeadm-style token form: [a-z0-9]{6}.[a-z0-9]{16}
//      "network_driver": "<template network_driver or null>",
//      "labels": { … }                        // the cluster's labels
//   }}
//
// Change the shape only together with the node image.
import { NODE_OS_DISTRO } from './os-distro.js';
import type { CoeDriver, HeatValue, NodeContext } from './driver.js';

export const API_PORT = 6443;

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
};

/** The `{"pier_node": …}` document above, with the addresses filled in by Heat at create. */
export function pierNodeUserData(node: NodeContext, apiPort: number): HeatValue {
  const doc = {
    pier_node: {
      version: 1, coe: node.clusterTemplate.coe, role: node.role, cluster_uuid: node.cluster.uuid, cluster_name: node.cluster.name,
      nodegroup: node.nodegroup.name, index: '@@INDEX@@', master_address: '@@MASTER_ADDRESS@@', api_address: '@@API_ADDRESS@@',
      api_port: apiPort, ca_cert: node.ca.cert, ...(node.ca.key ? { ca_key: '@@CA_KEY@@' } : {}), bootstrap_token: '@@BOOTSTRAP_TOKEN@@',
      network_driver: node.clusterTemplate.network_driver, labels: node.cluster.labels,
    },
  };
  // Placeholders are quoted JSON strings; the index becomes a bare number.
  const template = JSON.stringify(doc).replace('"@@INDEX@@"', '@@INDEX@@');
  const params: Record<string, HeatValue> = {
    '@@INDEX@@': String(node.index), '@@MASTER_ADDRESS@@': node.masterFixedAddress, '@@API_ADDRESS@@': node.masterPublicAddress,
    '@@BOOTSTRAP_TOKEN@@': node.bootstrapToken,
  };
  if (node.ca.key) params['@@CA_KEY@@'] = node.ca.key;
  return { str_replace: { template, params } };
}
