// The compute runtime interface: what the server controller asks of a container runtime. Plain
// data in and out, no HTTP, no SQL; every operation is idempotent (creating what exists, stopping
// what is stopped, removing what is gone all succeed), so a controller can retry after any crash.

/** One port of a server, as the runtime plugs it. */
export interface ServerPortSpec {
  id: string;
  mac: string;
  /** Fixed IPs with their subnet's prefix length and gateway. */
  ips: { address: string; prefixLength: number; gateway: string | null; version: 4 | 6 }[];
  mtu: number;
}

/** The desired container of one server. */
export interface ServerSpec {
  id: string;
  /** Container hostname (Nova's hostname: the server name, sanitised). */
  hostname: string;
  image: { id: string; /** The image file (tarball) on this host. */ path: string; containerFormat: string | null; diskFormat: string | null };
  ports: ServerPortSpec[];
  vcpus: number;
  ramMb: number;
  /** The keypair's public key, for /root/.ssh/authorized_keys. */
  keyData: string | null;
  userData: string | null;
  metadata: Record<string, string>;
  /**
   * A container host (a Kubernetes node: containerd, kubelet and nested runc inside): the
   * container gets the host's capabilities, its cgroups read-write, every device, /dev/kmsg and
   * state that is not on overlayfs. Only an admin's public image can ask for it (spec.ts).
   */
  containerHost: boolean;
  /** Boot from volume: the volume whose file system is the container's root; the image is then not used. */
  bootVolume?: string;
  /** The boot volume's block device on this host (runtimes that mount, set by the controller). */
  rootDevice?: string;
}

export type RuntimeState = 'created' | 'running' | 'paused' | 'stopped' | 'absent';

/** What the runtime reports of one server's container. */
export interface ServerObserved {
  id: string;
  state: RuntimeState;
  /** The main process's exit code, once it has stopped on its own. */
  exitCode?: number | null;
  /** Limits the runtime could not apply (e.g. no cgroup controllers): said, never pretended. */
  warnings?: string[];
}

export interface ComputeDriver {
  /** `fake` | `runc` */
  readonly name: string;
  /**
   * Makes the container (rootfs, network, config) without starting it. Throws an Error whose
   * message says why when the image cannot run; then nothing of the server is left behind.
   */
  create(spec: ServerSpec): Promise<ServerObserved>;
  /** Starts (or restarts after a stop) the created container. */
  start(id: string): Promise<ServerObserved>;
  /** Stops the container's processes; its rootfs and network stay. */
  stop(id: string): Promise<ServerObserved>;
  pause(id: string): Promise<ServerObserved>;
  unpause(id: string): Promise<ServerObserved>;
  /** Removes the container, its rootfs layer and network namespace. */
  remove(id: string): Promise<void>;
  /** The container's state now (`absent` when there is none). */
  inspect(id: string): Promise<ServerObserved>;
  /** Every container this runtime has on this host (for resync and garbage collection). */
  list(): Promise<ServerObserved[]>;
  /** The container's stdout and stderr so far; the last `lines` lines when given. */
  logs(id: string, lines?: number): Promise<string>;
  /**
   * The network namespace a server's ports are plugged into (by the controller, through the
   * dataplane, between create and start). Absent for a runtime without networking (fake).
   */
  netns?(id: string): string;
  /**
   * The host pid of the server's container's first process while it runs (undefined otherwise):
   * `/proc/PID/root` is the container's root as its processes see it (Kuryr's nested CNI
   * resolves a pod's namespace path through it). Absent for a runtime without processes (fake).
   */
  initPid?(id: string): number | undefined;
  /**
   * Mounts the file system on block device `device` in the server's container at /mnt/<name>,
   * also while the container runs; mounted already is success. Absent for a runtime without
   * containers (fake).
   */
  mountVolume?(id: string, name: string, device: string, readonly: boolean): Promise<void>;
  /** Unmounts /mnt/<name> of the server's container; not mounted is success. */
  unmountVolume?(id: string, name: string): Promise<void>;
  /** The names of the volumes mounted in the server's container now. */
  mountedVolumes?(id: string): Promise<string[]>;
}
