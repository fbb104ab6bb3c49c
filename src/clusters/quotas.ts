// Magnum's quotas: one resource, `Cluster`, a hard limit per project (default 20, Magnum's
// max_clusters_per_project). Rows only for projects an admin set.
import type { Kysely } from 'kysely';
import { newUuid } from '../core/ids.js';
import type { Database } from '../store/schema.js';
import type { Caller } from '../networking/index.js';
import { authorize, stamp, type Magnum } from './context.js';
import { BadRequest, Conflict, QuotaNotFound } from './errors.js';

export const DEFAULT_CLUSTER_QUOTA = 20;
const RESOURCES = ['Cluster'];

export async function clusterQuota(db: Kysely<Database>, project: string): Promise<number> {
  const row = await db.selectFrom('magnum_quotas').select('hard_limit').where('project_id', '=', project).where('resource', '=', 'Cluster').executeTakeFirst();
  return row ? row.hard_limit : DEFAULT_CLUSTER_QUOTA;
}

type QuotaRow = Database['magnum_quotas'];
export const quotaView = (q: QuotaRow) => ({ ...q, id: q.id });

function checkBody(body: unknown, create: boolean): { project_id?: string; resource?: string; hard_limit: number } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('Body is not a JSON object');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!['project_id', 'resource', 'hard_limit'].includes(k)) throw new BadRequest(`Unknown attribute for argument quota: ${k}`);
  if (create) for (const k of ['project_id', 'resource']) if (typeof b[k] !== 'string' || !b[k]) throw new BadRequest(`Invalid input for field/attribute ${k}. Value: '${String(b[k] ?? 'None')}'. Mandatory field missing.`);
  if (create && !RESOURCES.includes(String(b['resource']))) throw new BadRequest(`Invalid input for field/attribute resource. Value: '${String(b['resource'])}'. Value should be one of: ${RESOURCES.join(', ')}`);
  const h = b['hard_limit'] ?? 1;
  if (typeof h !== 'number' || !Number.isInteger(h) || h < 0) throw new BadRequest(`Invalid input for field/attribute hard_limit. Value: '${String(h)}'. Value should be greater or equal to 0`);
  return { project_id: b['project_id'] as string | undefined, resource: b['resource'] as string | undefined, hard_limit: h };
}

export async function createQuota(m: Magnum, caller: Caller, body: unknown): Promise<QuotaRow> {
  authorize(caller, 'quota:create');
  const b = checkBody(body, true);
  const row: QuotaRow = { id: newUuid(), project_id: b.project_id!, resource: b.resource!, hard_limit: b.hard_limit, created_at: stamp(), updated_at: null };
  await m.store.tx(async (tx) => {
    const have = await tx.db.selectFrom('magnum_quotas').select('id').where('project_id', '=', row.project_id).where('resource', '=', row.resource).executeTakeFirst();
    if (have) throw new Conflict(`Quota for project ${row.project_id} already exists for resource ${row.resource}.`);
    await tx.db.insertInto('magnum_quotas').values(row).execute();
  });
  return row;
}

export async function showQuota(m: Magnum, caller: Caller, project: string, resource: string): Promise<QuotaRow> {
  authorize(caller, 'quota:get', { project_id: project });
  const row = await m.store.db.selectFrom('magnum_quotas').selectAll().where('project_id', '=', project).where('resource', '=', resource).executeTakeFirst();
  if (row) return row;
  if (!RESOURCES.includes(resource)) throw new QuotaNotFound(`Failed to find quota for project ${project} and resource ${resource}.`);
  // OpenStack: a project without its own quota is shown the default.
  return { id: '', project_id: project, resource, hard_limit: DEFAULT_CLUSTER_QUOTA, created_at: '', updated_at: null };
}

export async function listQuotas(m: Magnum, caller: Caller, all: boolean): Promise<QuotaRow[]> {
  let q = m.store.db.selectFrom('magnum_quotas').selectAll().orderBy('created_at').orderBy('id');
  if (all) authorize(caller, 'quota:get_all');
  else q = q.where('project_id', '=', caller.projectId);
  return q.execute();
}

export async function updateQuota(m: Magnum, caller: Caller, project: string, resource: string, body: unknown): Promise<QuotaRow> {
  authorize(caller, 'quota:update');
  const b = checkBody(body, false);
  const row = await m.store.db.selectFrom('magnum_quotas').selectAll().where('project_id', '=', project).where('resource', '=', resource).executeTakeFirst();
  if (!row) throw new QuotaNotFound(`Failed to find quota for project ${project} and resource ${resource}.`);
  const next = { ...row, hard_limit: b.hard_limit, updated_at: stamp() };
  await m.store.db.updateTable('magnum_quotas').set({ hard_limit: next.hard_limit, updated_at: next.updated_at }).where('id', '=', row.id).execute();
  return next;
}

export async function deleteQuota(m: Magnum, caller: Caller, project: string, resource: string): Promise<void> {
  authorize(caller, 'quota:delete');
  const r = await m.store.db.deleteFrom('magnum_quotas').where('project_id', '=', project).where('resource', '=', resource).executeTakeFirst();
  if (!Number(r.numDeletedRows)) throw new QuotaNotFound(`Failed to find quota for project ${project} and resource ${resource}.`);
}
