// The OCI runtime spec (config.json) of one server's container: its rootfs, process, hostname,
// the server's network namespace, the config drive read-only at /mnt/config, and the flavor's
// limits. No rlimits: the process keeps the ones it inherits (this host cannot raise them).
// A container host (a Kubernetes node) gets more: what kube/README.md lists for a node in runc.
import { existsSync, readFileSync } from 'node:fs';

export interface ContainerProcess {
  args: string[];
  env: string[];
  cwd: string;
}

export interface OciSpecInput {
  rootfs: string;
  hostname: string;
  process: ContainerProcess;
  /** /run/netns/<name>: the namespace the server's ports are plugged into. */
  netnsPath: string;
  /** A host directory shown read-only at /mnt/config (the config drive). */
  configDrive: string;
  /** A shared host directory shown at /mnt as its slave: volumes mounted below it on the host appear in the container. */
  volumesDir?: string;
  /** The flavor: memory in MiB and vCPUs (as a CFS quota). */
  ramMb: number;
  vcpus: number;
  /** Set for a container host. */
  containerHost?: ContainerHostInput;
}

export interface ContainerHostInput {
  /** The container's cgroup, the same path in every hierarchy (kubelet's cgroupRoot). */
  cgroupsPath: string;
  /** A host directory (not overlayfs: containerd's overlay snapshots live in it) shown at /var/lib. */
  stateDir: string;
}

// Capability names by bit number (linux/capability.h).
const ALL_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER', 'SYS_MODULE',
  'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE', 'SYS_RESOURCE', 'SYS_TIME',
  'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP', 'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG',
  'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF', 'CHECKPOINT_RESTORE'];

/** The capabilities in this process's bounding set (on this machine: all but CAP_SYS_RESOURCE). */
export function hostCapabilities(): string[] {
  const hex = /CapBnd:\s*([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]!;
  const bits = BigInt(`0x${hex}`);
  return ALL_CAPABILITIES.filter((_, i) => (bits >> BigInt(i)) & 1n).map((c) => `CAP_${c}`);
}

// Docker's default capability set, so a server behaves like a container users know (ping needs NET_RAW).
const CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];
const CFS_PERIOD = 100_000;

export function ociSpec(o: OciSpecInput): Record<string, unknown> {
  const spec = baseSpec(o);
  return o.containerHost ? asContainerHost(spec, o.containerHost) : spec;
}

interface Mount { destination: string; type: string; source: string; options?: string[] }
type Spec = { process: Record<string, unknown>; mounts: Mount[]; linux: Record<string, unknown> & { resources: Record<string, unknown> } } & Record<string, unknown>;

/**
 * What kubelet, containerd and a nested runc need of their container: every capability this
 * host has and no seccomp, AppArmor, masked or read-only paths (CNI writes per-netns sysctls,
 * nested runc mounts proc and sysfs); /sys read-write; the host's cgroup hierarchies read-write
 * with no cgroup namespace (kubelet makes the pods' cgroups below the container's own, as the
 * host names it); every device (children cannot exceed it) and /dev/kmsg (kubelet's OOM watcher);
 * /lib/modules read-only; private tmpfs over /run, /var/log and /tmp; state at /var/lib on the
 * host's file system. Still no rlimits: none can be raised here.
 */
function asContainerHost(spec: Spec, h: ContainerHostInput): Record<string, unknown> {
  const caps = hostCapabilities();
  const bind = (destination: string, source: string, ...options: string[]) => ({ destination, type: 'bind', source, options: ['rbind', ...options] });
  const tmpfs = (destination: string) => ({ destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=755'] });
  const mounts = spec.mounts.filter((m) => m.destination !== '/sys' && m.destination !== '/sys/fs/cgroup');
  return {
    ...spec,
    process: { ...spec.process, capabilities: Object.fromEntries(['bounding', 'effective', 'permitted'].map((k) => [k, caps])), noNewPrivileges: false },
    mounts: [
      ...mounts,
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev'] },
      tmpfs('/run'), tmpfs('/var/log'), { ...tmpfs('/tmp'), options: ['nosuid', 'nodev', 'mode=1777'] },
      bind('/sys/fs/cgroup', '/sys/fs/cgroup', 'rw'),
      bind('/dev/kmsg', '/dev/kmsg', 'rw'),
      ...(existsSync('/lib/modules') ? [bind('/lib/modules', '/lib/modules', 'ro')] : []),
      bind('/var/lib', h.stateDir, 'rw'),
    ],
    linux: {
      ...spec.linux,
      cgroupsPath: h.cgroupsPath,
      resources: { ...spec.linux.resources, devices: [{ allow: true, access: 'rwm' }] },
      maskedPaths: [], readonlyPaths: [],
    },
  };
}

function baseSpec(o: OciSpecInput): Spec {
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: o.process.args,
      env: o.process.env,
      cwd: o.process.cwd || '/',
      capabilities: Object.fromEntries(['bounding', 'effective', 'permitted'].map((k) => [k, CAPABILITIES])),
      noNewPrivileges: true,
    },
    root: { path: o.rootfs, readonly: false },
    hostname: o.hostname,
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
      ...(o.volumesDir ? [{ destination: '/mnt', type: 'bind', source: o.volumesDir, options: ['rbind', 'rslave'] }] : []),
      { destination: '/mnt/config', type: 'bind', source: o.configDrive, options: ['rbind', 'ro', 'nosuid', 'nodev', 'noexec'] },
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network', path: o.netnsPath }],
      resources: {
        devices: [{ allow: false, access: 'rwm' }],
        memory: { limit: o.ramMb * 1024 * 1024 },
        cpu: { period: CFS_PERIOD, quota: Math.max(1, o.vcpus) * CFS_PERIOD },
      },
      maskedPaths: ['/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/proc/scsi'],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}
