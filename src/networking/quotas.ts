// Quotas per project (quotas, quota_details): limits from the table or the configured defaults,
// usage read from per-project counters (kept by triggers) in the creating transaction, 409
// OverQuota past the limit.
import type { FastifyInstance } from 'fastify';
import { BadRequest } from '../core/errors.js';
import { prepared, type Tx } from '../store/index.js';
import type { Db } from './collection.js';
import { callerOf, type Networking } from './context.js';
import { OverQuota, PolicyNotAuthorized } from './errors.js';
import { networkingPolicy } from './policy.js';

async function limits(db: Db, ctx: Networking, projectId: string): Promise<Record<string, number>> {
  const out = { ...ctx.config.quotas };
  const rows = await db.selectFrom('quotas').selectAll().where('project_id', '=', projectId).execute();
  for (const r of rows) out[r.resource] = r.hard_limit;
  return out;
}

/** Rows of `resource` the project has: the counter the triggers of migration 0006 keep. */
async function usage(db: Db, resource: string, projectId: string): Promise<number> {
  const row = await db.selectFrom('quota_usages').select('in_use').where('project_id', '=', projectId).where('resource', '=', resource).executeTakeFirst();
  return Number(row?.in_use ?? 0);
}

// The limit and the usage in one statement: one round trip on a server store.
const limitAndUsage = prepared((db, p: { project: string; resource: string }) => db.selectNoFrom((eb) => [
  eb.selectFrom('quotas').select('hard_limit').where('project_id', '=', p.project).where('resource', '=', p.resource).as('hard_limit'),
  eb.selectFrom('quota_usages').select('in_use').where('project_id', '=', p.project).where('resource', '=', p.resource).as('in_use'),
]));

/** Throws OverQuota when `projectId` already has `resource`'s limit. */
export async function checkQuota(tx: Tx, ctx: Networking, resource: string, projectId: string): Promise<void> {
  const row = (await limitAndUsage.first(tx.db, { project: projectId, resource }))!;
  const limit = row.hard_limit ?? ctx.config.quotas[resource] ?? -1;
  if (limit < 0) return;
  if (Number(row.in_use ?? 0) >= limit) throw new OverQuota(resource);
}

export function quotaRoutes(scope: FastifyInstance, ctx: Networking): void {
  type P = { Params: { project: string } };
  const check = (req: Parameters<typeof callerOf>[0], action: string, project: string) => {
    const caller = callerOf(req);
    if (!networkingPolicy.check(action, { roles: caller.auth.roles, project_id: caller.projectId }, { project_id: project })) throw new PolicyNotAuthorized(action);
  };
  scope.get('/v2.0/quotas', async (req) => {
    check(req, 'update_quota', '');
    const rows = await ctx.store.db.selectFrom('quotas').selectAll().execute();
    const projects = [...new Set(rows.map((r) => r.project_id))];
    return { quotas: await Promise.all(projects.map(async (p) => ({ ...(await limits(ctx.store.db, ctx, p)), project_id: p, tenant_id: p }))) };
  });
  scope.get('/v2.0/quotas/tenant', async (req) => ({ tenant: { tenant_id: callerOf(req).projectId } }));
  scope.get<P>('/v2.0/quotas/:project', async (req) => {
    check(req, 'get_quota', req.params.project);
    return { quota: await limits(ctx.store.db, ctx, req.params.project) };
  });
  scope.get<P>('/v2.0/quotas/:project/default', async (req) => {
    check(req, 'get_quota', req.params.project);
    // OpenStack: the defaults are limits only, no project_id / tenant_id.
    return { quota: { ...ctx.config.quotas } };
  });
  scope.get<P>('/v2.0/quotas/:project/details', async (req) => {
    check(req, 'get_quota', req.params.project);
    const l = await limits(ctx.store.db, ctx, req.params.project);
    const out: Record<string, unknown> = {};
    for (const [r, limit] of Object.entries(l)) out[r] = { limit, used: await usage(ctx.store.db, r, req.params.project), reserved: 0 };
    return { quota: out };
  });
  scope.put<P>('/v2.0/quotas/:project', async (req) => {
    check(req, 'update_quota', req.params.project);
    const body = (req.body as { quota?: Record<string, unknown> } | undefined)?.quota;
    if (!body || typeof body !== 'object') throw new BadRequest("Resource body required: 'quota'", 'HTTPBadRequest');
    for (const [k, v] of Object.entries(body)) {
      if (k === 'force' || k === 'check_limit') continue;
      if (!Object.hasOwn(ctx.config.quotas, k)) throw new BadRequest(`Unrecognized attribute(s) '${k}'`, 'HTTPBadRequest');
      const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw new BadRequest(`Invalid input for operation: '${String(v)}' is not an integer.`, 'InvalidInput');
      if (n < -1) throw new BadRequest(`Invalid input for ${k}. Reason: '${n}' is smaller than minimum (-1).`, 'HTTPBadRequest');
      // OpenStack: a quota is a 32-bit column (DB_INTEGER_MAX_VALUE).
      if (n > 2 ** 31 - 1) throw new BadRequest(`Invalid input for ${k}. Reason: '${n}' is too large - must be no larger than '${2 ** 31 - 1}'.`, 'HTTPBadRequest');
    }
    await ctx.store.tx(async (tx) => {
      for (const [k, v] of Object.entries(body)) {
        if (!Object.hasOwn(ctx.config.quotas, k)) continue;
        await tx.db.deleteFrom('quotas').where('project_id', '=', req.params.project).where('resource', '=', k).execute();
        await tx.db.insertInto('quotas').values({ project_id: req.params.project, resource: k, hard_limit: Number(v) }).execute();
      }
      await tx.emit({ resource: 'quota', id: req.params.project, action: 'update', projectId: req.params.project });
    });
    return { quota: await limits(ctx.store.db, ctx, req.params.project) };
  });
  scope.delete<P>('/v2.0/quotas/:project', async (req, reply) => {
    check(req, 'delete_quota', req.params.project);
    await ctx.store.tx(async (tx) => {
      await tx.db.deleteFrom('quotas').where('project_id', '=', req.params.project).execute();
      await tx.emit({ resource: 'quota', id: req.params.project, action: 'delete', projectId: req.params.project });
    });
    return reply.code(204).send();
  });
}
