// Quotas per project (quotas, quota_details): limits from the table or the configured defaults,
// usage counted in the creating transaction, 409 OverQuota past the limit.
import type { FastifyInstance } from 'fastify';
import { BadRequest } from '../core/errors.js';
import type { Tx } from '../store/index.js';
import type { Db } from './collection.js';
import { callerOf, type Networking } from './context.js';
import { OverQuota, PolicyNotAuthorized } from './errors.js';
import { networkingPolicy } from './policy.js';

const TABLES: Record<string, 'networks' | 'subnets' | 'ports' | 'routers' | 'floatingips' | 'security_groups' | 'security_group_rules' | 'subnetpools' | 'rbac_policies'> = {
  network: 'networks', subnet: 'subnets', port: 'ports', router: 'routers', floatingip: 'floatingips',
  security_group: 'security_groups', security_group_rule: 'security_group_rules', subnetpool: 'subnetpools', rbac_policy: 'rbac_policies',
};

async function limits(db: Db, ctx: Networking, projectId: string): Promise<Record<string, number>> {
  const out = { ...ctx.config.quotas };
  const rows = await db.selectFrom('quotas').selectAll().where('project_id', '=', projectId).execute();
  for (const r of rows) out[r.resource] = r.hard_limit;
  return out;
}

async function usage(db: Db, resource: string, projectId: string): Promise<number> {
  const row = await db.selectFrom(TABLES[resource]!).select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Throws OverQuota when `projectId` already has `resource`'s limit. */
export async function checkQuota(tx: Tx, ctx: Networking, resource: string, projectId: string): Promise<void> {
  const limit = (await limits(tx.db, ctx, projectId))[resource] ?? -1;
  if (limit < 0) return;
  if ((await usage(tx.db, resource, projectId)) >= limit) throw new OverQuota(resource);
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
    return { quota: { ...ctx.config.quotas, project_id: req.params.project, tenant_id: req.params.project } };
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
      if (!(k in ctx.config.quotas)) throw new BadRequest(`Unrecognized attribute(s) '${k}'`, 'HTTPBadRequest');
      const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw new BadRequest(`Invalid input for operation: '${String(v)}' is not an integer.`, 'InvalidInput');
      if (n < -1) throw new BadRequest(`Invalid input for ${k}. Reason: '${n}' is smaller than minimum (-1).`, 'HTTPBadRequest');
    }
    await ctx.store.tx(async (tx) => {
      for (const [k, v] of Object.entries(body)) {
        if (!(k in ctx.config.quotas)) continue;
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
