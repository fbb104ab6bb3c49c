// A private Docker daemon for system tests (Debian docker.io 20.10): its own data root, exec
// root, socket and pidfile under one temporary directory, its own managed containerd, no bridge
// and no iptables — so it touches nothing of the host's and nothing of another test's. Images
// come from `docker import` of the busybox root filesystem Pier builds (there is no registry).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxRootfs } from '../../src/image/index.js';
import { sh } from './system.js';

const DOCKERD = '/usr/sbin/dockerd';
/** Debian's client, the daemon's own version (another docker on PATH may be newer). */
const DOCKER = '/usr/bin/docker';
export const BUSYBOX_IMAGE = 'pier-busybox';

export interface DockerResult { code: number; stdout: string; stderr: string }

export interface PrivateDocker {
  dir: string;
  socket: string;
  /** `docker …args` against this daemon; never throws on a non-zero exit. */
  docker(args: string[], timeoutMs?: number): Promise<DockerResult>;
  /** `docker …args` that must succeed: throws with its stderr otherwise. */
  ok(args: string[]): Promise<string>;
  /** SIGTERM, as a host stopping Docker does (containers stop, endpoints go), then a new daemon on the same roots. */
  restart(): Promise<void>;
  /** Removes every container and network (while the plugin still answers), stops the daemon and removes its directory. */
  cleanup(): Promise<void>;
}

export interface DockerdOptions {
  /**
   * Run the daemon in this network namespace with Docker's own default bridge (`docker0` with
   * address `bip`) and its iptables rules — all inside that namespace, not the host's. Without
   * it: the host namespace, no bridge, no iptables (how Docker runs on Pier networks).
   */
  bridged?: { netns: string; bip: string };
}

export async function startDockerd(options: DockerdOptions = {}): Promise<PrivateDocker> {
  if (!existsSync(DOCKERD) || !existsSync(DOCKER)) throw new Error(`${DOCKERD} not found: install Debian's docker.io (scripts/install.sh --system)`);
  // Short: the daemon's unix sockets live under the exec root, and a socket path has 108 bytes.
  const dir = mkdtempSync('/tmp/pkd-');
  const socket = join(dir, 'docker.sock');
  let child: ChildProcess | undefined;
  const docker = (args: string[], timeoutMs = 60_000) => new Promise<DockerResult>((done) => {
    execFile(DOCKER, ['-H', `unix://${socket}`, ...args], { timeout: timeoutMs, maxBuffer: 16 << 20 }, (e, stdout, stderr) => done({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout, stderr }));
  });
  const launch = async () => {
    const log = openSync(join(dir, 'dockerd.log'), 'a');
    const roots = ['--data-root', join(dir, 'data'), '--exec-root', join(dir, 'x'), '-H', `unix://${socket}`, '--pidfile', join(dir, 'docker.pid')];
    const { bridged } = options;
    child = bridged
      ? spawn('nsenter', [`--net=/run/netns/${bridged.netns}`, DOCKERD, ...roots, '--bip', bridged.bip], { stdio: ['ignore', log, log] })
      : spawn(DOCKERD, [...roots, '--bridge', 'none', '--iptables=false', '--ip-masq=false'], { stdio: ['ignore', log, log] });
    const end = Date.now() + 60_000;
    while ((await docker(['info'], 5_000)).code !== 0) {
      if (child.exitCode !== null || Date.now() > end) throw new Error(`dockerd did not start: ${readFileSync(join(dir, 'dockerd.log'), 'utf8').slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const stop = () => new Promise<void>((done) => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return done();
    const kill = setTimeout(() => c.kill('SIGKILL'), 30_000);
    c.once('exit', () => { clearTimeout(kill); done(); });
    c.kill('SIGTERM');
  });
  const d: PrivateDocker = {
    dir, socket, docker,
    async ok(args) {
      const r = await docker(args);
      if (r.code !== 0) throw new Error(`docker ${args.join(' ')} → exit ${r.code}: ${r.stderr.trim()}`);
      return r.stdout;
    },
    async restart() {
      await stop();
      await launch();
    },
    async cleanup() {
      if (child?.exitCode === null) {
        const ids = (await docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
        if (ids.length) await docker(['rm', '-f', ...ids]);
        const nets = (await docker(['network', 'ls', '-q', '--filter', 'type=custom'])).stdout.split('\n').filter(Boolean);
        for (const n of nets) await docker(['network', 'rm', n]);
      }
      await stop();
      // Whatever the daemon left mounted under its roots (overlays, namespaces), deepest first.
      const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((m): m is string => Boolean(m?.startsWith(dir)));
      for (const m of mounts.sort((a, b) => b.length - a.length)) await sh('umount', ['-l', m]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await launch();
  await importBusybox(d);
  return d;
}

/** `docker import` of Pier's busybox root filesystem, with a PATH (an imported image has no config). */
async function importBusybox(d: PrivateDocker): Promise<void> {
  const rootfs = busyboxRootfs();
  if (!rootfs) throw new Error('/bin/busybox not found: install Debian busybox-static');
  await new Promise<void>((done, fail) => {
    const child = spawn(DOCKER, ['-H', `unix://${d.socket}`, 'import', '-c', 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin', '-', BUSYBOX_IMAGE], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`docker import: ${err}`))));
    rootfs.pipe(child.stdin);
  });
}
