// /snapshots: create (202), list and detail, show, update, delete (202), metadata, and the
// admin actions (os-reset_status, os-force_delete) plus os-update_snapshot_status.
import type { QueryParams } from '../core/resource/index.js';
import { authorize, cinderCaller, stamp, type Cinder } from './context.js';
import { snapshot as def } from './definitions/snapshot.js';
import { BadRequest, InvalidInput, NotFound } from './errors.js';
import { cinderPage } from './list.js';
import type { Route } from './routes.js';
import { viewOf } from './routes.js';
import { createSnapshot, deleteSnapshot, deleteSnapshotMetadata, findSnapshot, setSnapshotMetadata, snapshotOf, updateSnapshot } from './snapshots.js';
import { snapshotView } from './views.js';

const SNAPSHOT_STATUSES = ['creating', 'available', 'deleting', 'error', 'error_deleting', 'backing-up', 'restoring', 'unmanaging'];

export function snapshotRoutes(route: Route, c: Cinder): void {
  const list = (detail: boolean): Parameters<Route>[2] => async (req) => {
    const caller = cinderCaller(req);
    authorize(caller, 'volume:get_all_snapshots');
    const q = req.query as Record<string, string | undefined>;
    let qb = c.store.db.selectFrom('volume_snapshots').selectAll();
    const all = caller.isAdmin && /^(true|1)$/i.test(q['all_tenants'] ?? '');
    if (!all) qb = qb.where('project_id', '=', caller.projectId);
    const view = viewOf(req);
    const page = await cinderPage<Record<string, unknown>>(def, qb, req.query as QueryParams, `${view.base}/v3/${view.project}/snapshots${detail ? '/detail' : ''}`, async (id) => {
      const r = await c.store.db.selectFrom('volume_snapshots').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r || (!all && r.project_id !== caller.projectId)) throw new NotFound(`Marker ${id} could not be found.`, 'MarkerNotFound');
      return r;
    }, ['metadata']);
    // OpenStack: the summary list has no extended attributes (only show and detail do).
    const out: Record<string, unknown> = { snapshots: page.rows.map((r) => snapshotView(view, snapshotOf(r), detail)) };
    if (page.links.length) out['snapshots_links'] = page.links;
    return out;
  };
  route('GET', '/snapshots', list(false));
  route('GET', '/snapshots/detail', list(true));
  route('POST', '/snapshots', async (req, reply) => reply.code(202).send({ snapshot: snapshotView(viewOf(req), await createSnapshot(c, cinderCaller(req), req.body, viewOf(req).minor), false) }));
  route('GET', '/snapshots/:id', async (req) => {
    const caller = cinderCaller(req);
    const s = await findSnapshot(c, caller, req.params['id']!);
    authorize(caller, 'volume:get_snapshot', { project_id: s.project_id });
    return { snapshot: snapshotView(viewOf(req), s) };
  });
  route('PUT', '/snapshots/:id', async (req) => ({ snapshot: snapshotView(viewOf(req), await updateSnapshot(c, cinderCaller(req), req.params['id']!, req.body), false) }));
  route('DELETE', '/snapshots/:id', async (req, reply) => { await deleteSnapshot(c, cinderCaller(req), req.params['id']!); return reply.code(202).send(); });
  route('POST', '/snapshots/:id/action', async (req, reply) => {
    const caller = cinderCaller(req);
    const body = req.body as Record<string, Record<string, unknown> | null> | null;
    if (!body || typeof body !== 'object' || Object.keys(body).length !== 1) throw new BadRequest('Malformed request body');
    const [action, arg] = Object.entries(body)[0]!;
    const s = await findSnapshot(c, caller, req.params['id']!);
    if (action === 'os-force_delete') { await deleteSnapshot(c, caller, s.id, true); return reply.code(202).send(); }
    if (action === 'os-reset_status' || action === 'os-update_snapshot_status') {
      authorize(caller, action === 'os-reset_status' ? 'volume_extension:snapshot_admin_actions:reset_status' : 'volume:update_snapshot', { project_id: s.project_id });
      const status = String(arg?.['status'] ?? '').toLowerCase();
      if (!SNAPSHOT_STATUSES.includes(status)) throw new InvalidInput('Must specify a valid status');
      await c.store.tx(async (tx) => {
        await tx.db.updateTable('volume_snapshots').set({ status, updated_at: stamp() }).where('id', '=', s.id).execute();
        await tx.emit({ resource: 'volume_snapshot', id: s.id, action: 'update', projectId: s.project_id });
      });
      return reply.code(202).send();
    }
    throw new BadRequest(`There is no such action: ${action}`);
  });
  route('GET', '/snapshots/:id/metadata', async (req) => {
    const caller = cinderCaller(req);
    const s = await findSnapshot(c, caller, req.params['id']!);
    authorize(caller, 'volume:get_snapshot_metadata', { project_id: s.project_id });
    return { metadata: s.metadata };
  });
  route('POST', '/snapshots/:id/metadata', async (req) => ({ metadata: await setSnapshotMetadata(c, cinderCaller(req), req.params['id']!, req.body, false) }));
  route('PUT', '/snapshots/:id/metadata', async (req) => ({ metadata: await setSnapshotMetadata(c, cinderCaller(req), req.params['id']!, req.body, true) }));
  route('GET', '/snapshots/:id/metadata/:key', async (req) => {
    const caller = cinderCaller(req);
    const s = await findSnapshot(c, caller, req.params['id']!);
    authorize(caller, 'volume:get_snapshot_metadata', { project_id: s.project_id });
    const key = req.params['key']!;
    if (!Object.hasOwn(s.metadata, key)) throw new NotFound('Metadata item was not found', 'MetadataItemNotFound');
    return { meta: { [key]: s.metadata[key] } };
  });
  route('PUT', '/snapshots/:id/metadata/:key', async (req) => ({ meta: await setSnapshotMetadata(c, cinderCaller(req), req.params['id']!, req.body, false, req.params['key']) }));
  route('DELETE', '/snapshots/:id/metadata/:key', async (req, reply) => {
    await deleteSnapshotMetadata(c, cinderCaller(req), req.params['id']!, req.params['key']!);
    return reply.code(200).send();
  });
}
