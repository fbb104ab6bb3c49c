// /v1/{project}/stacks: create, list, show (a name redirects to name/id), update (PUT; PATCH is
// --existing), delete, previews, template / environment / files, outputs and actions.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { keysetPage } from '../core/resource/index.js';
import { Engine } from './engine/engine.js';
import { loadStack } from './engine/loaded.js';
import { ownerOf } from './engine/loaded.js';
import { parseJson, type StackRow } from './engine/persist.js';
import { planFor } from './engine/update.js';
import { ActionInProgress, HeatBadRequest, StackExists } from './errors.js';
import { authorize } from './policy.js';
import { findStack, heat, projectOf, stackInput, type StackInput } from './lookup.js';
import { displayValue, type JsonMap } from './template/index.js';
import { stackSummary, stackUrl } from './views.js';

type Req = FastifyRequest<{ Params: { project: string; name: string; id: string; key?: string; rest?: string }; Querystring: Record<string, string | string[]>; Body: JsonMap }>;

const bool = (v: unknown) => v === true || (typeof v === 'string' && ['true', '1', 'yes', 'on'].includes(v.toLowerCase()));
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function stackRoutes(scope: FastifyInstance, engine: Engine): void {
  const store = engine.persist.store;
  const base = (req: FastifyRequest) => req.ctx.baseUrl;

  async function full(req: FastifyRequest, s: StackRow): Promise<Record<string, unknown>> {
    const out = stackSummary(base(req), s);
    const loaded = await heat(() => loadStack(engine.specOf(s), engine.networking, false)).catch(() => null);
    const parameters: Record<string, string> = {};
    const outputs: unknown[] = [];
    if (loaded) {
      for (const [n, schema] of Object.entries(loaded.params.schemata)) parameters[n] = displayValue(schema, loaded.params.values[n] ?? null);
      if (s.status === 'COMPLETE' && s.action !== 'DELETE') {
        const ev = engine.evaluator(loaded, Engine.current(await engine.persist.resources(s.id)), s.id, s.name);
        for (const [k, def] of Object.entries(loaded.template.outputs)) {
          const o = await ev.output(k);
          outputs.push({ output_key: k, output_value: o.value, description: def.description ?? 'No description given', ...(o.error ? { output_error: o.error } : {}) });
        }
      }
    }
    return {
      ...out, capabilities: [], disable_rollback: s.disable_rollback === 1, notification_topics: [], outputs, parameters,
      template_description: out['description'], timeout_mins: s.timeout_mins,
    };
  }

  scope.post('/v1/:project/stacks', async (req: Req, reply) => {
    const project = projectOf(req);
    const body = req.body ?? {};
    const name = body['stack_name'];
    if (typeof name !== 'string' || !name) throw new HeatBadRequest('No stack name specified');
    if (!/^[a-zA-Z][a-zA-Z0-9_.-]{0,254}$/.test(name)) {
      throw new HeatBadRequest(`Invalid stack name ${name} must contain only alphanumeric or "_-." characters, must start with alpha and must be 255 characters or less.`, 'StackValidationFailed');
    }
    const exists = await store.db.selectFrom('heat_stacks').select('id').where('project_id', '=', project).where('name', '=', name).where('deleted_at', 'is', null).executeTakeFirst();
    if (exists) throw new StackExists(name);
    const input = await stackInput(body);
    const tags = typeof body['tags'] === 'string' ? body['tags'].split(',').filter(Boolean) : Array.isArray(body['tags']) ? body['tags'].map(String) : [];
    const row = await heat(() => engine.createStack({
      name, ...input, owner: ownerOf(req.ctx.auth!), disableRollback: body['disable_rollback'] === undefined ? false : bool(body['disable_rollback']),
      timeoutMins: typeof body['timeout_mins'] === 'number' ? body['timeout_mins'] : body['timeout_mins'] ? Number(body['timeout_mins']) : null, tags,
    }));
    const href = stackUrl(base(req), project, row);
    return reply.code(201).header('location', href).send({ stack: { id: row.id, links: [{ href, rel: 'self' }] } });
  });

  scope.post('/v1/:project/stacks/preview', async (req: Req) => {
    const project = projectOf(req);
    const body = req.body ?? {};
    const input = await stackInput(body);
    const name = String(body['stack_name'] ?? 'preview');
    const { loaded, ev } = await heat(() => engine.check({ id: 'None', name, ...input, owner: ownerOf(req.ctx.auth!) }));
    const resources = [];
    for (const [n] of loaded.plugins) {
      resources.push({
        resource_name: n, resource_type: loaded.template.resources[n]!.type, resource_action: 'INIT', resource_status: 'COMPLETE',
        physical_resource_id: '', properties: await ev.properties(n, true).catch(() => ({})), required_by: [...loaded.graph].filter(([, r]) => r.has(n)).map(([k]) => k),
        resource_identity: { stack_name: name, stack_id: 'None', tenant: project, path: `/resources/${n}` }, description: '', metadata: {},
      });
    }
    return { stack: { stack_name: name, disable_rollback: !!body['disable_rollback'], description: loaded.template.description, parameters: {}, resources, id: 'None', stack_status: 'None', timeout_mins: null, links: [] } };
  });

  scope.get('/v1/:project/stacks', async (req: Req) => {
    const project = projectOf(req);
    const q = req.query;
    if (bool(q['global_tenant'])) authorize(req.ctx.auth!, 'stacks:global_index');
    let query = store.db.selectFrom('heat_stacks').selectAll().where('project_id', '=', project);
    if (!bool(q['show_deleted'])) query = query.where('deleted_at', 'is', null);
    if (!bool(q['show_nested'])) query = query.where('parent_id', 'is', null);
    for (const f of ['id', 'name'] as const) if (q[f] !== undefined) query = query.where(f, 'in', list(q[f]));
    if (q['stack_name'] !== undefined) query = query.where('name', 'in', list(q['stack_name']));
    if (q['status'] !== undefined) query = query.where('status', 'in', list(q['status']));
    if (q['action'] !== undefined) query = query.where('action', 'in', list(q['action']));
    const sortKeys: Record<string, 'name' | 'status' | 'created_at' | 'updated_at'> = { stack_name: 'name', stack_status: 'status', creation_time: 'created_at', updated_time: 'updated_at' };
    const keys = list(q['sort_keys']).map((k) => { const c = Object.hasOwn(sortKeys, k) ? sortKeys[k] : undefined; if (!c) throw new HeatBadRequest(`Sort key "${k}" not allowed`); return c; });
    if (q['sort_dir'] !== undefined && !['asc', 'desc'].includes(String(q['sort_dir']))) throw new HeatBadRequest(`Unknown sort direction, must be one of: asc, desc`);
    const dir = q['sort_dir'] === 'asc' ? 'asc' : 'desc';
    const tags = list(q['tags']).flatMap((t) => t.split(','));
    // Tags are a JSON list in text: a LIKE finds candidates, the row's own list decides (below).
    for (const t of tags) query = query.where(sql<boolean>`heat_stacks.tags like ${`%${JSON.stringify(t).replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`);
    const sort: [string, 'asc' | 'desc'][] = [...(keys.length ? keys : ['created_at']).map((k) => [k, dir] as [string, 'asc' | 'desc']), ['id', dir]];
    const limit = q['limit'] === undefined ? undefined : Math.max(0, Number(q['limit']) || 0);
    const marker = q['marker'] === undefined ? undefined : await store.db.selectFrom('heat_stacks').selectAll().where('id', '=', String(q['marker'])).executeTakeFirst();
    // A stack not yet updated sorts as the oldest (updated_at NULL).
    const expr = (k: string) => (k === 'updated_at' ? sql`coalesce(heat_stacks.updated_at, '')` : sql.ref(`heat_stacks.${k}`));
    const markerKeys = marker && Object.fromEntries(sort.map(([k]) => [k, (marker as Record<string, unknown>)[k] ?? '']));
    const page = limit === 0 ? { rows: [] as StackRow[] } : await keysetPage<StackRow>('heat_stacks', query, { sort, limit }, markerKeys, expr);
    const rows = page.rows.filter((r) => { const have = parseJson<string[]>(r.tags); return tags.every((t) => have.includes(t)); });
    return { stacks: rows.map((r) => stackSummary(base(req), r)) };
  });

  // OpenStack: a stack named without its id answers 302 to name/id (and so do its sub-paths).
  const redirect = async (req: Req, reply: FastifyReply) => {
    const project = projectOf(req);
    const s = await findStack(store, project, req.params.name);
    const rest = req.params.rest ? `/${req.params.rest}` : '';
    const qs = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    return reply.code(302).header('location', `${stackUrl(base(req), project, s)}${rest}${qs}`).send({ location: `${stackUrl(base(req), project, s)}${rest}` });
  };
  // heatclient follows these with the same method (PUT, PATCH), as Heat's stack_lookup expects.
  scope.route({ method: ['GET', 'PUT', 'PATCH'], url: '/v1/:project/stacks/:name', handler: redirect });
  for (const sub of ['resources', 'events', 'template', 'environment', 'files', 'outputs', 'actions', 'preview']) {
    scope.route({
      method: sub === 'actions' ? ['POST'] : sub === 'preview' ? ['PUT', 'PATCH'] : ['GET'], url: `/v1/:project/stacks/:name/${sub}`,
      handler: (req: Req, reply) => { req.params.rest = sub; return redirect(req, reply); },
    });
  }
  scope.delete('/v1/:project/stacks/:name', async (req: Req, reply) => {
    const s = await findStack(store, projectOf(req), req.params.name);
    if (!(await engine.deleteStack(s.id))) throw new ActionInProgress(s.name, s.action);
    return reply.code(204).send();
  });

  const stackOf = (req: Req) => findStack(store, projectOf(req), req.params.name, req.params.id, true);

  scope.get('/v1/:project/stacks/:name/:id', async (req: Req) => ({ stack: await full(req, await stackOf(req)) }));

  scope.delete('/v1/:project/stacks/:name/:id', async (req: Req, reply) => {
    const s = await findStack(store, projectOf(req), req.params.name, req.params.id);
    if (!(await engine.deleteStack(s.id))) throw new ActionInProgress(s.name, s.action);
    return reply.code(204).send();
  });

  const previousInput = (s: StackRow): StackInput => ({ template: parseJson(s.template), environment: parseJson(s.environment), files: parseJson(s.files) });

  async function updateBody(req: Req, existing: boolean) {
    const s = await findStack(store, projectOf(req), req.params.name, req.params.id);
    const body: JsonMap = { ...(req.body ?? {}), ...(existing ? { existing: true } : {}) };
    const input = await stackInput(body, previousInput(s));
    return { s, input, body };
  }

  const update = (existing: boolean) => async (req: Req, reply: FastifyReply) => {
    const { s, input, body } = await updateBody(req, existing);
    if (s.status === 'IN_PROGRESS') throw new ActionInProgress(s.name, s.action);
    await heat(() => engine.check({ ...engine.specOf(s), ...input }));
    const extra: Partial<StackRow> = {};
    if (body['disable_rollback'] !== undefined) extra.disable_rollback = bool(body['disable_rollback']) ? 1 : 0;
    if (body['timeout_mins'] !== undefined) extra.timeout_mins = Number(body['timeout_mins']) || null;
    if (typeof body['tags'] === 'string') extra.tags = JSON.stringify(body['tags'].split(',').filter(Boolean));
    await engine.stageUpdate(s, input, extra);
    engine.updateStack(s.id);
    return reply.code(202).send();
  };
  scope.put('/v1/:project/stacks/:name/:id', update(false));
  scope.patch('/v1/:project/stacks/:name/:id', update(true));

  const preview = (existing: boolean) => async (req: Req) => {
    const { s, input } = await updateBody(req, existing);
    const { loaded } = await heat(() => engine.check({ ...engine.specOf(s), ...input }));
    const rows = Engine.current(await engine.persist.resources(s.id));
    const live = engine.evaluator(loaded, rows, s.id, s.name);
    const changes: Record<string, unknown[]> = { added: [], deleted: [], replaced: [], unchanged: [], updated: [] };
    const item = (name: string, type: string, id: string | null) => ({
      resource_name: name, resource_type: type, physical_resource_id: id ?? '', resource_action: 'INIT', resource_status: 'COMPLETE',
      resource_identity: { stack_name: s.name, stack_id: s.id, tenant: s.project_id, path: `/resources/${name}` }, required_by: [], description: '', metadata: {},
    });
    for (const [name, plugin] of loaded.plugins) {
      const type = loaded.template.resources[name]!.type;
      const props = await live.properties(name, true);
      const plan = planFor(rows.get(name), type, plugin, props);
      const bucket = { create: 'added', update: 'updated', replace: 'replaced', unchanged: 'unchanged' }[plan.kind];
      changes[bucket]!.push(item(name, type, rows.get(name)?.physical_id ?? null));
    }
    for (const [name, r] of rows) if (!loaded.plugins.has(name)) changes['deleted']!.push(item(name, r.type, r.physical_id));
    return { resource_changes: changes };
  };
  scope.put('/v1/:project/stacks/:name/:id/preview', preview(false));
  scope.patch('/v1/:project/stacks/:name/:id/preview', preview(true));

  scope.get('/v1/:project/stacks/:name/:id/template', async (req: Req) => parseJson((await stackOf(req)).template));
  scope.get('/v1/:project/stacks/:name/:id/environment', async (req: Req) => {
    const env = parseJson((await stackOf(req)).environment);
    return { parameters: {}, resource_registry: { resources: {} }, parameter_defaults: {}, encrypted_param_names: [], event_sinks: [], ...env };
  });
  scope.get('/v1/:project/stacks/:name/:id/files', async (req: Req) => parseJson((await stackOf(req)).files));

  scope.get('/v1/:project/stacks/:name/:id/outputs', async (req: Req) => {
    const s = await stackOf(req);
    const t = parseJson<JsonMap>(s.template);
    const outputs = (t['outputs'] ?? {}) as Record<string, JsonMap>;
    return { outputs: Object.entries(outputs).map(([k, o]) => ({ output_key: k, description: (o && o['description']) ?? 'No description given' })) };
  });
  scope.get('/v1/:project/stacks/:name/:id/outputs/:key', async (req: Req) => {
    const s = await stackOf(req);
    const shown = await full(req, s);
    const o = (shown['outputs'] as { output_key: string }[]).find((x) => x.output_key === req.params.key);
    if (!o) throw Object.assign(new HeatBadRequest(`Specified output key ${req.params.key} not found.`, 'NotFound'), { status: 404 });
    return { output: o };
  });

  scope.post('/v1/:project/stacks/:name/:id/actions', async (req: Req, reply) => {
    const s = await findStack(store, projectOf(req), req.params.name, req.params.id);
    const body = req.body ?? {};
    const action = Object.keys(body)[0];
    if (action === 'cancel_update' || action === 'cancel_without_rollback') {
      if (s.action !== 'UPDATE' || s.status !== 'IN_PROGRESS') throw new HeatBadRequest(`Cancelling update when stack is ${s.action}_${s.status}`, 'NotSupported');
      engine.cancel(s.id, action === 'cancel_update');
      return reply.code(200).send();
    }
    if (action === 'check' || action === 'suspend' || action === 'resume') {
      if (s.status === 'IN_PROGRESS' || (await engine.heldElsewhere(s.id))) throw new ActionInProgress(s.name, s.action);
      const verb = action.toUpperCase() as 'CHECK' | 'SUSPEND' | 'RESUME';
      // OpenStack: suspending a suspended stack (resuming a resumed one) does nothing.
      if (verb !== 'CHECK' && s.action === verb && s.status === 'COMPLETE') return reply.code(200).send();
      await engine.stackAction(s, verb);
      return reply.code(200).send();
    }
    throw new HeatBadRequest(`Invalid action ${action ?? ''}`);
  });
}
