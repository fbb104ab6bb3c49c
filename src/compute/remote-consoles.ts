// Nova's remote consoles, serial protocol only: `POST /servers/{id}/remote-consoles` (2.6+) and
// the legacy `os-getSerialConsole` action answer a ws:// URL carrying a one-time token that
// serial-console.ts redeems. Issuing touches no runtime; the shell opens when the URL is used.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequest, Conflict } from '../core/errors.js';
import { novaCaller, type ComputeContext } from './context.js';
import { NovaNotFound, ValidationError } from './errors.js';
import { atLeast } from './microversion.js';
import { loadServer } from './servers.js';

// OpenStack: the protocol and type enums of Nova's remote-consoles schema (2.8 adds mks/webmks).
const PROTOCOLS = ['vnc', 'spice', 'rdp', 'serial', 'mks'];
const TYPES = ['novnc', 'xvpvnc', 'rdp-html5', 'spice-html5', 'serial', 'webmks'];

/** The URL a console token is redeemed at: the edge's port, under compute's prefix. */
export const SERIAL_CONSOLE_PATH = '/compute/serial-console';

class ConsoleTypeUnavailable extends BadRequest {
  constructor(type: string) { super(`Unavailable console type ${type}.`, 'ConsoleTypeUnavailable'); }
}

/** A console URL for server `id`, after Nova's checks (owner, running, a runtime with processes). */
async function serialConsoleUrl(ctx: ComputeContext, req: FastifyRequest, id: string, type: string): Promise<string> {
  const s = await loadServer(ctx, novaCaller(req), id);
  if (type !== 'serial' || !ctx.serialConsoles) throw new ConsoleTypeUnavailable(type);
  // OpenStack: InstanceNotReady is a 409.
  if (s.vm_state !== 'active') throw new Conflict(`Instance ${s.id} is not ready`, 'InstanceNotReady');
  const token = ctx.serialConsoles.issue(s.id);
  return `${req.ctx.baseUrl.replace(/^http/, 'ws')}${SERIAL_CONSOLE_PATH}/?token=${token}`;
}

export function remoteConsoleRoutes(scope: FastifyInstance, ctx: ComputeContext): void {
  scope.post<{ Params: { id: string } }>('/v2.1/servers/:id/remote-consoles', async (req) => {
    // OpenStack: the route exists from 2.6 on; below it Nova answers 404.
    if (!atLeast(req, 2, 6)) throw new NovaNotFound('The resource could not be found.');
    const body = req.body as { remote_console?: unknown } | null;
    const rc = body?.remote_console as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || !rc || typeof rc !== 'object' || Array.isArray(rc)) throw new ValidationError('remote_console', body, "'remote_console' is a required property");
    for (const k of ['protocol', 'type']) if (!(k in rc)) throw new ValidationError('remote_console', rc, `'${k}' is a required property`);
    const extra = Object.keys(rc).find((k) => k !== 'protocol' && k !== 'type');
    if (extra) throw new ValidationError('remote_console', rc, `Additional properties are not allowed ('${extra}' was unexpected)`);
    if (typeof rc.protocol !== 'string' || !PROTOCOLS.includes(rc.protocol)) throw new ValidationError('remote_console/protocol', rc.protocol, `'${String(rc.protocol)}' is not one of ${JSON.stringify(PROTOCOLS)}`);
    if (typeof rc.type !== 'string' || !TYPES.includes(rc.type)) throw new ValidationError('remote_console/type', rc.type, `'${String(rc.type)}' is not one of ${JSON.stringify(TYPES)}`);
    if (rc.protocol !== 'serial') throw new ConsoleTypeUnavailable(rc.type);
    const url = await serialConsoleUrl(ctx, req, req.params.id, rc.type);
    return { remote_console: { protocol: 'serial', type: rc.type, url } };
  });
}

/** The legacy `os-getSerialConsole` action (server-actions.ts dispatches it here). */
export async function getSerialConsole(ctx: ComputeContext, req: FastifyRequest<{ Params: { id: string } }>, args: unknown): Promise<unknown> {
  const type = (args as { type?: unknown } | null)?.type;
  if (typeof type !== 'string') throw new ValidationError('os-getSerialConsole', args, "'type' is a required property");
  if (type !== 'serial') throw new ValidationError('os-getSerialConsole/type', type, `'${type}' is not one of ['serial']`);
  return { console: { type, url: await serialConsoleUrl(ctx, req, req.params.id, type) } };
}
