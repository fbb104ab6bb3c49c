// The os_distro values Pier's node images carry: a cluster template's image must have the one
// of its COE (Magnum picks its driver by (server_type, os_distro, coe) the same way).
export const NODE_OS_DISTRO = 'pier-kubernetes';
export const SWARM_OS_DISTRO = 'pier-swarm';
