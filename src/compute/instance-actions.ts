// Instance actions (`/servers/{id}/os-instance-actions`): each request that changes a server is
// recorded with its request id when accepted, and finished by the controller with its result
// (Success / Error and the reason); a container that exits on its own is recorded too, with its
// exit code. Rows go with the server.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isoSeconds, newUuid } from '../core/ids.js';
import { NotFound } from '../core/errors.js';
import type { Store, Tx } from '../store/index.js';
import { novaCaller, type ComputeContext } from './context.js';
import { atLeast } from './microversion.js';
import { loadServer } from './servers.js';
import type { ComputeTables } from './tables.js';

type ActionRow = ComputeTables['instance_actions'];

/** Records an accepted request on a server (inside the request's transaction). */
export async function recordAction(tx: Tx | Store, serverId: string, action: string, who: { projectId: string; userId: string; requestId?: string }, message: string | null = null): Promise<string> {
  const requestId = who.requestId ?? `req-${newUuid()}`;
  await tx.db.insertInto('instance_actions').values({
    request_id: requestId, server_id: serverId, action, project_id: who.projectId, user_id: who.userId, message,
    start_time: isoSeconds(), finish_time: null, result: null,
  }).execute();
  return requestId;
}

/** Finishes the server's open actions (the controller, once the work is done or failed). */
export async function finishActions(store: Store, serverId: string, result: 'Success' | 'Error', message?: string): Promise<void> {
  await store.db.updateTable('instance_actions').set({ finish_time: isoSeconds(), result, ...(message ? { message } : {}) })
    .where('server_id', '=', serverId).where('finish_time', 'is', null).execute();
}

const micro = (iso: string | null) => (iso ? `${iso.slice(0, 19)}.000000` : null);

function view(req: FastifyRequest, a: ActionRow, withEvents: boolean): Record<string, unknown> {
  const v: Record<string, unknown> = {
    action: a.action, instance_uuid: a.server_id, message: a.message, project_id: a.project_id, request_id: a.request_id,
    start_time: micro(a.start_time), user_id: a.user_id,
  };
  if (atLeast(req, 2, 58)) v.updated_at = micro(a.finish_time ?? a.start_time);
  if (withEvents) {
    v.events = a.result ? [{ event: `compute_${a.action.replace(/-/g, '_')}`, start_time: micro(a.start_time), finish_time: micro(a.finish_time), result: a.result, ...(novaCaller(req).isAdmin ? { traceback: null } : {}) }] : [];
  }
  return v;
}

export function instanceActionRoutes(scope: FastifyInstance, ctx: ComputeContext): void {
  scope.get<{ Params: { id: string } }>('/v2.1/servers/:id/os-instance-actions', async (req) => {
    const s = await loadServer(ctx, novaCaller(req), req.params.id);
    const rows = await ctx.store.db.selectFrom('instance_actions').selectAll().where('server_id', '=', s.id).orderBy('start_time', 'desc').execute();
    return { instanceActions: rows.map((a) => view(req, a, false)) };
  });
  scope.get<{ Params: { id: string; request: string } }>('/v2.1/servers/:id/os-instance-actions/:request', async (req) => {
    const s = await loadServer(ctx, novaCaller(req), req.params.id);
    const a = await ctx.store.db.selectFrom('instance_actions').selectAll().where('server_id', '=', s.id).where('request_id', '=', req.params.request).executeTakeFirst();
    if (!a) throw new NotFound(`Action for request_id ${req.params.request} on instance ${s.id} not found`);
    return { instanceAction: view(req, a, true) };
  });
}
