// The Kubernetes COE driver's parts for Magnum (src/clusters): the node image and its import
// into Glance, the node user_data contract, the cluster's Heat templates, the health check.
export { NODE_OS_DISTRO, CONTAINER_HOST_PROPERTY, NETWORK_DRIVERS, renderNodeUserData, parseNodeUserData, nodeUserDataProblem, newBootstrapToken, type NodeUserData, type NetworkDriver } from './user-data.js';
export { buildNodeImage, defaultKubeBin, kubeVersion, NODE_IMAGES, type NodeImageBuild } from './node-image.js';
export { importNodeImage, findNodeImage, IMAGE_HASH_PROPERTY, type GlanceTarget } from './node-image-import.js';
export { clusterStack, CLUSTER_TEMPLATE, WORKER_TEMPLATE, WORKER_TEMPLATE_FILE, type ClusterParameters } from './cluster-template.js';
export { clusterHealth, type ApiCredentials, type ClusterHealth } from './health.js';
