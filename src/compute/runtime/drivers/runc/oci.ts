// The OCI runtime spec (config.json) of one server: the image's rootfs, the server's network
// namespace, hostname = server name, Docker's default capabilities (NET_RAW for ping), no
// rlimits (this host lacks CAP_SYS_RESOURCE, so none may be raised) and, when asked, memory and
// CPU limits from the flavor.

const CAPS = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE'];

/** The server's first process: says it booted (for the console log), runs user data, then waits. */
export const INIT_SCRIPT = [
  'echo "Pier: server $(hostname) starting"',
  'ip -o addr show 2>/dev/null | while read -r _ dev fam addr _; do [ "$dev" = lo ] || echo "Pier: $dev $fam $addr"; done',
  '[ -x /var/lib/pier/user_data ] && /var/lib/pier/user_data',
  'echo "Pier: server $(hostname) is up"',
  "trap 'echo \"Pier: server $(hostname) stopping\"; exit 0' TERM",
  'while :; do sleep 3600 & wait $!; done',
].join('\n');

export interface OciOptions {
  hostname: string;
  netnsPath: string;
  /** Set cgroup limits (false where the kernel offers none usable). */
  limits?: { memoryBytes: number; cpus: number };
}

export function ociSpec(o: OciOptions): Record<string, unknown> {
  const resources = o.limits
    ? { memory: { limit: o.limits.memoryBytes }, cpu: { quota: Math.round(o.limits.cpus * 100_000), period: 100_000 } }
    : undefined;
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false, user: { uid: 0, gid: 0 }, args: ['/bin/sh', '-c', INIT_SCRIPT],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'TERM=xterm'], cwd: '/',
      capabilities: { bounding: CAPS, effective: CAPS, permitted: CAPS, ambient: [] }, noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: false },
    hostname: o.hostname,
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network', path: o.netnsPath }],
      ...(resources ? { resources } : {}),
      maskedPaths: ['/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/proc/scsi'],
      readonlyPaths: ['/proc/asound', '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}
