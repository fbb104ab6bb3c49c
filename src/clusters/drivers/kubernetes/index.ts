// The Kubernetes COE driver's parts for Magnum (src/clusters): the node image and its import
// into Glance, the node user_data contract, the health check (the cluster's Heat template is the
// generic one of ../heat-template.ts).
export { NODE_OS_DISTRO, CONTAINER_HOST_PROPERTY, NETWORK_DRIVERS, renderNodeUserData, parseNodeUserData, nodeUserDataProblem, newBootstrapToken, type NodeUserData, type NetworkDriver } from './user-data.js';
export { buildNodeImage, defaultKubeBin, kubeVersion, NODE_IMAGES, type NodeImageBuild } from './node-image.js';
export { importNodeImage, findNodeImage, IMAGE_HASH_PROPERTY, type GlanceTarget } from './node-image-import.js';
export { clusterHealth, type ApiCredentials, type ClusterHealth } from './health.js';
