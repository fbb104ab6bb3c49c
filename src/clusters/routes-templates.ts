// /v1/clustertemplates: create (201), list / detail (paged), show by uuid or name, PATCH (JSON
// patch), delete (204).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { QueryParams } from '../core/resource/index.js';
import { authorize, callerOf, type Magnum } from './context.js';
import { createTemplate, deleteTemplate, findTemplate, templateOf, updateTemplate } from './cluster-templates.js';
import { clusterTemplate } from './definitions/cluster-template.js';
import { ClusterTemplateNotFound } from './errors.js';
import { magnumPage } from './list.js';
import { baseOf } from './routes.js';
import { templateView } from './views.js';

type IdReq = FastifyRequest<{ Params: { id: string } }>;

export function templateRoutes(scope: FastifyInstance, m: Magnum): void {
  const list = async (req: FastifyRequest, detail: boolean) => {
    const caller = callerOf(req);
    authorize(caller, detail ? 'clustertemplate:detail' : 'clustertemplate:get_all');
    let q = m.store.db.selectFrom('magnum_cluster_templates').selectAll();
    if (!caller.isAdmin) {
      q = q.where((eb) => eb.or([eb('project_id', '=', caller.projectId), eb.and([eb('public', '=', 1), eb('hidden', '=', 0)])]));
    }
    const page = await magnumPage(clusterTemplate, q, req.query as QueryParams, async (id) => {
      const r = await m.store.db.selectFrom('magnum_cluster_templates').selectAll().where('uuid', '=', id).executeTakeFirst();
      if (!r) throw new ClusterTemplateNotFound(id);
      return r as never;
    });
    const base = baseOf(req);
    const next = page.next(`${base}/v1/clustertemplates${detail ? '/detail' : ''}`);
    return { clustertemplates: page.rows.map((r) => templateView(base, templateOf(r))), ...(next ? { next } : {}) };
  };
  scope.get('/v1/clustertemplates', (req) => list(req, false));
  scope.get('/v1/clustertemplates/detail', (req) => list(req, true));
  scope.post('/v1/clustertemplates', async (req, reply) => {
    const t = await createTemplate(m, callerOf(req), req.body);
    return reply.code(201).header('location', `${baseOf(req)}/v1/clustertemplates/${t.uuid}`).send(templateView(baseOf(req), t));
  });
  scope.get('/v1/clustertemplates/:id', async (req: IdReq) => {
    const caller = callerOf(req);
    const t = await findTemplate(m, caller, req.params.id);
    if (!t.public) authorize(caller, 'clustertemplate:get', { project_id: t.project_id });
    return templateView(baseOf(req), t);
  });
  scope.patch('/v1/clustertemplates/:id', { config: { anyJson: true } }, async (req: IdReq) => templateView(baseOf(req), await updateTemplate(m, callerOf(req), req.params.id, req.body)));
  scope.delete('/v1/clustertemplates/:id', async (req: IdReq, reply) => {
    await deleteTemplate(m, callerOf(req), req.params.id);
    return reply.code(204).send();
  });
}
