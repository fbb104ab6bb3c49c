// /v1/certificates (the cluster CA, signing CSRs, rotation from 1.5), /v1/quotas (1.6),
// /v1/stats (1.4) and /v1/mservices.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { makeCa, signCsr } from './ca.js';
import { findCluster, nodegroupsOf } from './clusters.js';
import { authorize, callerOf, stamp, type Magnum } from './context.js';
import { BadRequest } from './errors.js';
import { since } from './microversion.js';
import { createQuota, deleteQuota, listQuotas, showQuota, updateQuota } from './quotas.js';
import { baseOf } from './routes.js';
import { links } from './views.js';

type Req = FastifyRequest<{ Params: { id: string; project: string; resource: string }; Querystring: Record<string, string> }>;

export function serviceRoutes(scope: FastifyInstance, m: Magnum): void {
  const caOf = async (clusterId: string) => m.store.db.selectFrom('magnum_cluster_cas').selectAll().where('cluster_id', '=', clusterId).executeTakeFirstOrThrow();

  scope.get('/v1/certificates/:id', async (req: Req) => {
    const caller = callerOf(req);
    const c = await findCluster(m, caller, req.params.id);
    authorize(caller, 'certificate:get', { project_id: c.project_id });
    const ca = await caOf(c.uuid);
    return { cluster_uuid: c.uuid, pem: ca.ca_cert, links: links(baseOf(req), 'certificates', c.uuid) };
  });
  scope.post('/v1/certificates', async (req: Req, reply) => {
    const caller = callerOf(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(b)) if (!['cluster_uuid', 'bay_uuid', 'csr'].includes(k)) throw new BadRequest(`Unknown attribute for argument certificate: ${k}`);
    const ident = b['cluster_uuid'] ?? b['bay_uuid'];
    if (typeof ident !== 'string') throw new BadRequest(`Invalid input for field/attribute cluster_uuid. Value: 'None'. Mandatory field missing.`);
    if (typeof b['csr'] !== 'string') throw new BadRequest(`Invalid input for field/attribute csr. Value: 'None'. Mandatory field missing.`);
    const c = await findCluster(m, caller, ident);
    authorize(caller, 'certificate:create', { project_id: c.project_id });
    const pem = signCsr(await caOf(c.uuid).then((r) => ({ cert: r.ca_cert, key: r.ca_key })), b['csr']);
    return reply.code(201).send({ cluster_uuid: c.uuid, csr: b['csr'], pem, links: links(baseOf(req), 'certificates', c.uuid) });
  });
  scope.patch('/v1/certificates/:id', async (req: Req, reply) => {
    since(req, 5);
    const caller = callerOf(req);
    const c = await findCluster(m, caller, req.params.id);
    authorize(caller, 'certificate:rotate_ca', { project_id: c.project_id });
    const t = await m.store.db.selectFrom('magnum_cluster_templates').select('tls_disabled').where('uuid', '=', c.cluster_template_id).executeTakeFirst();
    if (t?.tls_disabled) throw new BadRequest(`Rotating the CA certificate on a non-TLS cluster is not supported.`, 'NotSupported');
    // The new CA takes effect for clients at once; nodes pick it up on their next bootstrap.
    const ca = makeCa(c.name);
    await m.store.db.updateTable('magnum_cluster_cas').set({ ca_cert: ca.cert, ca_key: ca.key, created_at: stamp() }).where('cluster_id', '=', c.uuid).execute();
    return reply.code(202).send();
  });

  scope.get('/v1/quotas', async (req: Req) => {
    since(req, 6);
    const rows = await listQuotas(m, callerOf(req), ['true', '1', 'True'].includes(String(req.query['all_tenants'] ?? '')));
    return { quotas: rows };
  });
  scope.get('/v1/quotas/:project/:resource', async (req: Req) => { since(req, 6); return showQuota(m, callerOf(req), req.params.project, req.params.resource); });
  scope.post('/v1/quotas', async (req: Req, reply) => { since(req, 6); return reply.code(201).send(await createQuota(m, callerOf(req), req.body)); });
  scope.patch('/v1/quotas/:project/:resource', async (req: Req, reply) => {
    since(req, 6);
    return reply.code(202).send(await updateQuota(m, callerOf(req), req.params.project, req.params.resource, req.body));
  });
  scope.delete('/v1/quotas/:project/:resource', async (req: Req, reply) => {
    since(req, 6);
    await deleteQuota(m, callerOf(req), req.params.project, req.params.resource);
    return reply.code(204).send();
  });

  scope.get('/v1/stats', async (req: Req) => {
    since(req, 4);
    const caller = callerOf(req);
    const project = req.query['project_id'];
    if (project !== undefined || !caller.isAdmin) authorize(caller, 'stats:get_all', { project_id: project ?? caller.projectId });
    let q = m.store.db.selectFrom('magnum_clusters').select('uuid');
    if (project !== undefined || !caller.isAdmin) q = q.where('project_id', '=', project ?? caller.projectId);
    const rows = await q.execute();
    let nodes = 0;
    for (const r of rows) for (const g of await nodegroupsOf(m, r.uuid)) nodes += g.node_count;
    return { clusters: rows.length, nodes };
  });

  scope.get('/v1/mservices', async (req: Req) => {
    authorize(callerOf(req), 'magnum-service:get_all');
    const at = stamp();
    return {
      mservices: [{ id: 1, host: 'pier', binary: 'magnum-conductor', state: 'up', report_count: 1, disabled: false, disabled_reason: null, created_at: at, updated_at: at }],
    };
  });
}
