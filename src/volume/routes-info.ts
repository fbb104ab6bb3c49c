// The rest of /v3: quota sets (usage=true, defaults, update, delete), limits, availability
// zones, os-services (this host's cinder-scheduler and cinder-volume), user messages (3.3+),
// the attachments API (3.27+) and the extension list.
import { authorize, cinderCaller, stamp, ZONE, type Cinder } from './context.js';
import { attachmentView } from './views.js';
import { completeAttachment, createAttachment, deleteAttachment, findAttachment, updateAttachment } from './attachments.js';
import { BadRequest, messageNotFound, ValidationError } from './errors.js';
import { since } from './microversion.js';
import { QUOTA_DEFAULTS, quotaLimits, quotaUsage } from './quotas.js';
import type { Route } from './routes.js';


export function infoRoutes(route: Route, c: Cinder): void {
  // --- quotas ---
  const quotaSet = async (project: string, usage: boolean) => {
    const limits = await quotaLimits(c.store.db, project);
    const used = usage ? await quotaUsage(c.store.db, project) : {};
    const out: Record<string, unknown> = { id: project };
    for (const [k, l] of Object.entries(limits)) out[k] = usage ? { limit: l, in_use: used[k] ?? 0, reserved: 0, allocated: 0 } : l;
    return out;
  };
  route('GET', '/os-quota-sets/:project', async (req) => {
    const caller = cinderCaller(req);
    authorize(caller, 'volume_extension:quotas:show', { project_id: req.params['project']! });
    const q = req.query as Record<string, string | undefined>;
    return { quota_set: await quotaSet(req.params['project']!, /^(true|1)$/i.test(q['usage'] ?? '')) };
  });
  route('GET', '/os-quota-sets/:project/defaults', async (req) => {
    authorize(cinderCaller(req), 'volume_extension:quotas:show', { project_id: req.params['project']! });
    const out: Record<string, unknown> = { id: req.params['project'] };
    for (const [k, l] of Object.entries(await quotaLimits(c.store.db, ''))) out[k] = QUOTA_DEFAULTS[k] ?? l;
    return { quota_set: out };
  });
  route('PUT', '/os-quota-sets/:project', async (req) => {
    const caller = cinderCaller(req);
    authorize(caller, 'volume_extension:quotas:update', { project_id: req.params['project']! });
    const body = (req.body as { quota_set?: Record<string, unknown> } | null)?.quota_set;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest("Missing required element 'quota_set' in request body.");
    const project = req.params['project']!;
    const known = await quotaLimits(c.store.db, project);
    const changes: [string, number][] = [];
    for (const [k, v] of Object.entries(body)) {
      if (k === 'tenant_id' || k === 'id') continue;
      if (!(k in known)) throw new BadRequest(`Bad key(s) in quota set: ${k}`);
      const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw new ValidationError(`quota_set.${k}`, v, `${JSON.stringify(v)} is not of type 'integer'`);
      if (n < -1) throw new BadRequest(`Invalid input received: Quota limit ${n} for ${k} must be greater than or equal to -1.`, 'InvalidInput');
      if (n > 2 ** 31 - 1) throw new BadRequest(`Invalid input received: Quota limit ${n} for ${k} must be less than or equal to ${2 ** 31 - 1}.`, 'InvalidInput');
      changes.push([k, n]);
    }
    await c.store.tx(async (tx) => {
      for (const [resource, hard] of changes) {
        await tx.db.deleteFrom('volume_quotas').where('project_id', '=', project).where('resource', '=', resource).execute();
        await tx.db.insertInto('volume_quotas').values({ project_id: project, resource, hard_limit: hard }).execute();
      }
      await tx.emit({ resource: 'volume_quota', id: project, action: 'update', projectId: project });
    });
    const set = await quotaSet(project, false);
    delete set['id'];
    return { quota_set: set };
  });
  route('DELETE', '/os-quota-sets/:project', async (req, reply) => {
    authorize(cinderCaller(req), 'volume_extension:quotas:delete', { project_id: req.params['project']! });
    await c.store.tx(async (tx) => {
      await tx.db.deleteFrom('volume_quotas').where('project_id', '=', req.params['project']!).execute();
      await tx.emit({ resource: 'volume_quota', id: req.params['project']!, action: 'delete', projectId: req.params['project']! });
    });
    return reply.code(200).send();
  });
  route('GET', '/limits', async (req) => {
    const caller = cinderCaller(req);
    authorize(caller, 'limits_extension:used_limits');
    const l = await quotaLimits(c.store.db, caller.projectId);
    const u = await quotaUsage(c.store.db, caller.projectId);
    return {
      limits: {
        rate: [],
        absolute: {
          maxTotalVolumes: l['volumes'], maxTotalSnapshots: l['snapshots'], maxTotalVolumeGigabytes: l['gigabytes'],
          maxTotalBackups: l['backups'], maxTotalBackupGigabytes: l['backup_gigabytes'],
          totalVolumesUsed: u['volumes'], totalSnapshotsUsed: u['snapshots'], totalGigabytesUsed: u['gigabytes'],
          totalBackupsUsed: 0, totalBackupGigabytesUsed: 0,
        },
      },
    };
  });
  // --- zones and services ---
  route('GET', '/os-availability-zone', async (req) => {
    authorize(cinderCaller(req), 'volume_extension:availability_zone_list');
    return { availabilityZoneInfo: [{ zoneName: ZONE, zoneState: { available: true } }] };
  });
  route('GET', '/os-services', async (req) => {
    authorize(cinderCaller(req), 'volume_extension:services:index');
    const q = req.query as Record<string, string | undefined>;
    const now = stamp();
    const services = [
      { binary: 'cinder-scheduler', host: c.host, zone: ZONE, status: 'enabled', state: 'up', updated_at: now, disabled_reason: null },
      { binary: 'cinder-volume', host: c.backendHost.split('#')[0]!, zone: ZONE, status: 'enabled', state: 'up', updated_at: now, disabled_reason: null, replication_status: 'disabled', active_backend_id: null, frozen: false },
    ].filter((s) => (!q['binary'] || s.binary === q['binary']) && (!q['host'] || s.host === q['host']));
    return { services };
  });
  // --- messages ---
  const messageView = (base: string, project: string, m: Record<string, unknown>) => ({
    id: m['id'], request_id: m['request_id'], message_level: m['message_level'], event_id: m['event_id'], resource_type: m['resource_type'],
    resource_uuid: m['resource_uuid'], user_message: m['user_message'], created_at: m['created_at'], guaranteed_until: m['expires_at'],
    links: [{ href: `${base}/volume/v3/${project}/messages/${String(m['id'])}`, rel: 'self' }, { href: `${base}/volume/${project}/messages/${String(m['id'])}`, rel: 'bookmark' }],
  });
  route('GET', '/messages', async (req) => {
    since(req, 3);
    const caller = cinderCaller(req);
    authorize(caller, 'message:get_all');
    const rows = await c.store.db.selectFrom('volume_messages').selectAll().where('project_id', '=', caller.projectId).orderBy('created_at', 'desc').execute();
    return { messages: rows.map((m) => messageView(req.ctx.baseUrl, caller.projectId, m)) };
  });
  route('GET', '/messages/:id', async (req) => {
    since(req, 3);
    const caller = cinderCaller(req);
    authorize(caller, 'message:get');
    const m = await c.store.db.selectFrom('volume_messages').selectAll().where('id', '=', req.params['id']!).executeTakeFirst();
    if (!m || (!caller.isAdmin && m.project_id !== caller.projectId)) throw messageNotFound(req.params['id']!);
    return { message: messageView(req.ctx.baseUrl, caller.projectId, m) };
  });
  route('DELETE', '/messages/:id', async (req, reply) => {
    since(req, 3);
    const caller = cinderCaller(req);
    authorize(caller, 'message:delete');
    const r = await c.store.db.deleteFrom('volume_messages').where('id', '=', req.params['id']!).where('project_id', '=', caller.projectId).executeTakeFirst();
    if (!Number(r.numDeletedRows)) throw messageNotFound(req.params['id']!);
    return reply.code(204).send();
  });
  // --- attachments (3.27+) ---
  route('POST', '/attachments', async (req) => { since(req, 27); return { attachment: attachmentView(await createAttachment(c, cinderCaller(req), req.body)) }; });
  const listAttachments = (detail: boolean): Parameters<Route>[2] => async (req) => {
    since(req, 27);
    const caller = cinderCaller(req);
    authorize(caller, 'volume:attachment_get_all');
    const q = req.query as Record<string, string | undefined>;
    let qb = c.store.db.selectFrom('volume_attachments').selectAll().orderBy('created_at').orderBy('id');
    if (!(caller.isAdmin && /^(true|1)$/i.test(q['all_tenants'] ?? ''))) qb = qb.where('project_id', '=', caller.projectId);
    if (q['volume_id']) qb = qb.where('volume_id', '=', q['volume_id']);
    if (q['instance_id']) qb = qb.where('instance_uuid', '=', q['instance_id']);
    return { attachments: (await qb.execute()).map((a) => attachmentView(a, detail)) };
  };
  route('GET', '/attachments', listAttachments(false));
  route('GET', '/attachments/detail', listAttachments(true));
  route('GET', '/attachments/:id', async (req) => {
    since(req, 27);
    const caller = cinderCaller(req);
    authorize(caller, 'volume:attachment_get');
    return { attachment: attachmentView(await findAttachment(c, caller, req.params['id']!)) };
  });
  route('PUT', '/attachments/:id', async (req) => { since(req, 27); return { attachment: attachmentView(await updateAttachment(c, cinderCaller(req), req.params['id']!, req.body)) }; });
  route('POST', '/attachments/:id/action', async (req, reply) => {
    since(req, 44);
    const body = req.body as Record<string, unknown> | null;
    if (!body || typeof body !== 'object' || !('os-complete' in body)) throw new BadRequest('Malformed request body');
    await completeAttachment(c, cinderCaller(req), req.params['id']!);
    return reply.code(204).send();
  });
  route('DELETE', '/attachments/:id', async (req) => {
    since(req, 27);
    return { attachments: (await deleteAttachment(c, cinderCaller(req), req.params['id']!)).map((a) => attachmentView(a, false)) };
  });
  route('GET', '/extensions', async () => ({
    extensions: ['os-availability-zone', 'os-quota-sets', 'os-services', 'os-types-manage', 'os-types-extra-specs', 'os-volume-actions', 'os-admin-actions', 'os-extended-snapshot-attributes', 'os-vol-tenant-attr', 'os-vol-host-attr', 'OS-SCH-HNT', 'os-volume-type-access', 'os-snapshot-actions', 'os-used-limits']
      .map((alias) => ({ alias, name: alias, description: alias, links: [], updated: '2012-01-01T00:00:00+00:00' })),
  }));
}
