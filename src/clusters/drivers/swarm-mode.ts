// The swarm-mode COE on Pier nodes: the same user_data document as kubernetes (see
// kubernetes.ts) with coe "swarm-mode"; the API is dockerd's TLS port.
import { SWARM_OS_DISTRO } from './os-distro.js';
import type { CoeDriver } from './driver.js';
import { pierNodeUserData } from './kubernetes.js';

export const DOCKER_TLS_PORT = 2376;

export const swarmModeDriver: CoeDriver = {
  coe: 'swarm-mode',
  osDistro: SWARM_OS_DISTRO,
  serverTypes: ['vm'],
  volumeDrivers: ['rexray'],
  coeVersion: null,
  apiAddress: (address) => `tcp://${address}:${DOCKER_TLS_PORT}`,
  masterPorts: [
    { protocol: 'tcp', port_range_min: DOCKER_TLS_PORT, port_range_max: DOCKER_TLS_PORT },
    { protocol: 'tcp', port_range_min: 2377, port_range_max: 2377, internal: true },
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
  nodeUserData: (node) => pierNodeUserData(node, DOCKER_TLS_PORT),
};
