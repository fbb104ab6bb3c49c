// /v1/clusters: create (202 {uuid}), list / detail (paged), show, PATCH node_count, delete,
// actions/resize (1.7), actions/upgrade (1.8), and /nodegroups (1.9).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { QueryParams } from '../core/resource/index.js';
import { findTemplate } from './cluster-templates.js';
import {
  clusterOf, createCluster, createNodegroup, deleteCluster, deleteNodegroup, findCluster, nodegroupOf, nodegroupsOf, patchCluster, patchNodegroup, resizeCluster,
} from './clusters.js';
import { authorize, callerOf, type Magnum } from './context.js';
import { cluster as clusterDef, type Cluster } from './definitions/cluster.js';
import { nodegroup as ngDef } from './definitions/nodegroup.js';
import { BadRequest, ClusterNotFound, NodeGroupNotFound, NotSupported } from './errors.js';
import { magnumPage } from './list.js';
import { minorOf, since } from './microversion.js';
import { baseOf } from './routes.js';
import { clusterView, nodegroupView } from './views.js';

type IdReq = FastifyRequest<{ Params: { id: string; ng: string } }>;

export function clusterRoutes(scope: FastifyInstance, m: Magnum): void {
  const show = async (req: FastifyRequest, c: Cluster, expand: boolean) => {
    const labels = expand ? (await findTemplate(m, { ...callerOf(req), isAdmin: true }, c.cluster_template_id).catch(() => null))?.labels : {};
    return clusterView(baseOf(req), c, await nodegroupsOf(m, c.uuid), minorOf(req), expand, labels ?? {});
  };
  const list = async (req: FastifyRequest, detail: boolean) => {
    const caller = callerOf(req);
    authorize(caller, detail ? 'cluster:detail' : 'cluster:get_all');
    let q = m.store.db.selectFrom('magnum_clusters').selectAll();
    if (!caller.isAdmin) q = q.where('project_id', '=', caller.projectId);
    const page = await magnumPage(clusterDef, q, req.query as QueryParams, async (id) => {
      const r = await m.store.db.selectFrom('magnum_clusters').selectAll().where('uuid', '=', id).executeTakeFirst();
      if (!r) throw new ClusterNotFound(id);
      return r as never;
    });
    const next = page.next(`${baseOf(req)}/v1/clusters${detail ? '/detail' : ''}`);
    const clusters = await Promise.all(page.rows.map((r) => show(req, clusterOf(r), detail)));
    return { clusters, ...(next ? { next } : {}) };
  };
  scope.get('/v1/clusters', (req) => list(req, false));
  scope.get('/v1/clusters/detail', (req) => list(req, true));
  scope.post('/v1/clusters', async (req, reply) => {
    const c = await createCluster(m, callerOf(req), req.body, minorOf(req));
    return reply.code(202).send({ uuid: c.uuid });
  });
  scope.get('/v1/clusters/:id', async (req: IdReq) => {
    const caller = callerOf(req);
    const c = await findCluster(m, caller, req.params.id);
    authorize(caller, 'cluster:get', { project_id: c.project_id });
    return show(req, c, true);
  });
  scope.patch('/v1/clusters/:id', { config: { anyJson: true } }, async (req: IdReq, reply) => {
    const c = await patchCluster(m, callerOf(req), req.params.id, req.body);
    return reply.code(202).send({ uuid: c.uuid });
  });
  scope.delete('/v1/clusters/:id', async (req: IdReq, reply) => {
    await deleteCluster(m, callerOf(req), req.params.id);
    return reply.code(204).send();
  });
  scope.post('/v1/clusters/:id/actions/resize', async (req: IdReq, reply) => {
    since(req, 7);
    const c = await resizeCluster(m, callerOf(req), req.params.id, req.body, minorOf(req));
    return reply.code(202).send({ uuid: c.uuid });
  });
  scope.post('/v1/clusters/:id/actions/upgrade', async (req: IdReq) => {
    if (minorOf(req) < 8) throw new NotSupported('Cluster upgrade is not supported in the provided microversion.');
    const caller = callerOf(req);
    const c = await findCluster(m, caller, req.params.id);
    authorize(caller, 'cluster:upgrade', { project_id: c.project_id });
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (typeof b['cluster_template'] !== 'string') throw new BadRequest('Invalid input for field/attribute cluster_template. Value: \'None\'. Mandatory field missing.');
    await findTemplate(m, caller, b['cluster_template']);
    // OpenStack: Magnum's drivers without an upgrade path answer NotSupported.
    throw new NotSupported('Upgrading a cluster is not supported by this cluster driver.');
  });

  scope.get('/v1/clusters/:id/nodegroups', async (req: IdReq) => {
    since(req, 9);
    const caller = callerOf(req);
    const c = await findCluster(m, caller, req.params.id);
    authorize(caller, 'nodegroup:get_all', { project_id: c.project_id });
    const q = req.query as QueryParams;
    let query = m.store.db.selectFrom('magnum_nodegroups').selectAll().where('cluster_id', '=', c.uuid);
    if (typeof q['role'] === 'string') query = query.where('role', '=', q['role']);
    const page = await magnumPage(ngDef, query, q, async (id) => {
      const r = await m.store.db.selectFrom('magnum_nodegroups').selectAll().where('uuid', '=', id).executeTakeFirst();
      if (!r) throw new NodeGroupNotFound(id);
      return r as never;
    });
    const next = page.next(`${baseOf(req)}/v1/clusters/${c.uuid}/nodegroups`);
    return { nodegroups: page.rows.map((r) => nodegroupView(baseOf(req), nodegroupOf(r), minorOf(req), false)), ...(next ? { next } : {}) };
  });
  scope.get('/v1/clusters/:id/nodegroups/:ng', async (req: IdReq) => {
    since(req, 9);
    const caller = callerOf(req);
    const c = await findCluster(m, caller, req.params.id);
    authorize(caller, 'nodegroup:get', { project_id: c.project_id });
    const ng = (await nodegroupsOf(m, c.uuid)).find((g) => g.uuid === req.params.ng || g.name === req.params.ng);
    if (!ng) throw new NodeGroupNotFound(req.params.ng);
    return nodegroupView(baseOf(req), ng, minorOf(req));
  });
  scope.post('/v1/clusters/:id/nodegroups', async (req: IdReq, reply) => {
    since(req, 9);
    const ng = await createNodegroup(m, callerOf(req), req.params.id, req.body);
    return reply.code(202).send(nodegroupView(baseOf(req), ng, minorOf(req)));
  });
  scope.patch('/v1/clusters/:id/nodegroups/:ng', { config: { anyJson: true } }, async (req: IdReq, reply) => {
    since(req, 9);
    const caller = callerOf(req);
    await patchNodegroup(m, caller, req.params.id, req.params.ng, req.body);
    const c = await findCluster(m, caller, req.params.id);
    const ng = (await nodegroupsOf(m, c.uuid)).find((g) => g.uuid === req.params.ng || g.name === req.params.ng)!;
    return reply.code(202).send(nodegroupView(baseOf(req), ng, minorOf(req)));
  });
  scope.delete('/v1/clusters/:id/nodegroups/:ng', async (req: IdReq, reply) => {
    since(req, 9);
    await deleteNodegroup(m, callerOf(req), req.params.id, req.params.ng);
    return reply.code(204).send();
  });
}
