// A Kubernetes node laid out on this host for a test, and taken away again: a network namespace,
// one private mount namespace (a "holder" process keeps it; every daemon joins it, so kubelet's
// volume mounts are the ones containerd binds into containers, and all of their mounts vanish
// with it), and a cgroup subtree in every v1 hierarchy that holds the daemons and kubelet's pods,
// so cleanup can find and kill every process the test caused. Nothing here knows Kubernetes.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from '../system.js';

const CGROUP = '/sys/fs/cgroup';
// Cgroup dirs above a host's own root (made where a hierarchy lacked this process's path) are
// shared by every node a concurrent test lays out: each is noted here, one marker file per dir,
// and whichever host leaves last removes it.
const SHARED = '/run/pier-test-cgroups';
const marker = (dir: string) => join(SHARED, encodeURIComponent(dir));

/**
 * Mounted cgroup v1 hierarchies (cpu, memory, …, systemd); with `v2`, also the hybrid layout's
 * `unified` one, which holds no controllers but where runc makes each container's cgroup too.
 */
function hierarchies(v2 = false): string[] {
  return readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' '))
    .filter((f) => (f[2] === 'cgroup' || (v2 && f[2] === 'cgroup2')) && f[1]!.startsWith(`${CGROUP}/`))
    .map((f) => f[1]!.slice(CGROUP.length + 1));
}

/**
 * The cgroup the subtree goes under: this process's memory cgroup (the sandbox accounts memory
 * there, and the pods should stay inside it), the same path in every hierarchy, as kubelet's
 * cgroupfs driver uses one path for all.
 */
function ownCgroupBase(): string {
  const line = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.split(':')[1] === 'memory');
  return line?.split(':')[2] ?? '/';
}

/** Removes the shared dirs no other host still uses (EBUSY: one does; it removes them later). */
function removeSharedAncestors(): void {
  if (!existsSync(SHARED)) return;
  const dirs = readdirSync(SHARED).map(decodeURIComponent).sort((a, b) => b.length - a.length); // deepest first
  for (const dir of dirs) {
    try { rmdirSync(dir); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') continue; }
    rmSync(marker(dir), { force: true });
  }
}

export interface Daemon { name: string; child: ChildProcess; log: string }

export class NodeHost {
  readonly netns: string;
  /** kubelet's cgroupRoot: <own cgroup>/<prefix> in every hierarchy. */
  readonly cgroupRoot: string;
  private readonly created: string[] = []; // cgroup dirs made, parents first
  private holder?: ChildProcess;
  readonly daemons: Daemon[] = [];

  constructor(readonly prefix: string, readonly work: string, readonly address: string) {
    this.netns = `${prefix}-node`;
    this.cgroupRoot = join(ownCgroupBase(), prefix);
  }

  /**
   * Makes the netns (eth0 holding `address`, a veth whose peer stays in the netns too, down, with
   * the default route into it: nothing leaves; this kernel has no dummy links), the
   * cgroups and the holder. `masks` maps a path to the text a file bind-mounted over it shows.
   */
  async setUp(masks: Record<string, string>): Promise<void> {
    const ip = (...a: string[]) => this.must('ip', ['-n', this.netns, ...a]);
    await this.must('ip', ['netns', 'add', this.netns]);
    await ip('link', 'set', 'lo', 'up');
    await ip('link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0-peer');
    await ip('addr', 'add', `${this.address}/24`, 'dev', 'eth0');
    await ip('link', 'set', 'eth0', 'up');
    await ip('route', 'add', 'default', 'dev', 'eth0');
    for (const h of hierarchies()) this.mkCgroup(h, join(this.cgroupRoot, 'daemons'));
    // Private tmpfs over /run, /var/lib and /var/log: whatever a daemon writes to its hard-coded
    // host paths there (/var/log/containers, /var/lib/cni, /run/containerd/s …) stays ours.
    const mounts = ['/run', '/var/lib', '/var/log'].map((d) => `mount -t tmpfs pier-test ${d}`);
    const maskDir = join(this.work, 'masks');
    mkdirSync(maskDir, { recursive: true });
    Object.entries(masks).forEach(([path, text], i) => {
      writeFileSync(join(maskDir, String(i)), text);
      mounts.push(`mount --bind ${join(maskDir, String(i))} ${path}`);
    });
    const script = `set -e; ${mounts.join('; ')}; echo ready; exec sleep 2147483647`;
    const holder = this.spawnIn('holder', ['nsenter', `--net=/run/netns/${this.netns}`, 'unshare', '--mount', '--propagation', 'slave', 'sh', '-c', script], 'pipe');
    this.holder = holder;
    await new Promise<void>((ready, fail) => {
      let out = '';
      holder.stdout!.on('data', (c: Buffer) => { out += c; if (out.includes('ready')) ready(); });
      holder.once('exit', (code) => fail(new Error(`the namespace holder exited ${code}: ${readFileSync(join(this.work, 'holder.log'), 'utf8')}`)));
    });
  }

  /** Starts `argv` inside the node (its netns and mount namespace, the daemons' cgroup); output in <work>/<name>.log. */
  start(name: string, argv: string[]): Daemon {
    const child = this.spawnIn(name, ['nsenter', '-t', String(this.holder!.pid), '-m', '-n', '--', ...argv], 'ignore');
    const d = { name, child, log: join(this.work, `${name}.log`) };
    this.daemons.push(d);
    return d;
  }

  /** Runs a command inside the node and waits for it. */
  exec(argv: string[], input?: string) {
    return sh('nsenter', ['-t', String(this.holder!.pid), '-m', '-n', '--', ...argv], input);
  }

  /** The last lines of a daemon's log, for failure messages. */
  tail(name: string, lines = 25): string {
    const f = join(this.work, `${name}.log`);
    return existsSync(f) ? `--- ${name}.log ---\n${readFileSync(f, 'utf8').split('\n').slice(-lines).join('\n')}` : '';
  }

  // A shell that first moves itself into the daemons' cgroup in every hierarchy, then execs argv:
  // so the process and all it forks (containerd's shims too) are in the subtree from the start.
  private spawnIn(name: string, argv: string[], stdout: 'pipe' | 'ignore'): ChildProcess {
    const procs = hierarchies().map((h) => join(CGROUP, h, this.cgroupRoot, 'daemons', 'cgroup.procs'));
    const log = openSync(join(this.work, `${name}.log`), 'a');
    return spawn('sh', ['-c', 'for f in $PIER_CGROUPS; do echo $$ > "$f"; done; exec "$@"', name, ...argv], {
      env: { ...process.env, PIER_CGROUPS: procs.join(' ') },
      stdio: ['ignore', stdout === 'pipe' ? 'pipe' : log, log],
    });
  }

  private mkCgroup(h: string, path: string): void {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const dir = join(CGROUP, h, ...parts.slice(0, i));
      if (existsSync(dir)) continue;
      mkdirSync(dir);
      if (join(CGROUP, h, this.cgroupRoot).startsWith(`${dir}/`)) { mkdirSync(SHARED, { recursive: true }); writeFileSync(marker(dir), ''); }
      else this.created.push(dir);
      // A new cpuset has no CPUs or memory nodes: a task cannot join it until they are copied.
      if (h === 'cpuset') for (const f of ['cpuset.cpus', 'cpuset.mems']) writeFileSync(join(dir, f), readFileSync(join(dir, '..', f)));
    }
  }

  /** Every pid in the subtree (the memory hierarchy sees them all: kubelet puts pods in it too). */
  pids(): number[] {
    const out: number[] = [];
    const walk = (dir: string) => {
      if (!existsSync(dir)) return;
      out.push(...readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number));
      for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(join(dir, e.name));
    };
    walk(join(CGROUP, 'memory', this.cgroupRoot));
    return out;
  }

  /** Stops one daemon: SIGTERM, then SIGKILL after `ms`. */
  async stop(d: Daemon, ms = 10_000): Promise<void> {
    if (d.child.exitCode !== null || d.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => d.child.once('exit', () => r()));
    d.child.kill('SIGTERM');
    const timer = setTimeout(() => d.child.kill('SIGKILL'), ms);
    await exited;
    clearTimeout(timer);
  }

  /** Kills whatever is left in the subtree (shims, containers, the holder), removes the cgroups and the netns. */
  async tearDown(): Promise<string[]> {
    const problems: string[] = [];
    for (const d of [...this.daemons].reverse()) await this.stop(d);
    this.holder?.kill('SIGKILL');
    for (let round = 0; round < 50 && this.pids().length; round++) {
      for (const pid of this.pids()) { try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ } }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (this.pids().length) problems.push(`processes left in the cgroup: ${this.pids().join(' ')}`);
    // Children before parents: everything under our dirs (kubelet's kubepods tree), then ours.
    const rmTree = (dir: string) => {
      if (!existsSync(dir)) return;
      for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) rmTree(join(dir, e.name));
      try { rmdirSync(dir); } catch (e) { problems.push(`cgroup ${dir}: ${(e as Error).message}`); }
    };
    for (const h of hierarchies(true)) rmTree(join(CGROUP, h, this.cgroupRoot));
    for (const dir of this.created.reverse()) if (existsSync(dir)) { try { rmdirSync(dir); } catch (e) { problems.push(`cgroup ${dir}: ${(e as Error).message}`); } }
    removeSharedAncestors();
    const del = await sh('ip', ['netns', 'del', this.netns]);
    if (del.code !== 0 && !/No such file/.test(del.stderr)) problems.push(`netns ${this.netns}: ${del.stderr.trim()}`);
    appendFileSync(join(this.work, 'teardown.log'), `${problems.join('\n')}\n`);
    return problems;
  }

  private async must(cmd: string, args: string[]): Promise<void> {
    const r = await sh(cmd, args);
    if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.trim()}`);
  }
}
