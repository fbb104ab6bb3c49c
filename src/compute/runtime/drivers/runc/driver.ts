// The runc runtime (Debian's runc): a bundle per server under `<dataDir>/compute/servers/<id>`,
// a network namespace per server with each port plugged through the dataplane, the container
// run detached with its stdout/stderr appended to the bundle's console.log. A stopped server is
// its bundle without a runc container; containers outlive Pier and are found again by
// `runc state` on restart (re-adopted, not restarted). Only this file and bundle.ts run commands.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import type { ComputeDriver, ServerObserved, ServerSpec } from '../../driver.js';
import { imageProblem } from '../fake.js';
import { personalize, prepareRootfs, releaseRootfs, unpackImage } from './bundle.js';
import { ociSpec } from './oci.js';

const run = promisify(execFile);

/** How ports get into a server's namespace: the dataplane's plug function, in-process. */
export interface PortPlugger {
  /** Plugs `portId` into `netns` as `ifname`; already plugged there is success. */
  plug(portId: string, netns: string, ifname: string): Promise<void>;
  /** Unplugs `portId`; not plugged is success. */
  unplug(portId: string): Promise<void>;
}

export interface RuncOptions {
  /** `<dataDir>/compute` */
  dir: string;
  plugger: PortPlugger;
  log: Logger;
  /** Apply flavor RAM/vCPU as cgroup limits (default: try, and say when the kernel refuses). */
  limits?: boolean;
}

const cid = (id: string) => `pier-${id}`;
export const netnsOf = (id: string) => `pier-s-${id.replace(/-/g, '').slice(0, 12)}`;

export class RuncDriver implements ComputeDriver {
  readonly name = 'runc';
  private readonly servers: string;
  private readonly images: string;
  private readonly root: string;
  /** Whether runc accepted cgroup limits here; learnt on the first container. */
  private limitsWork: boolean | undefined;

  constructor(private readonly o: RuncOptions) {
    this.servers = join(o.dir, 'servers');
    this.images = join(o.dir, 'images');
    this.root = join(o.dir, 'runc');
    for (const d of [this.servers, this.images, this.root]) mkdirSync(d, { recursive: true });
    if (o.limits === false) this.limitsWork = false;
  }

  private bundle(id: string) { return join(this.servers, id); }
  private runc(args: string[]) { return run('runc', ['--root', this.root, ...args], { maxBuffer: 1 << 20 }); }

  private async state(id: string): Promise<string | undefined> {
    try {
      const { stdout } = await this.runc(['state', cid(id)]);
      return (JSON.parse(stdout) as { status: string }).status;
    } catch {
      return undefined;
    }
  }

  async create(spec: ServerSpec): Promise<ServerObserved> {
    const bundle = this.bundle(spec.id);
    if (existsSync(join(bundle, 'config.json'))) return this.inspect(spec.id);
    const problem = imageProblem(spec);
    if (problem) throw new Error(problem);
    const warnings: string[] = [];
    try {
      const lower = await unpackImage(this.images, spec.image);
      mkdirSync(bundle, { recursive: true });
      const cow = await prepareRootfs(bundle, lower);
      if (cow) warnings.push(cow);
      personalize(join(bundle, 'rootfs'), spec);
      const ns = netnsOf(spec.id);
      if (!existsSync(`/run/netns/${ns}`)) await run('ip', ['netns', 'add', ns]);
      for (const [i, port] of spec.ports.entries()) await this.o.plugger.plug(port.id, ns, `eth${i}`);
      writeFileSync(join(bundle, 'spec.json'), JSON.stringify(spec));
      this.writeConfig(spec, this.limitsWork !== false);
    } catch (err) {
      await this.remove(spec.id, spec).catch(() => {});
      throw err;
    }
    for (const w of warnings) this.o.log.warn({ server: spec.id }, w);
    return { id: spec.id, state: 'created', warnings };
  }

  private writeConfig(spec: ServerSpec, limits: boolean): void {
    const config = ociSpec({
      hostname: spec.hostname, netnsPath: `/run/netns/${netnsOf(spec.id)}`,
      limits: limits ? { memoryBytes: spec.ramMb * 1024 * 1024, cpus: spec.vcpus } : undefined,
    });
    writeFileSync(join(this.bundle(spec.id), 'config.json'), JSON.stringify(config, null, 1));
  }

  private spec(id: string): ServerSpec {
    return JSON.parse(readFileSync(join(this.bundle(id), 'spec.json'), 'utf8')) as ServerSpec;
  }

  /** `runc run -d`: the container's stdio is the console log (runc hands its own fds over). */
  private async launch(id: string): Promise<void> {
    const bundle = this.bundle(id);
    const log = openSync(join(bundle, 'console.log'), 'a');
    try {
      await new Promise<void>((resolve, reject) => {
        const child = spawn('runc', ['--root', this.root, 'run', '-d', '--bundle', bundle, cid(id)], { stdio: ['ignore', log, log] });
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`runc run exited ${code}`))));
      });
    } finally {
      closeSync(log);
    }
  }

  async start(id: string): Promise<ServerObserved> {
    const st = await this.state(id);
    if (st === 'running') return this.inspect(id);
    if (st === 'paused') return this.unpause(id);
    if (st) await this.runc(['delete', '--force', cid(id)]);
    try {
      await this.launch(id);
    } catch (err) {
      if (this.limitsWork === false) throw this.explain(id, err);
      // OpenStack: flavor limits become cgroup limits where the kernel allows; here it did not.
      this.limitsWork = false;
      this.o.log.warn({ server: id }, 'cgroup limits unavailable: runc refused memory/cpu limits, servers run without flavor limits');
      await this.runc(['delete', '--force', cid(id)]).catch(() => {});
      this.writeConfig(this.spec(id), false);
      await this.launch(id).catch((e) => { throw this.explain(id, e); });
    }
    if (this.limitsWork === undefined) this.limitsWork = true;
    return this.inspect(id);
  }

  private explain(id: string, err: unknown): Error {
    const tail = this.tail(id, 3).trim();
    return new Error(`the container did not start: ${(err as Error).message}${tail ? ` (${tail.replace(/\n/g, '; ')})` : ''}`);
  }

  async stop(id: string): Promise<ServerObserved> {
    const st = await this.state(id);
    if (st === 'running' || st === 'paused') {
      if (st === 'paused') await this.runc(['resume', cid(id)]).catch(() => {});
      await this.runc(['kill', cid(id), 'TERM']).catch(() => {});
      for (let i = 0; i < 30 && (await this.state(id)) === 'running'; i++) await new Promise((r) => setTimeout(r, 100));
      if ((await this.state(id)) === 'running') await this.runc(['kill', cid(id), 'KILL']).catch(() => {});
    }
    if (st) await this.runc(['delete', '--force', cid(id)]).catch(() => {});
    return this.inspect(id);
  }

  async pause(id: string): Promise<ServerObserved> {
    if ((await this.state(id)) === 'running') await this.runc(['pause', cid(id)]);
    return this.inspect(id);
  }

  async unpause(id: string): Promise<ServerObserved> {
    if ((await this.state(id)) === 'paused') await this.runc(['resume', cid(id)]);
    return this.inspect(id);
  }

  async remove(id: string, known?: ServerSpec): Promise<void> {
    if (await this.state(id)) await this.runc(['delete', '--force', cid(id)]).catch(() => {});
    let spec = known;
    try { spec ??= this.spec(id); } catch { /* no spec written: nothing was plugged */ }
    for (const p of spec?.ports ?? []) await this.o.plugger.unplug(p.id);
    const ns = netnsOf(id);
    if (existsSync(`/run/netns/${ns}`)) await run('ip', ['netns', 'del', ns]).catch(() => {});
    await releaseRootfs(this.bundle(id));
  }

  async inspect(id: string): Promise<ServerObserved> {
    if (!existsSync(join(this.bundle(id), 'config.json'))) return { id, state: 'absent' };
    const st = await this.state(id);
    if (st === 'running') return { id, state: 'running' };
    if (st === 'paused') return { id, state: 'paused' };
    if (st === 'stopped') return { id, state: 'stopped', exitCode: null };
    return { id, state: existsSync(join(this.bundle(id), 'console.log')) ? 'stopped' : 'created' };
  }

  async list(): Promise<ServerObserved[]> {
    const ids = readdirSync(this.servers).filter((d) => /^[0-9a-f-]{36}$/.test(d));
    return Promise.all(ids.map((id) => this.inspect(id)));
  }

  private tail(id: string, lines?: number): string {
    let text = '';
    try { text = readFileSync(join(this.bundle(id), 'console.log'), 'utf8'); } catch { return ''; }
    if (lines === undefined) return text;
    const all = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    return all.slice(-lines).join('\n') + (lines ? '\n' : '');
  }

  async logs(id: string, lines?: number): Promise<string> {
    return this.tail(id, lines);
  }
}
