// Compute quotas (`os-quota-sets`): per-project limits over Nova's defaults, usage counted from
// the servers and keypairs rows; the fields shown follow the microversion (network proxies gone
// at 2.36, injected files at 2.57).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequest } from '../core/errors.js';
import type { Store, Tx } from '../store/index.js';
import { novaCaller, authorize, type ComputeContext } from './context.js';
import { ValidationError } from './errors.js';
import { atLeast } from './microversion.js';
import { serverGroupCount } from './server-groups.js';

/** Nova's defaults; -1 is unlimited. */
export const QUOTA_DEFAULTS: Record<string, number> = {
  instances: 10, cores: 20, ram: 51200, key_pairs: 100, metadata_items: 128, server_groups: 10, server_group_members: 10,
  injected_files: 5, injected_file_content_bytes: 10240, injected_file_path_bytes: 255,
  fixed_ips: -1, floating_ips: 10, security_groups: 10, security_group_rules: 20,
};
const PROXIED = ['fixed_ips', 'floating_ips', 'security_groups', 'security_group_rules'];
const INJECTED = ['injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes'];

/** The `default` quota class's rows (os-quota-class-sets) sit beside the projects' under this id, which no Keystone project has. */
const DEFAULT_CLASS = 'class:default';

/** A project's limit: its own, else the default class's, else Nova's built-in default. */
export async function quotaLimit(tx: Store | Tx, projectId: string, resource: string): Promise<number> {
  const rows = await tx.db.selectFrom('compute_quotas').select(['project_id', 'hard_limit']).where('project_id', 'in', [projectId, DEFAULT_CLASS]).where('resource', '=', resource).execute();
  return (rows.find((r) => r.project_id === projectId) ?? rows.find((r) => r.project_id === DEFAULT_CLASS))?.hard_limit ?? QUOTA_DEFAULTS[resource] ?? -1;
}

async function classDefaults(store: Store | Tx): Promise<Record<string, number>> {
  const rows = await store.db.selectFrom('compute_quotas').selectAll().where('project_id', '=', DEFAULT_CLASS).execute();
  return { ...QUOTA_DEFAULTS, ...Object.fromEntries(rows.map((r) => [r.resource, r.hard_limit])) };
}

/** instances, cores and ram in use by a project (servers not yet deleted). */
export async function computeUsage(tx: Store | Tx, projectId: string): Promise<{ instances: number; cores: number; ram: number }> {
  const rows = await tx.db.selectFrom('servers').select('flavor').where('project_id', '=', projectId).execute();
  let cores = 0; let ram = 0;
  for (const r of rows) { const f = JSON.parse(r.flavor) as { vcpus: number; ram: number }; cores += f.vcpus; ram += f.ram; }
  return { instances: rows.length, cores, ram };
}

function shownKeys(req: FastifyRequest): string[] {
  return Object.keys(QUOTA_DEFAULTS).filter((k) => !(atLeast(req, 2, 36) && PROXIED.includes(k)) && !(atLeast(req, 2, 57) && INJECTED.includes(k)));
}

async function limits(store: Store, projectId: string): Promise<Record<string, number>> {
  const rows = await store.db.selectFrom('compute_quotas').selectAll().where('project_id', '=', projectId).execute();
  return { ...(await classDefaults(store)), ...Object.fromEntries(rows.map((r) => [r.resource, r.hard_limit])) };
}

/** The keys of a quota class set: nova-network's go and server groups come at 2.50, injected files go at 2.57. */
function classKeys(req: FastifyRequest): string[] {
  const old = ['instances', 'cores', 'ram', 'floating_ips', 'fixed_ips', 'metadata_items', 'injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes', 'key_pairs', 'security_groups', 'security_group_rules'];
  const v250 = ['instances', 'cores', 'ram', 'metadata_items', 'injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes', 'key_pairs', 'server_groups', 'server_group_members'];
  if (!atLeast(req, 2, 50)) return old;
  return atLeast(req, 2, 57) ? v250.filter((k) => !INJECTED.includes(k)) : v250;
}

export function quotaRoutes(scope: FastifyInstance, ctx: ComputeContext): void {
  const store = ctx.store;
  const mayRead = (req: FastifyRequest, project: string) => {
    authorize(novaCaller(req), 'os_compute_api:os-quota-sets:show', { project_id: project });
  };
  const quotaSet = async (req: FastifyRequest, project: string, detail: boolean) => {
    const l = await limits(store, project);
    const used: Record<string, number> = { ...(await computeUsage(store, project)) };
    // OpenStack: key pairs belong to users, so a project's detail counts none.
    used.key_pairs = 0;
    used.server_groups = await serverGroupCount(store, project);
    const out: Record<string, unknown> = { id: project };
    for (const k of shownKeys(req)) out[k] = detail ? { limit: l[k], in_use: used[k] ?? 0, reserved: 0 } : l[k];
    return out;
  };
  type P = { Params: { project: string } };
  scope.get<P>('/v2.1/os-quota-sets/:project', async (req) => { mayRead(req, req.params.project); return { quota_set: await quotaSet(req, req.params.project, false) }; });
  scope.get<P>('/v2.1/os-quota-sets/:project/detail', async (req) => { mayRead(req, req.params.project); return { quota_set: await quotaSet(req, req.params.project, true) }; });
  scope.get<P>('/v2.1/os-quota-sets/:project/defaults', async (req) => {
    const out: Record<string, unknown> = { id: req.params.project };
    const d = await classDefaults(store);
    for (const k of shownKeys(req)) out[k] = d[k];
    return { quota_set: out };
  });

  // Quota classes: only `default` means anything to Nova (its limits are every project's defaults).
  type C = { Params: { id: string } };
  const classView = async (req: FastifyRequest, id: string) => {
    const d = id === 'default' ? await classDefaults(store) : QUOTA_DEFAULTS;
    return Object.fromEntries(classKeys(req).map((k) => [k, d[k]]));
  };
  scope.get<C>('/v2.1/os-quota-class-sets/:id', async (req) => {
    authorize(novaCaller(req), 'os_compute_api:os-quota-class-sets:show');
    return { quota_class_set: { id: req.params.id, ...(await classView(req, req.params.id)) } };
  });
  scope.put<C>('/v2.1/os-quota-class-sets/:id', async (req) => {
    authorize(novaCaller(req), 'os_compute_api:os-quota-class-sets:update');
    const body = (req.body as { quota_class_set?: Record<string, unknown> } | null)?.quota_class_set;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('quota_class_set', req.body, "'quota_class_set' is a required property");
    const keys = classKeys(req);
    const changes: [string, number][] = [];
    for (const [k, v] of Object.entries(body)) {
      if (!keys.includes(k)) throw new ValidationError('quota_class_set', body, `Additional properties are not allowed ('${k}' was unexpected)`);
      const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < -1) throw new ValidationError(`quota_class_set.${k}`, v, `${JSON.stringify(v)} is less than the minimum of -1`);
      changes.push([k, n]);
    }
    // OpenStack: a class other than `default` is accepted and stored by Nova but never applied; Pier keeps only `default`.
    if (req.params.id === 'default') {
      await store.tx(async (tx) => {
        for (const [resource, hard] of changes) {
          await tx.db.deleteFrom('compute_quotas').where('project_id', '=', DEFAULT_CLASS).where('resource', '=', resource).execute();
          await tx.db.insertInto('compute_quotas').values({ project_id: DEFAULT_CLASS, resource, hard_limit: hard }).execute();
        }
        await tx.emit({ resource: 'compute_quota_class', id: 'default', action: 'update' });
      });
    }
    return { quota_class_set: { ...(await classView(req, req.params.id)), ...(req.params.id === 'default' ? {} : Object.fromEntries(changes)) } };
  });
  scope.put<P>('/v2.1/os-quota-sets/:project', async (req) => {
    authorize(novaCaller(req), 'os_compute_api:os-quota-sets:update');
    const body = (req.body as { quota_set?: Record<string, unknown> } | null)?.quota_set;
    if (!body || typeof body !== 'object') throw new ValidationError('quota_set', req.body, "'quota_set' is a required property");
    const keys = shownKeys(req);
    const changes: [string, number][] = [];
    for (const [k, v] of Object.entries(body)) {
      if (k === 'force') continue;
      if (!keys.includes(k)) throw new ValidationError('quota_set', body, `Additional properties are not allowed ('${k}' was unexpected)`);
      const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < -1) throw new ValidationError(`quota_set.${k}`, v, `${JSON.stringify(v)} is less than the minimum of -1`);
      changes.push([k, n]);
    }
    if (!changes.length && !('force' in body)) throw new BadRequest('Must specify at least one quota to update.');
    await store.tx(async (tx) => {
      for (const [resource, hard] of changes) {
        await tx.db.deleteFrom('compute_quotas').where('project_id', '=', req.params.project).where('resource', '=', resource).execute();
        await tx.db.insertInto('compute_quotas').values({ project_id: req.params.project, resource, hard_limit: hard }).execute();
      }
      await tx.emit({ resource: 'compute_quota', id: req.params.project, action: 'update', projectId: req.params.project });
    });
    const set = await quotaSet(req, req.params.project, false);
    delete set.id;
    return { quota_set: set };
  });
  scope.delete<P>('/v2.1/os-quota-sets/:project', async (req, reply) => {
    authorize(novaCaller(req), 'os_compute_api:os-quota-sets:delete');
    await store.tx(async (tx) => {
      await tx.db.deleteFrom('compute_quotas').where('project_id', '=', req.params.project).execute();
      await tx.emit({ resource: 'compute_quota', id: req.params.project, action: 'delete', projectId: req.params.project });
    });
    return reply.code(202).send();
  });
}
