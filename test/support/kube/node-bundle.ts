// A Kubernetes node as a runc container — what a Pier server for Magnum has to be: an OCI bundle
// whose rootfs holds Debian's containerd, shim, ctr, runc, CNI plugins and mount (with their
// shared libraries, found by ldd), the static kube binary bind-mounted, and a spec that gives the
// node what kubelet and a nested runc need (kube/README.md lists each item and why).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hostCapabilities } from '../../../src/compute/runtime/drivers/oci-spec.js';

const BINARIES = ['/usr/bin/containerd', '/usr/bin/containerd-shim-runc-v2', '/usr/bin/ctr', '/usr/sbin/runc',
  '/usr/lib/cni/bridge', '/usr/lib/cni/host-local', '/usr/lib/cni/loopback', '/bin/mount', '/bin/umount'];
const APPLETS = ['sh', 'sleep', 'cat', 'echo', 'ls', 'mkdir', 'test', '['];

/** Copies `file` and every shared library ldd names for it into `rootfs`, at the same paths. */
function copyWithLibraries(rootfs: string, file: string): void {
  const ldd = (() => { try { return execFileSync('ldd', [file], { encoding: 'utf8' }); } catch { return ''; } })(); // static: none
  const libs = [...ldd.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]!);
  for (const f of [file, ...libs]) {
    const to = join(rootfs, f);
    if (existsSync(to)) continue;
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(f, to); // follows symlinks: the real library under the name the loader asks for
    chmodSync(to, 0o755);
  }
}

export interface NodeBundleInput {
  dir: string;
  hostname: string;
  /** The host's dir of kube + symlinks, shown read-only at /opt/kube/bin. */
  kubeBin: string;
  /** A host dir shown at the same path inside (configs, certificates, containerd's and kubelet's state, logs). */
  shared: string;
  netnsPath: string;
  cgroupsPath: string;
  /** path → text: bind-mounted over those paths by the node's init (runc refuses mounts on /proc/sys). */
  masks: Record<string, string>;
  /** Shell lines run by the init after the masks. */
  script: string[];
}

export function writeNodeBundle(o: NodeBundleInput): void {
  const rootfs = join(o.dir, 'rootfs');
  for (const d of ['proc', 'sys', 'dev', 'run', 'tmp', 'var/lib', 'var/log', 'etc', 'root', 'opt/kube/bin', 'lib/modules', 'masks', o.shared.slice(1)]) {
    mkdirSync(join(rootfs, d), { recursive: true });
  }
  for (const b of BINARIES) copyWithLibraries(rootfs, b);
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin/busybox'));
  chmodSync(join(rootfs, 'bin/busybox'), 0o755);
  for (const a of APPLETS) symlinkSync('busybox', join(rootfs, 'bin', a));
  writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(rootfs, 'etc/hosts'), `127.0.0.1 localhost ${o.hostname}\n`);
  const masks = Object.entries(o.masks).map(([path, text], i) => {
    writeFileSync(join(rootfs, 'masks', String(i)), text);
    return `mount --bind /masks/${i} ${path}`;
  });
  writeFileSync(join(rootfs, 'init.sh'), `set -e\n${[...masks, ...o.script].join('\n')}\n`);

  const caps = hostCapabilities();
  const bind = (destination: string, source: string, ...options: string[]) => ({ destination, type: 'bind', source, options: ['rbind', ...options] });
  const spec = {
    ociVersion: '1.0.2',
    process: {
      terminal: false, user: { uid: 0, gid: 0 }, args: ['/bin/sh', '/init.sh'], cwd: '/',
      env: ['PATH=/opt/kube/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      noNewPrivileges: false, // no seccomp, no AppArmor either: nested runc and mounts need the syscalls
    },
    root: { path: 'rootfs', readonly: false },
    hostname: o.hostname,
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev'] }, // read-write
      // Before the binds: the shared dir may be under /tmp.
      { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=755'] },
      { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev'] },
      { destination: '/var/log', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev'] },
      bind('/sys/fs/cgroup', '/sys/fs/cgroup', 'rw'), // the host's hierarchies, writable: kubelet makes the pods' cgroups
      bind('/dev/kmsg', '/dev/kmsg', 'rw'), // kubelet's OOM watcher: kubelet exits without it
      ...(existsSync('/lib/modules') ? [bind('/lib/modules', '/lib/modules', 'ro')] : []),
      bind('/opt/kube/bin', o.kubeBin, 'ro'),
      bind(o.shared, o.shared, 'rw'), // not overlayfs: containerd's overlay snapshots live under it
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network', path: o.netnsPath }],
      cgroupsPath: o.cgroupsPath,
      resources: { devices: [{ allow: true, access: 'rwm' }] }, // nested containers' devices cannot exceed the node's
      maskedPaths: [], readonlyPaths: [], // CNI writes per-netns sysctls; nested runc mounts proc and sysfs
    },
  };
  writeFileSync(join(o.dir, 'config.json'), JSON.stringify(spec, null, 1));
}
