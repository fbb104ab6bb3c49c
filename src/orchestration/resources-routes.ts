// /v1/{project}/stacks/{name}/{id}/resources and …/events: resource list (nested_depth), show,
// metadata, signal, mark-unhealthy; events per stack and per resource, and one event.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Engine } from './engine/engine.js';
import { loadStack } from './engine/loaded.js';
import { parseJson, type StackRow } from './engine/persist.js';
import { signalResource } from './engine/signals.js';
import type { Json } from './template/index.js';
import { EventNotFound, HeatBadRequest, ResourceNotFound } from './errors.js';
import { findStack, projectOf } from './lookup.js';
import { eventView, resourceView } from './views.js';

type Req = FastifyRequest<{ Params: { project: string; name: string; id: string; resource: string; event: string }; Querystring: Record<string, string | string[]>; Body: Record<string, unknown> }>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export function resourceRoutes(scope: FastifyInstance, engine: Engine): void {
  const store = engine.persist.store;
  const stackOf = (req: Req) => findStack(store, projectOf(req), req.params.name, req.params.id, true);

  async function listOf(req: Req, s: StackRow, depth: number): Promise<Record<string, unknown>[]> {
    const rows = [...Engine.current(await engine.persist.resources(s.id)).values()];
    const loaded = await loadStack(engine.specOf(s), engine.networking, false).catch(() => null);
    const requiredBy = (n: string) => (loaded ? [...loaded.graph].filter(([, r]) => r.has(n)).map(([k]) => k) : []);
    const children = await store.db.selectFrom('heat_stacks').selectAll().where('parent_id', '=', s.id).where('deleted_at', 'is', null).execute();
    const out: Record<string, unknown>[] = [];
    for (const r of rows) {
      const child = children.find((c) => c.parent_resource === r.name);
      out.push(resourceView(req.ctx.baseUrl, s, r, requiredBy(r.name), {
        ...(s.parent_id ? { parent_resource: s.parent_resource } : {}), ...(child ? { nested_stack: `${child.name}/${child.id}` } : {}),
      }));
      if (child && depth > 0) out.push(...(await listOf(req, child, depth - 1)));
    }
    return out;
  }

  scope.get('/v1/:project/stacks/:name/:id/resources', async (req: Req) => {
    const s = await stackOf(req);
    const depth = Number(one(req.query['nested_depth']) ?? 0) || 0;
    let items = await listOf(req, s, depth);
    const filters = ['name', 'type', 'status', 'action', 'id', 'physical_resource_id'];
    for (const f of filters) {
      const v = req.query[f];
      if (v === undefined) continue;
      const want = Array.isArray(v) ? v : [v];
      const field = f === 'name' ? 'resource_name' : f === 'type' ? 'resource_type' : f === 'id' ? 'physical_resource_id' : f;
      items = items.filter((i) => f === 'status' ? want.some((w) => String(i['resource_status']).endsWith(w))
        : f === 'action' ? want.some((w) => String(i['resource_status']).startsWith(w)) : want.includes(String(i[field])));
    }
    return { resources: items };
  });

  async function resourceOf(req: Req) {
    const s = await stackOf(req);
    const rows = Engine.current(await engine.persist.resources(s.id));
    const r = rows.get(req.params.resource);
    if (!r) throw new ResourceNotFound(req.params.resource, s.name);
    return { s, r, rows };
  }

  scope.get('/v1/:project/stacks/:name/:id/resources/:resource', async (req: Req) => {
    const { s, r, rows } = await resourceOf(req);
    const loaded = await loadStack(engine.specOf(s), engine.networking, false);
    const plugin = loaded.plugins.get(r.name);
    const attributes: Record<string, unknown> = {};
    if (plugin && r.physical_id !== null && r.action !== 'DELETE') {
      const ctx = engine.contextFor(loaded, r, s.id, s.name);
      const wanted = req.query['with_attr'] ? (Array.isArray(req.query['with_attr']) ? req.query['with_attr'] : [req.query['with_attr']]) : [];
      for (const a of [...Object.keys(plugin.attributes).filter((x) => x !== 'show'), ...wanted]) {
        attributes[a] = await plugin.resolve(ctx, r.physical_id, a).catch(() => null);
      }
    }
    const requiredBy = [...loaded.graph].filter(([, q]) => q.has(r.name)).map(([k]) => k);
    void rows;
    return { resource: resourceView(req.ctx.baseUrl, s, r, requiredBy, { attributes, description: loaded.template.resources[r.name]?.description ?? '' }) };
  });

  scope.get('/v1/:project/stacks/:name/:id/resources/:resource/metadata', async (req: Req) => ({ metadata: parseJson((await resourceOf(req)).r.metadata) }));

  scope.post('/v1/:project/stacks/:name/:id/resources/:resource/signal', async (req: Req, reply) => {
    const { s, r } = await resourceOf(req);
    await signalResource(engine, s, r, (req.body ?? null) as Json);
    return reply.code(200).send();
  });

  scope.patch('/v1/:project/stacks/:name/:id/resources/:resource', async (req: Req, reply) => {
    const { r } = await resourceOf(req);
    const body = req.body ?? {};
    if (typeof body['mark_unhealthy'] !== 'boolean') throw new HeatBadRequest('mark_unhealthy must be a boolean');
    if (body['mark_unhealthy']) await engine.persist.resourceState(r, 'CHECK', 'FAILED', String(body['resource_status_reason'] ?? ''));
    else if (r.action === 'CHECK' && r.status === 'FAILED') await engine.persist.resourceState(r, 'CHECK', 'COMPLETE', '');
    return reply.code(200).send();
  });

  async function events(req: Req, resource?: string) {
    const s = await stackOf(req);
    if (resource !== undefined) await resourceOf(req);
    let q = store.db.selectFrom('heat_events').selectAll().where('stack_id', '=', s.id);
    if (resource !== undefined) q = q.where('resource_name', '=', resource);
    const dir = one(req.query['sort_dir']) === 'desc' ? 'desc' : 'asc';
    let rows = await q.orderBy('seq', dir).orderBy('id', dir).execute();
    const marker = one(req.query['marker']);
    if (marker) { const i = rows.findIndex((e) => e.id === marker); if (i >= 0) rows = rows.slice(i + 1); }
    for (const f of ['resource_name', 'resource_type', 'resource_action', 'resource_status'] as const) {
      const v = req.query[f];
      if (v === undefined) continue;
      const want = Array.isArray(v) ? v : [v];
      rows = rows.filter((e) => want.includes(f === 'resource_action' ? e.action : f === 'resource_status' ? e.status : e[f]));
    }
    const limit = one(req.query['limit']);
    if (limit !== undefined) rows = rows.slice(0, Number(limit) || 0);
    // nested_depth: the children's events too, as Heat adds them.
    const depth = Number(one(req.query['nested_depth']) ?? 0) || 0;
    const out = rows.map((e) => eventView(req.ctx.baseUrl, s, e));
    if (depth > 0 && resource === undefined) {
      const kids = await store.db.selectFrom('heat_stacks').selectAll().where('parent_id', '=', s.id).execute();
      for (const k of kids) {
        const ev = await store.db.selectFrom('heat_events').selectAll().where('stack_id', '=', k.id).orderBy('seq').execute();
        out.push(...ev.map((e) => eventView(req.ctx.baseUrl, k, e)));
      }
    }
    return { events: out };
  }
  scope.get('/v1/:project/stacks/:name/:id/events', (req: Req) => events(req));
  scope.get('/v1/:project/stacks/:name/:id/resources/:resource/events', (req: Req) => events(req, req.params.resource));
  scope.get('/v1/:project/stacks/:name/:id/resources/:resource/events/:event', async (req: Req) => {
    const s = await stackOf(req);
    const e = await store.db.selectFrom('heat_events').selectAll().where('stack_id', '=', s.id).where('id', '=', req.params.event).executeTakeFirst();
    if (!e || e.resource_name !== req.params.resource) throw new EventNotFound(req.params.event);
    return { event: { ...eventView(req.ctx.baseUrl, s, e), resource_type: e.resource_type, resource_properties: {} } };
  });
}
