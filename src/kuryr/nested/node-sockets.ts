// Kuryr's nested mode on this host: one CNI socket per container-host server, made inside the
// server's own filesystem (`/run/pier/cni.sock` as the server sees it, reached through
// /proc/<pid>/root) while it runs — the socket names the server, so the node holds no
// credentials — and the pods' ports of a server that is gone, released: as Compute deletes it
// (releaseNode), and by a sweep for any a crash left. Level-triggered: a server event or the
// periodic pass re-reads the servers and converges; a socket that vanished (the container
// restarted, or mounted a tmpfs over /run) is made again.
import { statSync } from 'node:fs';
import type { Caller } from '../../networking/index.js';
import type { Store } from '../../store/index.js';
import { HOST_TAG } from '../cni/commands.js';
import { serveCni, type CniEndpoint } from '../cni/endpoint.js';
import { closeSandbox } from '../cni/sandbox.js';
import type { KuryrContext } from '../context.js';
import { NODE_TAG, nodePodPorts, releaseNestedPort } from './node-ports.js';
import { inNode } from './node-root.js';

/** The server metadata that makes a server a container-host (its pods nested on its ports): `"kuryr:nested": "true"`. */
export const NESTED_METADATA = 'kuryr:nested';
/** Where a container-host server finds its socket (the `pier` plugin's default). */
export const NODE_SOCKET = '/run/pier/cni.sock';

/** The servers this host runs, as Compute tells them. */
export interface NodeSource {
  serversHere(): Promise<{ id: string; metadata: Record<string, string> }[]>;
}

const CHECK_MS = 3_000;
/** Every so often (and on any server event) the pods of servers that are gone are looked for. */
const SWEEP_EVERY = 20;

export class NodeSockets {
  private readonly served = new Map<string, { endpoint: CniEndpoint; pid: number; path: string }>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private again: 'check' | 'sweep' | undefined;
  private passes = 0;
  private stopped = false;

  constructor(private readonly k: KuryrContext, private readonly source: NodeSource, private readonly store: Store, private readonly socket = NODE_SOCKET) {}

  async start(): Promise<void> {
    this.unsubscribe = this.store.subscribe((e) => { if (e.resource === 'server') this.kick('sweep'); });
    this.timer = setInterval(() => this.kick(++this.passes % SWEEP_EVERY === 0 ? 'sweep' : 'check'), CHECK_MS).unref();
    await this.pass(true);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    await this.running?.catch(() => {});
    await Promise.all([...this.served.values()].map((s) => s.endpoint.close()));
    this.served.clear();
  }

  /** Resolves once every queued pass has run (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => {});
  }

  /** The socket path (as the host reaches it) Kuryr serves for `serverId`, if it serves one. */
  socketOf(serverId: string): string | undefined {
    return this.served.get(serverId)?.path;
  }

  private kick(what: 'check' | 'sweep'): void {
    if (this.stopped) return;
    if (this.running) { if (this.again !== 'sweep') this.again = what; return; }
    this.running = (async () => {
      let sweep = what === 'sweep';
      for (;;) {
        await this.pass(sweep).catch((err: unknown) => this.k.log.warn({ err }, 'nested CNI pass failed; retried on the next'));
        if (!this.again || this.stopped) break;
        sweep = this.again === 'sweep';
        this.again = undefined;
      }
    })().finally(() => { this.running = undefined; });
  }

  private async pass(sweep: boolean): Promise<void> {
    const servers = await this.source.serversHere();
    const nodes = servers.filter((s) => s.metadata[NESTED_METADATA] === 'true');
    for (const s of nodes) await this.ensureSocket(s.id);
    const wanted = new Set(nodes.map((s) => s.id));
    for (const [id, s] of this.served) {
      if (!wanted.has(id)) { this.served.delete(id); await s.endpoint.close(); }
    }
    if (sweep) await this.releaseOrphans(new Set(nodes.map((s) => s.id)));
  }

  /** Serves the server's socket while its container runs; made anew when its process or the socket file changed. */
  private async ensureSocket(id: string): Promise<void> {
    const pid = this.k.nodes?.initPid(id);
    const now = this.served.get(id);
    if (now && now.pid === pid && inode(now.path) === now.endpoint.ino) return;
    if (now) { this.served.delete(id); await now.endpoint.close(); }
    if (!pid) return;
    const path = inNode(pid, this.socket);
    try {
      this.served.set(id, { endpoint: await serveCni(this.k, path, id), pid, path });
    } catch (err) {
      this.k.log.warn({ err, server: id, path }, 'cannot serve the nested CNI socket in the server');
    }
  }

  /** A node server going: its socket closes and its pods' ports are released (before its own port goes). */
  async releaseNode(id: string): Promise<void> {
    const s = this.served.get(id);
    if (s) { this.served.delete(id); await s.endpoint.close(); }
    const caller = await this.k.caller();
    for (const p of await nodePodPorts(this.k, caller, id)) await this.release(caller, id, String(p.id));
  }

  private async release(caller: Caller, node: string, portId: string): Promise<void> {
    await releaseNestedPort(this.k, caller, node, portId);
    await closeSandbox(portId);
    this.k.log.info({ port: portId, server: node }, 'released the port of a pod whose node server is gone');
  }

  /** This host's pods' ports whose node is no longer a container-host server here: released. */
  private async releaseOrphans(nodes: ReadonlySet<string>): Promise<void> {
    const caller = await this.k.caller();
    for (const p of await nodePodPorts(this.k, caller)) {
      const tags = p.tags as string[];
      if (!tags.includes(`${HOST_TAG}${this.k.host}`)) continue;
      const node = tags.find((t) => t.startsWith(NODE_TAG))!.slice(NODE_TAG.length);
      if (!nodes.has(node)) await this.release(caller, node, String(p.id));
    }
  }
}

function inode(path: string): number | undefined {
  try { return statSync(path).ino; } catch { return undefined; }
}
