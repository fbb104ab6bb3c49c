// A private podman 4.3 for tests (root): its own containers.conf (the CNI backend, a plugin dir
// and a network config dir of the test's own, cgroupfs, file events and locks, runc), its own
// storage (--root/--runroot) and an image imported from a root filesystem tarball. Nothing of
// the host's podman is read or changed; `destroy` removes every container, image and file.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PodmanResult { code: number; stdout: string; stderr: string }

/** The lowest of the current soft and hard limit of `name` in /proc/self/limits. */
function currentLimit(name: string): number {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith(name));
  const [soft, hard] = (line ?? '').slice(name.length).trim().split(/\s+/).map((v) => (v === 'unlimited' ? Infinity : Number(v)));
  return Math.min(soft ?? Infinity, hard ?? Infinity);
}

export class Podman {
  readonly conf: string;
  readonly netDir: string;
  constructor(readonly dir: string, pluginDir: string) {
    this.conf = join(dir, 'containers.conf');
    this.netDir = join(dir, 'net.d');
    mkdirSync(this.netDir, { recursive: true });
    mkdirSync(join(dir, 'tmp'), { recursive: true });
    // No CAP_SYS_RESOURCE here: podman's defaults (1048576 files and processes) cannot be set,
    // so the containers get the current limits; processes at most kernel.pid_max (measured: a
    // higher RLIMIT_NPROC fails in runc under podman's conmon with EPERM).
    const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
    const files = currentLimit('Max open files');
    const procs = Math.min(currentLimit('Max processes'), pidMax);
    writeFileSync(this.conf, [
      '[containers]',
      `default_ulimits = ["nofile=${files}:${files}", "nproc=${procs}:${procs}"]`,
      '[network]',
      'network_backend = "cni"',
      `cni_plugin_dirs = ["${pluginDir}"]`,
      `network_config_dir = "${this.netDir}"`,
      '[engine]',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `events_logfile_path = "${join(dir, 'events.log')}"`,
      'runtime = "runc"',
      `tmp_dir = "${join(dir, 'tmp')}"`,
      // File locks under tmp_dir: the default shared-memory locks are one segment per host.
      'lock_type = "file"',
      '',
    ].join('\n'));
  }

  /** Runs `podman ARGS` with this instance's config and storage. */
  run(...args: string[]): Promise<PodmanResult> {
    const global = ['--root', join(this.dir, 'root'), '--runroot', join(this.dir, 'run'), '--storage-driver', 'overlay'];
    return new Promise((done) => {
      execFile('podman', [...global, ...args], { env: { ...process.env, CONTAINERS_CONF: this.conf }, timeout: 120_000 }, (e, stdout, stderr) => {
        done({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout, stderr });
      });
    });
  }

  /** Like run, but throws with podman's output when it fails. */
  async ok(...args: string[]): Promise<string> {
    const r = await this.run(...args);
    if (r.code !== 0) throw new Error(`podman ${args.join(' ')}: ${r.code} ${r.stderr} ${r.stdout}`);
    return r.stdout.trim();
  }

  /** A CNI network config list in this podman's network config dir. */
  network(name: string, cniVersion: string, plugin: Record<string, unknown>): void {
    writeFileSync(join(this.netDir, `${name}.conflist`), JSON.stringify({ cniVersion, name, plugins: [plugin] }, null, 2));
  }

  /** Removes every container and image, then all of this instance's files. */
  async destroy(): Promise<void> {
    await this.run('rm', '--force', '--all', '--time', '0');
    await this.run('system', 'reset', '--force');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
