// Pier's CNI endpoint: the unix socket the `pier` plugin executable talks to. One JSON request
// per connection (the command, the CNI_* environment, the network config as text), one JSON
// reply (what the plugin prints, and whether that is an error). The socket is root's alone
// (0600): whoever reaches it acts as Kuryr's user. A container-host server's socket (nested
// mode) serves that server alone: the socket it came in on says which server calls.
import { chmodSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { ModuleError } from '../../core/module.js';
import type { KuryrContext } from '../context.js';
import { runCommand } from './commands.js';
import { errorObject } from './errors.js';
import { answerVersion, parseRequest, type ForwardedCall } from './request.js';

/** A request is a network config and a few variables: anything bigger is not one. */
const MAX_REQUEST = 1 << 20;

/** What the plugin prints (`output`, if any) and whether it exits non-zero (`error`). */
export interface CniReply { error: boolean; output?: unknown }

/** Answers one forwarded call (from server `node`'s socket, nested); never throws (every failure is the spec's error object). */
export async function answerCall(k: KuryrContext, call: ForwardedCall, node?: string): Promise<CniReply> {
  try {
    const req = parseRequest(call, node !== undefined);
    const output = await runCommand(k, req, node);
    k.log.debug({ command: req.command, container: req.containerId, ifname: req.ifname, node }, 'CNI call answered');
    return output ? { error: false, output } : { error: false };
  } catch (err) {
    const output = errorObject(err, answerVersion(call));
    k.log[output.code === 999 ? 'error' : 'info']({ command: call.command, env: call.env, node, cni: output, ...(output.code === 999 ? { err } : {}) }, 'CNI call failed');
    return { error: true, output };
  }
}

/** A served socket: the inode it was made as (gone or different: someone replaced it), and how to stop. */
export interface CniEndpoint { readonly ino: number; close(): Promise<void> }

/** Serves the CNI endpoint at `path` (for server `node`, nested) until closed; refuses a path another live process serves. */
export async function serveCni(k: KuryrContext, path: string, node?: string): Promise<CniEndpoint> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  if (await answers(path)) throw new ModuleError(`another process already serves CNI at ${path} (pier up --cni-socket picks another path)`);
  rmSync(path, { force: true });
  // Half-open: the plugin ends its side after the request and reads the reply after that.
  const server = createServer({ allowHalfOpen: true }, (conn) => serve(k, conn, node));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => { server.off('error', reject); resolve(); });
  });
  chmodSync(path, 0o600);
  const ino = statSync(path).ino;
  return {
    ino,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Only our own socket file goes: a later Pier may have taken the path meanwhile.
      try { if (statSync(path).ino === ino) rmSync(path, { force: true }); } catch { /* gone already */ }
    }),
  };
}

function serve(k: KuryrContext, conn: Socket, node: string | undefined): void {
  const chunks: Buffer[] = [];
  let size = 0;
  conn.on('error', () => conn.destroy());
  conn.on('data', (c: Buffer) => {
    size += c.length;
    if (size > MAX_REQUEST) conn.destroy();
    else chunks.push(c);
  });
  conn.on('end', () => {
    let call: ForwardedCall;
    try {
      call = JSON.parse(Buffer.concat(chunks).toString()) as ForwardedCall;
    } catch {
      call = { config: undefined };
    }
    void answerCall(k, call, node).then((reply) => conn.end(JSON.stringify(reply)));
  });
}

/** Whether a live process accepts connections at `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(path);
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
}
