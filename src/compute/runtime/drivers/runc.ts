// The runc runtime: a server is an OCI bundle under <dataDir>/runc/servers/<id> — its rootfs an
// overlay on the unpacked image, its config drive, config.json — and a network namespace of its
// own that the server's ports are plugged into. `runc run` is supervised by a detached shell that
// records the exit code, so containers outlive a Pier restart and are simply found again.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { CommandError, run } from '../../../core/exec.js';
import type { ComputeDriver, ServerObserved, ServerSpec } from '../driver.js';
import { containerHostCgroup, removeCgroupTree } from './cgroups.js';
import { imageProblem } from './fake.js';
import { ociSpec, type ContainerProcess } from './oci-spec.js';
import { mountRootDevice, mountRootfs, unmountRootfs, unpackImage } from './rootfs.js';
import { mountedVolumes, mountVolume, shareVolumesDir, unmountVolume, unmountVolumesDir, volumesDir } from './volume-mounts.js';

export interface RuncConfig {
  dataDir: string;
  /** How long a stop waits after SIGTERM before SIGKILL (a shell as PID 1 ignores SIGTERM). */
  stopTimeoutMs?: number;
}

// A server without a process of its own (a root-filesystem tarball) runs this: it says who it is,
// then stays up, as a VM that boots to a prompt would.
const BOOT = [
  '/bin/sh', '-c',
  'echo "Pier container $(hostname) started"; ip -o addr show 2>/dev/null | grep -v " lo " ; exec sleep 2147483647',
];
const ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root'];

interface RuncState { status: 'creating' | 'created' | 'running' | 'paused' | 'stopped'; pid: number }

export class RuncDriver implements ComputeDriver {
  readonly name = 'runc';
  private readonly root: string;

  constructor(readonly config: RuncConfig, readonly log: Logger) {
    this.root = join(config.dataDir, 'runc');
  }

  private dir = (id: string) => join(this.root, 'servers', id);
  /** The network namespace the server's ports go into. */
  netns = (id: string) => `pier-srv-${id}`;
  private runcArgs = (...args: string[]) => ['--root', join(this.root, 'state'), ...args];

  async create(spec: ServerSpec): Promise<ServerObserved> {
    const dir = this.dir(spec.id);
    if (existsSync(join(dir, 'config.json'))) return this.inspect(spec.id);
    const problem = spec.rootDevice ? undefined : imageProblem(spec);
    if (problem) throw new Error(problem);
    try {
      const image = spec.rootDevice ? { rootfs: '', process: undefined } : await unpackImage(join(this.root, 'images'), spec.image);
      // The rootfs and the namespace are independent: made side by side.
      const [how] = await Promise.all([
        spec.rootDevice ? mountRootDevice(spec.rootDevice, dir) : mountRootfs(image.rootfs, dir), this.makeNetns(spec.id), shareVolumesDir(dir),
      ]);
      writeFileSync(join(dir, 'image'), spec.image.id);
      const rootfs = join(dir, 'rootfs');
      if (spec.keyData) {
        mkdirSync(join(rootfs, 'root/.ssh'), { recursive: true, mode: 0o700 });
        writeFileSync(join(rootfs, 'root/.ssh/authorized_keys'), `${spec.keyData.trim()}\n`, { mode: 0o600 });
      }
      const drive = this.writeConfigDrive(spec, dir);
      const process: ContainerProcess = image.process ?? { args: BOOT, env: ENV, cwd: '/' };
      // A container host's state (containerd's snapshots, kubelet's, etcd's) on the host's file
      // system beside the bundle: overlayfs cannot hold overlayfs upper dirs.
      if (spec.containerHost) mkdirSync(join(dir, 'state'), { recursive: true });
      const config = ociSpec({
        rootfs, hostname: spec.hostname, process: { ...process, env: process.env.length ? process.env : ENV },
        netnsPath: `/run/netns/${this.netns(spec.id)}`, configDrive: drive, volumesDir: volumesDir(dir), ramMb: spec.ramMb, vcpus: spec.vcpus,
        containerHost: spec.containerHost ? { cgroupsPath: containerHostCgroup(spec.id), stateDir: join(dir, 'state') } : undefined,
      });
      writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 1));
      return { id: spec.id, state: 'created', warnings: how === 'copy' ? ['overlayfs is unavailable here: the root filesystem is a full copy of the image'] : [] };
    } catch (err) {
      await this.remove(spec.id);
      throw err;
    }
  }

  private async makeNetns(id: string): Promise<void> {
    await run('ip', ['netns', 'add', this.netns(id)]).catch((err: CommandError) => { if (!/exists/.test(err.stderr)) throw err; });
    await run('ip', ['-n', this.netns(id), 'link', 'set', 'lo', 'up']);
  }

  /** OpenStack's config drive layout (openstack/latest/meta_data.json, user_data), shown at /mnt/config. */
  private writeConfigDrive(spec: ServerSpec, dir: string): string {
    const latest = join(dir, 'config-drive', 'openstack', 'latest');
    mkdirSync(latest, { recursive: true });
    const meta = {
      uuid: spec.id, name: spec.hostname, hostname: spec.hostname, meta: spec.metadata,
      public_keys: spec.keyData ? { default: spec.keyData } : {}, launch_index: 0, availability_zone: 'nova',
    };
    writeFileSync(join(latest, 'meta_data.json'), JSON.stringify(meta));
    if (spec.userData !== null) writeFileSync(join(latest, 'user_data'), Buffer.from(spec.userData, 'base64'));
    return join(dir, 'config-drive');
  }

  async start(id: string): Promise<ServerObserved> {
    const now = await this.inspect(id);
    if (now.state === 'running' || now.state === 'paused') return now;
    if (now.state === 'absent') throw new Error(`no container for server ${id}`);
    const dir = this.dir(id);
    // After a host reboot the mount and the namespace are gone: made again (the ports' plugs are the caller's).
    if (existsSync(join(dir, 'root-device'))) await mountRootDevice(readFileSync(join(dir, 'root-device'), 'utf8'), dir);
    else if (!existsSync(join(dir, 'copied'))) await mountRootfs(join(this.root, 'images', this.imageOf(dir), 'rootfs'), dir);
    if (!existsSync(`/run/netns/${this.netns(id)}`)) await this.makeNetns(id);
    await shareVolumesDir(dir);
    for (const f of ['exit-code', 'pid']) rmSync(join(dir, f), { force: true });
    // The supervisor: runc in the foreground, its output in the console log, its exit code kept.
    const script = 'runc --root "$3" run --pid-file "$1/pid" --bundle "$1" "$2" >>"$1/console.log" 2>&1; echo $? >"$1/exit-code"';
    spawn('sh', ['-c', script, 'pier-runc', dir, id, join(this.root, 'state')], { detached: true, stdio: 'ignore' }).unref();
    // runc writes the pid file (atomically) once the container's process exists: watched for, not
    // asked for — each `runc state` is a process of its own.
    for (const end = Date.now() + 5000; Date.now() < end; await new Promise((r) => setTimeout(r, 2))) {
      if (existsSync(join(dir, 'exit-code'))) return this.inspect(id);
      const pid = existsSync(join(dir, 'pid')) ? Number(readFileSync(join(dir, 'pid'), 'utf8')) : 0;
      if (pid) return { id, state: 'running', warnings: this.limitWarnings(id, pid) };
    }
    throw new Error(`the container of server ${id} did not start within 5 s`);
  }

  async stop(id: string): Promise<ServerObserved> {
    const now = await this.inspect(id);
    if (now.state !== 'running' && now.state !== 'paused') return now;
    if (now.state === 'paused') await run('runc', this.runcArgs('resume', id)).catch(() => {});
    await run('runc', this.runcArgs('kill', id, 'TERM')).catch(() => {});
    if (!(await this.exited(id, this.config.stopTimeoutMs ?? 3000))) {
      await run('runc', this.runcArgs('kill', '--all', id, 'KILL')).catch(() => {});
      await this.exited(id, 5000);
    }
    return this.inspect(id);
  }

  async pause(id: string): Promise<ServerObserved> {
    await run('runc', this.runcArgs('pause', id));
    return this.inspect(id);
  }

  async unpause(id: string): Promise<ServerObserved> {
    await run('runc', this.runcArgs('resume', id));
    return this.inspect(id);
  }

  async remove(id: string): Promise<void> {
    const dir = this.dir(id);
    if (await this.runcState(id)) {
      await run('runc', this.runcArgs('kill', '--all', id, 'KILL')).catch(() => {});
      await this.exited(id, 5000);
      await run('runc', this.runcArgs('delete', '--force', id)).catch(() => {});
    }
    // A container host's pods made cgroups below its own (and their processes may outlive runc's kill).
    const problems = await removeCgroupTree(containerHostCgroup(id));
    if (problems.length) this.log.warn({ server: id, problems }, 'cgroups of the server left behind');
    // Volumes first: their files must never go with the bundle.
    await unmountVolumesDir(dir);
    await unmountRootfs(dir);
    rmSync(dir, { recursive: true, force: true });
    await run('ip', ['netns', 'del', this.netns(id)]).catch(() => {});
  }

  async inspect(id: string): Promise<ServerObserved> {
    const dir = this.dir(id);
    if (!existsSync(join(dir, 'config.json'))) return { id, state: 'absent' };
    // Only a live container process needs runc asked (running or paused?); the files tell the rest.
    if (this.alive(dir)) {
      const state = await this.runcState(id);
      if (state && state.status !== 'stopped') return { id, state: state.status === 'creating' ? 'created' : state.status };
    }
    // No container: never started (created), or its process ended (stopped, with how). Just
    // after an exit the supervisor is still writing the code down (runc cleans up first): wait for it.
    if (existsSync(join(dir, 'pid'))) await this.exited(id, 1000);
    const exit = existsSync(join(dir, 'exit-code')) ? Number(readFileSync(join(dir, 'exit-code'), 'utf8').trim()) : undefined;
    return exit === undefined && !existsSync(join(dir, 'console.log')) ? { id, state: 'created' } : { id, state: 'stopped', exitCode: exit ?? null };
  }

  async list(): Promise<ServerObserved[]> {
    const servers = join(this.root, 'servers');
    if (!existsSync(servers)) return [];
    return Promise.all(readdirSync(servers).map((id) => this.inspect(id)));
  }

  async logs(id: string, lines?: number): Promise<string> {
    const file = join(this.dir(id), 'console.log');
    if (!existsSync(file)) return '';
    const text = readFileSync(file, 'utf8');
    if (lines === undefined) return text;
    const all = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    return `${all.slice(-lines).join('\n')}\n`;
  }

  initPid(id: string): number | undefined {
    const dir = this.dir(id);
    return this.alive(dir) ? Number(readFileSync(join(dir, 'pid'), 'utf8')) : undefined;
  }

  async mountVolume(id: string, name: string, device: string, readonly: boolean): Promise<void> {
    await mountVolume(this.dir(id), name, device, readonly);
  }

  async unmountVolume(id: string, name: string): Promise<void> {
    await unmountVolume(this.dir(id), name);
  }

  async mountedVolumes(id: string): Promise<string[]> {
    return mountedVolumes(this.dir(id));
  }

  /** Whether the container's process (runc's pid file) is alive. */
  private alive(dir: string): boolean {
    try {
      const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
      return pid > 0 && process.kill(pid, 0);
    } catch {
      return false; // no pid file, or no such process
    }
  }

  private async runcState(id: string): Promise<RuncState | undefined> {
    try {
      return JSON.parse(await run('runc', this.runcArgs('state', id))) as RuncState;
    } catch {
      return undefined; // runc says the container does not exist
    }
  }

  private async exited(id: string, ms: number): Promise<boolean> {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
      if (existsSync(join(this.dir(id), 'exit-code'))) return true;
    }
    return false;
  }

  /** The image a bundle's lower layer comes from (its rootfs overlay names it). */
  private imageOf(dir: string): string {
    return readFileSync(join(dir, 'image'), 'utf8').trim();
  }

  /** What of the flavor's limits the kernel did not apply (read back from the container's cgroups): said, never pretended. */
  private limitWarnings(id: string, pid: number): string[] {
    const config = JSON.parse(readFileSync(join(this.dir(id), 'config.json'), 'utf8')) as { linux: { resources: { memory: { limit: number }; cpu: { quota: number } } } };
    const want = config.linux.resources;
    const cgroups = new Map<string, string>();
    try {
      for (const line of readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n')) {
        const [, controllers, path] = line.split(':');
        for (const c of controllers?.split(',') ?? []) if (c) cgroups.set(c, path ?? '');
      }
    } catch { /* exited meanwhile: nothing to check */ }
    const read = (controller: string, file: string) => {
      try { return readFileSync(join('/sys/fs/cgroup', controller, cgroups.get(controller) ?? '', file), 'utf8').trim(); } catch { return undefined; }
    };
    const out: string[] = [];
    if (read('memory', 'memory.limit_in_bytes') !== String(want.memory.limit)) out.push(`memory limit of ${want.memory.limit / 1048576} MiB not applied: no memory cgroup for the container on this host`);
    if (read('cpu', 'cpu.cfs_quota_us') !== String(want.cpu.quota)) out.push(`CPU quota of ${want.cpu.quota / 100000} vCPU not applied: no cpu cgroup for the container on this host`);
    return out;
  }
}
