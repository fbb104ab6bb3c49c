// The Kubernetes node image: a `docker save` archive (one layer) whose process is the kube
// binary's pier-node init. Its root filesystem holds Debian's containerd, shim, ctr, runc, CNI
// plugins, util-linux mount and nft (each with the shared libraries ldd names), busybox, the
// static kube binary (kube/, scripts/build-kubernetes.sh), Pier's static `pier` CNI plugin
// (cni/, for the kuryr pod network), the configuration node-configs.ts
// renders with the node's paths, and the pause + busybox images pods run without a registry.
// Built into <cache>/images/ and reused while its inputs are the same (their paths, sizes and
// times, and the rendered files). Nothing here talks to Glance (node-image-import.ts does).
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { busyboxArchive, dockerArchive } from './busybox-image.js';
import { copyBinaries, installBusybox, withLibraries, writeFiles } from '../node-rootfs.js';
import { KERNEL_DEFAULTS, renderContainerdConfig, renderKubeletConfig, renderKubeProxyConfig } from './node-configs.js';

/** Bumped when what the builder puts in the image changes in a way the inputs do not show. */
const BUILDER = 'pier-kubernetes-node/1';
const BINARIES = ['/usr/bin/containerd', '/usr/bin/containerd-shim-runc-v2', '/usr/bin/ctr', '/usr/sbin/runc',
  '/usr/lib/cni/bridge', '/usr/lib/cni/host-local', '/usr/lib/cni/loopback', '/usr/lib/cni/portmap', '/bin/mount', '/bin/umount', '/usr/sbin/nft'];
const KUBE_COMMANDS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy', 'kubectl', 'pier-node'];
/** The images containerd imports at boot: the pod sandbox, and busybox for pods (imagePullPolicy Never). */
export const NODE_IMAGES = [
  { ref: 'pier.local/pause:1', cmd: ['/bin/sleep', '2147483647'] },
  { ref: 'pier.local/busybox:1', cmd: ['/bin/sh'] },
];
export const NODE_PATH = 'PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface NodeImageBuild {
  /** The archive (container_format docker, disk_format raw). */
  path: string;
  /** What it was built from: equal hashes, equal images. */
  hash: string;
  /** Kubernetes version of the kube binary (kube/go.mod). */
  kubeVersion: string;
  size: number;
  reused: boolean;
  seconds: number;
}

/** The Pier tree this code runs from (dist/pier.cjs, dist/src/… or src/…): the first ancestor with kube/go.mod. */
function pierTree(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'kube', 'go.mod')) && dirname(dir) !== dir) dir = dirname(dir);
  return existsSync(join(dir, 'kube', 'go.mod')) ? dir : undefined;
}

export const cacheDir = () => process.env.PIER_CACHE_DIR ?? '/var/cache/pier';

/** The version kube/go.mod builds (v1.34.4), or undefined outside a Pier tree. */
export function kubeVersion(): string | undefined {
  const tree = pierTree();
  return tree ? /^\s*k8s\.io\/kubernetes (v\S+)/m.exec(readFileSync(join(tree, 'kube/go.mod'), 'utf8'))?.[1] : undefined;
}

/** Where scripts/build-kubernetes.sh put the kube binary: $PIER_KUBE_BIN, else <cache>/kubernetes/<version>/bin. */
export function defaultKubeBin(): string {
  return process.env.PIER_KUBE_BIN ?? join(cacheDir(), 'kubernetes', kubeVersion() ?? 'unknown', 'bin');
}

/** The configuration files baked in, path → text. */
function bakedFiles(): Record<string, string> {
  const socket = '/run/containerd/containerd.sock';
  const files: Record<string, string> = {
    'etc/containerd/config.toml': renderContainerdConfig({ root: '/var/lib/containerd', state: '/run/containerd', socket, cniConf: '/etc/cni/net.d' }, NODE_IMAGES[0]!.ref),
    'etc/kubernetes/kubelet.yaml': renderKubeletConfig({
      podLogsDir: '/var/log/pods', volumePluginDir: '/var/lib/kubelet/volume-plugins', resolvConf: '/etc/kubernetes/resolv.conf',
      containerdSocket: socket, clientCa: '/etc/kubernetes/pki/ca.crt',
    }),
    'etc/kubernetes/kube-proxy.yaml': renderKubeProxyConfig('/var/lib/kubelet/kubeconfig'),
    'etc/kubernetes/resolv.conf': 'nameserver 127.0.0.1\n',
    'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
    'etc/group': 'root:x:0:\nnogroup:x:65534:\n',
    'etc/hosts': '127.0.0.1 localhost\n::1 localhost\n',
    'etc/os-release': 'NAME="Pier Kubernetes node"\nID=pier-kubernetes\nPRETTY_NAME="Pier Kubernetes node (Debian userland)"\n',
    'etc/machine-id': '', // pier-node writes the server's id
  };
  for (const [path, text] of Object.entries(KERNEL_DEFAULTS)) files[`etc/pier-node/proc-sys/${path.slice('/proc/sys/'.length)}`] = text;
  return files;
}

/** Builds the node image (or finds it built) from the kube binary in `kubeBin`. */
export function buildNodeImage(o: { kubeBin?: string; cache?: string; progress?: (line: string) => void } = {}): NodeImageBuild {
  const t0 = performance.now();
  const say = o.progress ?? (() => {});
  const kubeBin = o.kubeBin ?? defaultKubeBin();
  const kube = join(kubeBin, 'kube');
  if (!existsSync(kube)) throw new Error(`no kube binary at ${kube}: build it with scripts/build-kubernetes.sh`);
  if (!existsSync(join(kubeBin, 'pier-node'))) throw new Error(`the kube build at ${kubeBin} has no pier-node (the node's init): rebuild it with this tree's scripts/build-kubernetes.sh`);
  const missing = [...BINARIES, '/bin/busybox'].filter((f) => !existsSync(f));
  if (missing.length) throw new Error(`missing on this host: ${missing.join(', ')} (Debian packages containerd, runc, containernetworking-plugins, util-linux, nftables, busybox-static)`);
  const cniPlugin = join(pierTree() ?? '.', 'cni/bin/pier');
  if (!existsSync(cniPlugin)) throw new Error(`no pier CNI plugin at ${cniPlugin}: build it with scripts/install.sh`);
  const version = kubeVersion() ?? 'unknown';
  const inputs = [kube, cniPlugin, '/bin/busybox', ...BINARIES.flatMap(withLibraries)];
  const files = bakedFiles();
  const h = createHash('sha256').update(`${BUILDER}\n${version}\n`);
  for (const f of [...new Set(inputs)].sort()) { const s = statSync(f); h.update(`${f} ${s.size} ${s.mtimeMs}\n`); }
  for (const [p, text] of Object.entries(files)) h.update(`${p}\n${text}\n`);
  const hash = h.digest('hex').slice(0, 16);
  const dir = join(o.cache ?? cacheDir(), 'images');
  const out = join(dir, `pier-kubernetes-${version}-${hash}.tar`);
  if (existsSync(out)) {
    say(`node image ${out} is built already (inputs unchanged)`);
    return { path: out, hash, kubeVersion: version, size: statSync(out).size, reused: true, seconds: (performance.now() - t0) / 1000 };
  }
  const work = join(dir, `.build-${process.pid}-${Date.now()}`);
  try {
    const root = join(work, 'rootfs');
    for (const d of ['proc', 'sys', 'dev', 'run', 'tmp', 'var/lib', 'var/log', 'root', 'mnt/config', 'lib/modules', 'etc/cni/net.d', 'opt/pier', 'usr/local/bin']) mkdirSync(join(root, d), { recursive: true });
    chmodSync(join(root, 'tmp'), 0o1777);
    say(`copying ${BINARIES.length} Debian binaries with their libraries`);
    copyBinaries(root, BINARIES);
    say(`copying kube (${Math.round(statSync(kube).size / 1048576)} MiB, Kubernetes ${version})`);
    copyFileSync(kube, join(root, 'usr/local/bin/kube'));
    chmodSync(join(root, 'usr/local/bin/kube'), 0o755);
    for (const c of KUBE_COMMANDS) symlinkSync('kube', join(root, 'usr/local/bin', c));
    copyFileSync(cniPlugin, join(root, 'usr/lib/cni/pier'));
    chmodSync(join(root, 'usr/lib/cni/pier'), 0o755);
    installBusybox(root);
    writeFiles(root, files);
    say('making the pause and busybox images for pods');
    const images = busyboxArchive(join(work, 'pod-images'), NODE_IMAGES);
    renameSync(images, join(root, 'opt/pier/images.tar'));
    say('writing the archive');
    const tmp = join(work, 'image.tar');
    dockerArchive(root, join(work, 'archive'), tmp, [{ ref: `pier.local/kubernetes-node:${version}-${hash}`, cmd: ['/usr/local/bin/pier-node'], env: [NODE_PATH] }]);
    // Older builds of other inputs go: one image per cache is what a host needs. The same
    // build made at once by another process is replaced by the rename, never missing meanwhile.
    for (const old of readdirSync(dir).filter((f) => f.startsWith('pier-kubernetes-') && f.endsWith('.tar') && join(dir, f) !== out)) rmSync(join(dir, old), { force: true });
    renameSync(tmp, out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const seconds = (performance.now() - t0) / 1000;
  say(`built ${out} in ${seconds.toFixed(1)} s`);
  return { path: out, hash, kubeVersion: version, size: statSync(out).size, reused: false, seconds };
}
