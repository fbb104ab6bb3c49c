// The configuration files a Kubernetes node needs on this kind of host (cgroup v1 with the
// cgroupfs driver, no CAP_SYS_RESOURCE, no registry): containerd 1.6's config with its CRI, a
// CNI network (Debian's bridge + host-local plugins), kubelet's KubeletConfiguration and
// kube-proxy's. Pure renderers: the node image bakes them with its own paths (node-image.ts), the
// system tests write them with a test's paths. kube/README.md explains each non-default setting;
// keep the two in step.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The global sysctls kubelet wants (vm.overcommit_memory=1, kernel.panic=10, kernel.panic_on_oops=1):
 * with protectKernelDefaults it only checks them, so a node is shown these values through files
 * bind-mounted over them in its own mount namespace — the host keeps its own.
 */
export const KERNEL_DEFAULTS: Record<string, string> = {
  '/proc/sys/vm/overcommit_memory': '1\n', '/proc/sys/kernel/panic': '10\n', '/proc/sys/kernel/panic_on_oops': '1\n',
};

/** The pod sandbox image containerd is configured with, and the image the pods run. */
export const TEST_IMAGES = [
  { ref: 'pier.test/pause:1', cmd: ['/bin/sleep', '2147483647'] },
  { ref: 'pier.test/busybox:1', cmd: ['/bin/sh'] },
];

export interface ContainerdPaths { root: string; state: string; socket: string; cniConf: string }

export function renderContainerdConfig(p: ContainerdPaths, sandboxImage: string): string {
  return `version = 2
root = "${p.root}"
state = "${p.state}"
# opt would unpack into /opt/containerd on the host; the others are snapshotters this host lacks.
disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]

[grpc]
  address = "${p.socket}"

[plugins."io.containerd.grpc.v1.cri"]
  # No registry: the pod sandbox ("pause") image is imported before kubelet starts.
  sandbox_image = "${sandboxImage}"
  # No CAP_SYS_RESOURCE: a sandbox's oom_score_adj of -998 (or a Guaranteed pod's -997) cannot be
  # set below containerd's own; restricted, containerd clamps it instead of runc failing.
  restrict_oom_score_adj = true
  disable_apparmor = true
  # Pod network namespaces under containerd's state dir, not /run/netns of the host.
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${p.cniConf}"
`;
}

export function writeContainerdConfig(work: string, sandboxImage: string): ContainerdPaths & { config: string } {
  const p = {
    root: join(work, 'containerd/root'), state: join(work, 'containerd/state'),
    socket: join(work, 'containerd/containerd.sock'), cniConf: join(work, 'cni/net.d'),
  };
  for (const d of [p.cniConf, join(work, 'containerd')]) mkdirSync(d, { recursive: true });
  const config = join(work, 'containerd/config.toml');
  writeFileSync(config, renderContainerdConfig(p, sandboxImage));
  return { ...p, config };
}

/** A bridge network with host-local addresses from `podCidr`; the node's netns is the host side. */
export function writeCniConfig(work: string, confDir: string, podCidr: string): void {
  writeFileSync(join(confDir, '10-pier-test.conflist'), JSON.stringify({
    cniVersion: '0.4.0', name: 'pier-test',
    plugins: [{
      type: 'bridge', bridge: 'cni0', isGateway: true, ipMasq: false, hairpinMode: true,
      ipam: { type: 'host-local', ranges: [[{ subnet: podCidr }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: join(work, 'cni/ipam') },
    }],
  }, null, 1));
}

/** This process's hard RLIMIT_NOFILE: the most kubelet may set without CAP_SYS_RESOURCE. */
export function hardNofile(): number {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  return Number(line?.trim().split(/\s+/)[4]);
}

export interface KubeletConfigInput {
  /** Where kubelet writes pod logs and finds volume plugins; the resolv.conf pods get. */
  podLogsDir: string;
  volumePluginDir: string;
  resolvConf: string;
  containerdSocket: string;
  clientCa: string;
  /**
   * Per-node values, known only where kubelet runs: when absent they are left out, and the node's
   * init (kube/node_init.go) appends them.
   */
  node?: { address: string; cgroupRoot: string; maxOpenFiles: number; oomScoreAdj: number };
}

export function renderKubeletConfig(o: KubeletConfigInput): string {
  const node = o.node ? `address: ${o.node.address}
cgroupRoot: ${o.node.cgroupRoot}
# No CAP_SYS_RESOURCE: kubelet would raise RLIMIT_NOFILE to 1000000 and lower its own
# oom_score_adj to -999; both stay where they are.
maxOpenFiles: ${o.node.maxOpenFiles}
oomScoreAdj: ${o.node.oomScoreAdj}
` : '';
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# cgroup v1, cgroupfs (PID 1 is not systemd); 1.35+ would refuse v1 unless failCgroupV1 is false.
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://${o.containerdSocket}
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: ${o.clientCa}}
authorization: {mode: Webhook}
# Only check vm.overcommit_memory, kernel.panic …, never write them: they are global, not per
# namespace (the node is shown the values it wants; see kube/README.md).
protectKernelDefaults: true
podLogsDir: ${o.podLogsDir}
volumePluginDir: ${o.volumePluginDir}
resolvConf: ${o.resolvConf}
# The locally imported images must never be garbage-collected (100 turns image GC off).
imageGCHighThresholdPercent: 100
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%}
${node}`;
}

/** A test's kubelet config: everything under `work`, this process's limits. */
export function writeKubeletConfig(o: { work: string; address: string; cgroupRoot: string; containerdSocket: string; clientCa: string }): string {
  const file = join(o.work, 'kubelet/config.yaml');
  mkdirSync(join(o.work, 'kubelet'), { recursive: true });
  writeFileSync(join(o.work, 'kubelet/resolv.conf'), 'nameserver 127.0.0.1\n');
  const oomScoreAdj = Number(readFileSync('/proc/self/oom_score_adj', 'utf8'));
  writeFileSync(file, renderKubeletConfig({
    podLogsDir: join(o.work, 'kubelet/pod-logs'), volumePluginDir: join(o.work, 'kubelet/volume-plugins'), resolvConf: join(o.work, 'kubelet/resolv.conf'),
    containerdSocket: o.containerdSocket, clientCa: o.clientCa,
    node: { address: o.address, cgroupRoot: o.cgroupRoot, maxOpenFiles: hardNofile(), oomScoreAdj },
  }));
  return file;
}

/**
 * kube-proxy in nftables mode (the node image carries `nft`, not iptables). It must not touch the
 * global conntrack sysctls (nf_conntrack_max is the host's) — zero means leave alone; every
 * Service connection is masqueraded so replies come back through the node that translated them
 * even when client and backend share a bridge (no br_netfilter inside a node). The node's init
 * appends clusterCIDR, hostnameOverride and oomScoreAdj (the current score: no CAP_SYS_RESOURCE).
 */
export function renderKubeProxyConfig(kubeconfig: string): string {
  return `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
clientConnection: {kubeconfig: ${kubeconfig}}
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
nftables: {masqueradeAll: true}
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
`;
}
