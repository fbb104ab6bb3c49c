// The plugin's HTTP over a unix socket, as Docker's plugin client speaks it: POST /<Method> with
// a JSON body, a JSON answer. A failure answers 500 with `{"Err": message}` — the shape Docker's
// client reads on any non-200 for both drivers (Neutron's message as it is) — an unknown method
// 404 (Docker then treats an optional call as unsupported), and no call runs unbounded.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { ModuleError } from '../../core/module.js';
import type { Caller } from '../../networking/index.js';
import type { KuryrContext } from '../context.js';

/** A protocol method: its request body (parsed) in, its answer out. */
export type Handler = (body: any, caller: Caller) => unknown;
export type Handlers = Record<string, Handler>;

const CONTENT_TYPE = 'application/vnd.docker.plugins.v1+json';
const MAX_BODY = 1 << 20;
const CALL_TIMEOUT_MS = 60_000;

export interface PluginServer { close(): Promise<void> }

/** Serves `handlers` on `socket`; a stale socket file is replaced, a live one (another Pier) refused. */
export async function servePlugin(k: KuryrContext, socket: string, handlers: Handlers): Promise<PluginServer> {
  mkdirSync(dirname(socket), { recursive: true });
  if (existsSync(socket)) {
    if (await answers(socket)) throw new ModuleError(`another process serves the Docker plugin socket ${socket}`);
    unlinkSync(socket);
  }
  const server = createServer((req, res) => void handle(k, handlers, req, res));
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(socket, () => { server.off('error', fail); ready(); });
  });
  return {
    async close() {
      await new Promise<void>((done) => { server.close(() => done()); server.closeAllConnections(); });
      if (existsSync(socket)) unlinkSync(socket);
    },
  };
}

async function handle(k: KuryrContext, handlers: Handlers, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.url ?? '/').slice(1).split('?')[0]!;
  const started = Date.now();
  const answer = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': CONTENT_TYPE });
    res.end(JSON.stringify(body));
  };
  try {
    const text = await readBody(req);
    const handler = handlers[method];
    if (req.method !== 'POST' || !handler) {
      answer(404, { Err: `${req.method} /${method} is not a method of this plugin` });
      return;
    }
    let body: unknown;
    try { body = text.trim() ? JSON.parse(text) : {}; } catch { throw new Error(`${method}: the request body is not JSON`); }
    const out = await withTimeout(method, (async () => handler(body ?? {}, await k.caller()))());
    answer(200, out ?? {});
    k.log.debug({ method, ms: Date.now() - started }, 'kuryr: docker call');
  } catch (err) {
    const message = (err as Error).message || String(err);
    k.log.warn({ method, err: message }, 'kuryr: docker call failed');
    answer(500, { Err: message });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) { fail(new Error('the request body is too large')); req.destroy(); } else chunks.push(c);
    });
    req.on('end', () => done(Buffer.concat(chunks).toString()));
    req.on('error', fail);
  });
}

function withTimeout<T>(method: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => { timer = setTimeout(() => fail(new Error(`${method} took longer than ${CALL_TIMEOUT_MS / 1000} s`)), CALL_TIMEOUT_MS); });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** True when something accepts connections on `socket`. */
function answers(socket: string): Promise<boolean> {
  return new Promise((done) => {
    const c = connect(socket);
    c.once('connect', () => { c.destroy(); done(true); });
    c.once('error', () => done(false));
  });
}
