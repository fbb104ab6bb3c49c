// The dashboard's live updates: a server-sent event stream fed by Pier's change feed. A user
// hears only what names its own project (an admin hears all); a change to a resource of no
// project says only its kind. The page then re-reads through the public APIs with its token,
// so what it shows is still exactly what policy lets it see. The stream re-checks the token
// every 20 s and ends, saying why, once it is revoked or expired.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthContext } from '../core/http/context.js';
import type { Authenticate } from '../core/http/server.js';
import type { ChangeEvent, Store } from '../store/index.js';

const HEARTBEAT_MS = 20_000;

/** What of `e` the holder of `auth` may hear, or undefined. */
export function visibleChange(e: ChangeEvent, auth: AuthContext): { resource: string; action: string; id?: string } | undefined {
  if (e.projectId && (e.projectId === auth.projectId || auth.isAdmin)) return { resource: e.resource, action: e.action, id: e.id };
  if (!e.projectId) return { resource: e.resource, action: e.action };
  return undefined;
}

export function streamChanges(store: Store, authenticate: Authenticate, req: FastifyRequest, reply: FastifyReply): void {
  const auth = req.ctx.auth!;
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive',
    'x-openstack-request-id': req.id, 'x-accel-buffering': 'no',
  });
  res.write('retry: 2000\n\n');
  // Changes come in bursts (a stack makes dozens): gathered for 100 ms, one message per burst.
  let batch: object[] = [];
  let flush: NodeJS.Timeout | undefined;
  const unsubscribe = store.subscribe((e) => {
    const seen = visibleChange(e, auth);
    if (!seen) return;
    batch.push(seen);
    flush ??= setTimeout(() => { flush = undefined; res.write(`event: changes\ndata: ${JSON.stringify(batch)}\n\n`); batch = []; }, 100);
  });
  const end = (why?: string) => {
    clearInterval(beat); clearTimeout(expiry); clearTimeout(flush); unsubscribe();
    if (why && !res.writableEnded) res.write(`event: end\ndata: ${JSON.stringify({ reason: why })}\n\n`);
    res.end();
  };
  const beat = setInterval(() => {
    authenticate(auth.token).then(() => res.write(': beat\n\n'), () => end('The token is no longer valid: log in again.'));
  }, HEARTBEAT_MS);
  const expiry = setTimeout(() => end('The token has expired: log in again.'), Math.min(Date.parse(auth.expiresAt) - Date.now(), 2 ** 31 - 1));
  res.on('close', () => end());
  res.write(`event: ready\ndata: {}\n\n`);
}
