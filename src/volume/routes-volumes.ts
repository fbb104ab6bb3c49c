// /volumes: create (202), list and detail (filters, sort, paging, with_count from 3.45), show,
// update, delete (cascade, force), metadata, summary (3.12), and the action endpoint.
import type { Route } from './routes.js';
import { viewOf } from './routes.js';
import { queryValues, type QueryParams } from '../core/resource/index.js';
import { authorize, cinderCaller, isAllowed, type Cinder } from './context.js';
import { volume as def, type VolumeRow } from './definitions/volume.js';
import { NotFound } from './errors.js';
import { cinderPage } from './list.js';
import { atLeast } from './microversion.js';
import { volumeAction } from './volume-actions.js';
import { createVolume, deleteVolume, deleteVolumeMetadata, findVolume, setVolumeMetadata, updateVolume, volumeOf } from './volumes.js';
import { volumeExtras, volumeSummary, volumeView } from './views.js';

const truthy = (v: string | undefined) => v !== undefined && /^(true|1|yes|y|on|t)$/i.test(v);

export function volumeRoutes(route: Route, c: Cinder): void {
  const show = async (req: Parameters<Parameters<Route>[2]>[0], row: VolumeRow, extended = true) => {
    const extras = await volumeExtras(c.store, [row]);
    return { volume: volumeView(viewOf(req), row, extras.get(row.id)!, extended) };
  };
  const list = (detail: boolean): Parameters<Route>[2] => async (req) => {
    const caller = cinderCaller(req);
    authorize(caller, 'volume:get_all');
    const params = req.query as QueryParams;
    const q = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v.at(-1) : v]));
    let qb = c.store.db.selectFrom('volumes').selectAll();
    const all = caller.isAdmin && truthy(q['all_tenants']);
    if (!all) qb = qb.where('project_id', '=', caller.isAdmin && q['project_id'] ? q['project_id'] : caller.projectId);
    else if (q['project_id']) qb = qb.where('project_id', '=', q['project_id']);
    // OpenStack: Cinder filters metadata by each key/value given as a dict in the query string.
    for (const m of queryValues(params, 'metadata')) {
      let given: Record<string, unknown>;
      try { given = JSON.parse(m.replace(/'/g, '"')) as Record<string, unknown>; } catch { continue; }
      for (const [k, v] of Object.entries(given)) qb = qb.where('metadata', 'like', `%${JSON.stringify({ [k]: String(v) }).slice(1, -1)}%`);
    }
    const view = viewOf(req);
    const page = await cinderPage<Record<string, unknown>>(def, qb, params, `${view.base}/v3/${view.project}/volumes${detail ? '/detail' : ''}`, async (id) => {
      const r = await c.store.db.selectFrom('volumes').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r || (!all && r.project_id !== caller.projectId)) throw new NotFound(`Marker ${id} could not be found.`, 'MarkerNotFound');
      return r;
    }, ['metadata', 'glance_metadata', 'name~', 'display_name']);
    const rows = page.rows.map(volumeOf);
    const extras = detail ? await volumeExtras(c.store, rows) : new Map();
    const out: Record<string, unknown> = { volumes: rows.map((r) => (detail ? volumeView(view, r, extras.get(r.id)!) : volumeSummary(view, r))) };
    if (page.links.length) out['volumes_links'] = page.links;
    if (atLeast(req, 45) && truthy(q['with_count'])) {
      let count = c.store.db.selectFrom('volumes').select((eb) => eb.fn.countAll().as('n'));
      if (!all) count = count.where('project_id', '=', caller.projectId);
      out['count'] = Number((await count.executeTakeFirst())?.n ?? 0);
    }
    return out;
  };
  route('GET', '/volumes', list(false));
  route('GET', '/volumes/detail', list(true));
  route('GET', '/volumes/summary', async (req) => {
    const caller = cinderCaller(req);
    authorize(caller, 'volume:get_all');
    const rows = await c.store.db.selectFrom('volumes').select(['size', 'metadata']).where('project_id', '=', caller.projectId).execute();
    const metadata: Record<string, string[]> = {};
    for (const r of rows) for (const [k, v] of Object.entries(JSON.parse(r.metadata) as Record<string, string>)) (metadata[k] ??= []).includes(v) || metadata[k]!.push(v);
    const summary: Record<string, unknown> = { total_size: rows.reduce((n, r) => n + r.size, 0), total_count: rows.length };
    if (atLeast(req, 36)) summary['metadata'] = metadata;
    return { 'volume-summary': summary };
  });
  route('POST', '/volumes', async (req, reply) => reply.code(202).send(await show(req, await createVolume(c, cinderCaller(req), req.body), false)));
  route('GET', '/volumes/:id', async (req) => {
    const caller = cinderCaller(req);
    const v = await findVolume(c, caller, req.params['id']!);
    authorize(caller, 'volume:get', { project_id: v.project_id });
    return show(req, v);
  });
  route('PUT', '/volumes/:id', async (req) => show(req, await updateVolume(c, cinderCaller(req), req.params['id']!, req.body), false));
  route('DELETE', '/volumes/:id', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const caller = cinderCaller(req);
    const force = truthy(q['force']);
    if (force && !isAllowed(caller, 'volume_extension:volume_admin_actions:force_delete')) {
      authorize(caller, 'volume_extension:volume_admin_actions:force_delete');
    }
    await deleteVolume(c, caller, req.params['id']!, { cascade: truthy(q['cascade']), force });
    return reply.code(202).send();
  });
  route('POST', '/volumes/:id/action', async (req, reply) => {
    const r = await volumeAction(c, cinderCaller(req), req.params['id']!, req.body, viewOf(req).minor);
    return r.body === undefined ? reply.code(r.status).send() : reply.code(r.status).send(r.body);
  });
  const meta = async (req: Parameters<Parameters<Route>[2]>[0]) => {
    const caller = cinderCaller(req);
    const v = await findVolume(c, caller, req.params['id']!);
    authorize(caller, 'volume:get_volume_metadata', { project_id: v.project_id });
    return v.metadata;
  };
  route('GET', '/volumes/:id/metadata', async (req) => ({ metadata: await meta(req) }));
  route('POST', '/volumes/:id/metadata', async (req) => ({ metadata: await setVolumeMetadata(c, cinderCaller(req), req.params['id']!, req.body, false) }));
  route('PUT', '/volumes/:id/metadata', async (req) => ({ metadata: await setVolumeMetadata(c, cinderCaller(req), req.params['id']!, req.body, true) }));
  route('GET', '/volumes/:id/metadata/:key', async (req) => {
    const m = await meta(req);
    const key = req.params['key']!;
    if (!Object.hasOwn(m, key)) throw new NotFound('Metadata item was not found', 'MetadataItemNotFound');
    return { meta: { [key]: m[key] } };
  });
  route('PUT', '/volumes/:id/metadata/:key', async (req) => ({ meta: await setVolumeMetadata(c, cinderCaller(req), req.params['id']!, req.body, false, req.params['key']) }));
  route('DELETE', '/volumes/:id/metadata/:key', async (req, reply) => {
    await deleteVolumeMetadata(c, cinderCaller(req), req.params['id']!, req.params['key']!);
    return reply.code(200).send();
  });
}
