// The swarm-mode COE on Pier nodes: servers of the swarm node image (`pier image build swarm`)
// told their part by the {"pier_swarm_node": …} user_data of swarm-mode/user-data.ts; dockerd
// on each with TLS from the cluster CA, the first master initialising the swarm and the others
// joining it through its join service. The API is the first master's dockerd TLS port, which
// Pier also uses to check the swarm's health and to drain and forget the nodes a resize removes.
import type { Cluster } from '../definitions/cluster.js';
import { adminCertOf } from '../ca.js';
import { SWARM_OS_DISTRO } from './os-distro.js';
import type { CoeDriver, NodeCa } from './driver.js';
import { dockerAt, type DockerCredentials } from './swarm-mode/api.js';
import { swarmHealth } from './swarm-mode/health.js';
import { drainNodes, forgetNodes } from './swarm-mode/nodes.js';
import { DOCKER_TLS_PORT, JOIN_PORT, swarmNodeUserData } from './swarm-mode/user-data.js';

export { DOCKER_TLS_PORT };

export const swarmModeDriver: CoeDriver = {
  coe: 'swarm-mode',
  osDistro: SWARM_OS_DISTRO,
  serverTypes: ['vm'],
  volumeDrivers: ['rexray'],
  coeVersion: null,
  apiAddress: (address) => `tcp://${address}:${DOCKER_TLS_PORT}`,
  // Swarm's own: 2377 cluster management, 7946 gossip, 4789 VXLAN (overlay networks).
  masterPorts: [
    { protocol: 'tcp', port_range_min: DOCKER_TLS_PORT, port_range_max: DOCKER_TLS_PORT },
    { protocol: 'tcp', port_range_min: 2377, port_range_max: 2377, internal: true },
    { protocol: 'tcp', port_range_min: JOIN_PORT, port_range_max: JOIN_PORT, internal: true },
    { protocol: 'tcp', port_range_min: 7946, port_range_max: 7946, internal: true },
    { protocol: 'udp', port_range_min: 7946, port_range_max: 7946, internal: true },
    { protocol: 'udp', port_range_min: 4789, port_range_max: 4789, internal: true },
  ],
  workerPorts: [
    { protocol: 'tcp', port_range_min: DOCKER_TLS_PORT, port_range_max: DOCKER_TLS_PORT, internal: true },
    { protocol: 'tcp', port_range_min: 7946, port_range_max: 7946, internal: true },
    { protocol: 'udp', port_range_min: 7946, port_range_max: 7946, internal: true },
    { protocol: 'udp', port_range_min: 4789, port_range_max: 4789, internal: true },
  ],
  nodeUserData: swarmNodeUserData,
  async health(cluster, _template, ca) {
    const api = adminOf(cluster, ca);
    return api ? swarmHealth(api) : { status: 'UNKNOWN', reason: {} };
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

/** A client certificate of the cluster CA for its dockerd, once it has an address. */
function adminOf(cluster: Cluster, ca: NodeCa): DockerCredentials | undefined {
  if (!cluster.api_address || !ca.key) return undefined;
  return dockerAt(cluster.api_address, ca.cert, adminCertOf({ cert: ca.cert, key: ca.key }));
}
