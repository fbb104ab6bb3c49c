// The contract between Pier and a swarm node server: the user_data a node reads from its config
// drive, JSON {"pier_swarm_node": SwarmNodeUserData}. The node image's init (swarm/config.go)
// parses the same shape; keep the two in step. Pure.
import type { HeatValue, NodeContext } from '../driver.js';

export const DOCKER_TLS_PORT = 2376;
/** The first master's join service (swarm/join.go): certificates and join tokens for the other nodes. */
export const JOIN_PORT = 2378;

export interface SwarmNodeUserData {
  /** 1: this shape. */
  version: 1;
  role: 'master' | 'worker';
  /** The node's index in its group: master 0 initialises the swarm, every other node joins it. */
  index: number;
  cluster_uuid: string;
  /** The first master's fixed address (where nodes join), then its public one (in its certificate). */
  manager_addresses: string[];
  /** dockerd's TLS port. Default 2376. */
  api_port?: number;
  /** Default 2378. */
  join_port?: number;
  /** The cluster CA, PEM. */
  ca_cert: string;
  /** The CA's private key, PEM: masters only. */
  ca_key?: string;
  /** The secret the other nodes show the first master's join service. */
  join_secret: string;
}

/** The user_data of a node in the cluster's Heat template: addresses, CA key and secret filled in by Heat. */
export function swarmNodeUserData(node: NodeContext): HeatValue {
  const doc: { pier_swarm_node: SwarmNodeUserData & Record<string, unknown> } = {
    pier_swarm_node: {
      version: 1, role: node.role, index: -1, cluster_uuid: node.cluster.uuid, manager_addresses: ['@@MASTER_ADDRESS@@', '@@API_ADDRESS@@'],
      api_port: DOCKER_TLS_PORT, join_port: JOIN_PORT, ca_cert: node.ca.cert, ...(node.ca.key ? { ca_key: '@@CA_KEY@@' } : {}), join_secret: '@@JOIN_SECRET@@',
      // What Magnum knows of the node; the node ignores it.
      coe: node.clusterTemplate.coe, cluster_name: node.cluster.name, nodegroup: node.nodegroup.name, labels: node.cluster.labels,
    },
  };
  // Placeholders are quoted JSON strings; the index becomes a bare number.
  const template = JSON.stringify(doc).replace('"index":-1', '"index":@@INDEX@@');
  const params: Record<string, HeatValue> = {
    '@@INDEX@@': String(node.index), '@@MASTER_ADDRESS@@': node.masterFixedAddress, '@@API_ADDRESS@@': node.masterPublicAddress,
    '@@JOIN_SECRET@@': node.bootstrapToken,
  };
  if (node.ca.key) params['@@CA_KEY@@'] = node.ca.key;
  return { str_replace: { template, params } };
}
