// The swarm-mode COE driver's parts for Magnum (src/clusters): the node image, the node
// user_data contract, the Docker API the driver uses (health, drain, forget). The driver itself
// is ../swarm-mode.ts.
export { DOCKER_TLS_PORT, JOIN_PORT, swarmNodeUserData, type SwarmNodeUserData } from './user-data.js';
export { buildSwarmImage, SWARM_IMAGES, type SwarmImageBuild } from './node-image.js';
export { dockerAt, dockerJson, dockerRequest, type DockerCredentials, type SwarmNode } from './api.js';
export { swarmHealth, type SwarmHealth } from './health.js';
export { drainNodes, forgetNodes } from './nodes.js';
