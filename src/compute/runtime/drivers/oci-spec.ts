// The OCI runtime spec (config.json) of one server's container: its rootfs, process, hostname,
// the server's network namespace, the config drive read-only at /mnt/config, and the flavor's
// limits. No rlimits: the process keeps the ones it inherits (this host cannot raise them).

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
  /** The flavor: memory in MiB and vCPUs (as a CFS quota). */
  ramMb: number;
  vcpus: number;
}

// Docker's default capability set, so a server behaves like a container users know (ping needs NET_RAW).
const CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];
const CFS_PERIOD = 100_000;

export function ociSpec(o: OciSpecInput): Record<string, unknown> {
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
