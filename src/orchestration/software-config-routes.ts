// Heat's software configuration API: `/software_configs` (immutable configs), `/software_deployments`
// (a config applied to a server, its status moved by the server's agent or the user) and a
// server's deployment metadata — what an agent on the server reads to know what to run. The
// OS::Heat::Software* resources that build on it are not here yet.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Conflict, NotFound } from '../core/errors.js';
import { newUuid } from '../core/ids.js';
import type { Engine } from './engine/engine.js';
import { HeatBadRequest } from './errors.js';
import { projectOf } from './lookup.js';
import type { OrchestrationTables } from './tables.js';

type ConfigRow = OrchestrationTables['heat_software_configs'];
type DeploymentRow = OrchestrationTables['heat_software_deployments'];
type Req = FastifyRequest<{ Params: { project: string; id: string }; Querystring: Record<string, string | undefined> }>;

const time = (t: string | null) => (t ? `${t.slice(0, 19)}Z` : null);
const configNotFound = (id: string) => new NotFound(`The Software Config (${id}) could not be found.`, 'EntityNotFound');
const deploymentNotFound = (id: string) => new NotFound(`The Software Deployment (${id}) could not be found.`, 'EntityNotFound');

function configView(c: ConfigRow, detail = true): Record<string, unknown> {
  const out: Record<string, unknown> = { id: c.id, name: c.name, group: c.group, creation_time: time(c.created_at) };
  if (detail) Object.assign(out, { config: c.config, inputs: JSON.parse(c.inputs), outputs: JSON.parse(c.outputs), options: JSON.parse(c.options), project: c.project_id });
  return out;
}

function deploymentView(d: DeploymentRow): Record<string, unknown> {
  return {
    id: d.id, config_id: d.config_id, server_id: d.server_id, input_values: JSON.parse(d.input_values), output_values: JSON.parse(d.output_values),
    action: d.action, status: d.status, status_reason: d.status_reason, creation_time: time(d.created_at), updated_time: time(d.updated_at),
  };
}

function body(req: Req): Record<string, unknown> {
  const b = req.body as unknown;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw new HeatBadRequest('The request body must be a JSON object.');
  return b as Record<string, unknown>;
}
function text(b: Record<string, unknown>, key: string, fallback?: string): string {
  const v = b[key] ?? fallback;
  if (typeof v !== 'string') throw new HeatBadRequest(v === undefined ? `The attribute ${key} is required.` : `The attribute ${key} must be a string.`);
  return v;
}
function json(b: Record<string, unknown>, key: string, kind: 'list' | 'map'): string {
  const v = b[key] ?? (kind === 'list' ? [] : {});
  if (kind === 'list' ? !Array.isArray(v) : !v || typeof v !== 'object' || Array.isArray(v)) throw new HeatBadRequest(`The attribute ${key} must be a ${kind}.`);
  return JSON.stringify(v);
}

export function softwareConfigRoutes(scope: FastifyInstance, engine: Engine): void {
  const store = engine.persist.store;
  // `on` is the transaction when inside one (the embedded store has one connection).
  const loadConfig = async (project: string, id: string, on: Pick<typeof store, 'db'> = store) => {
    const c = await on.db.selectFrom('heat_software_configs').selectAll().where('id', '=', id).where('project_id', '=', project).executeTakeFirst();
    if (!c) throw configNotFound(id);
    return c;
  };
  const loadDeployment = async (project: string, id: string, on: Pick<typeof store, 'db'> = store) => {
    const d = await on.db.selectFrom('heat_software_deployments').selectAll().where('id', '=', id).where('project_id', '=', project).executeTakeFirst();
    if (!d) throw deploymentNotFound(id);
    return d;
  };

  scope.get('/v1/:project/software_configs', async (req: Req) => {
    const project = projectOf(req);
    const rows = await store.db.selectFrom('heat_software_configs').selectAll().where('project_id', '=', project).orderBy('created_at').orderBy('id').execute();
    return { software_configs: rows.map((c) => configView(c, false)) };
  });
  scope.post('/v1/:project/software_configs', async (req: Req) => {
    const project = projectOf(req);
    const b = body(req);
    const row: ConfigRow = {
      id: newUuid(), project_id: project, name: text(b, 'name', ''), group: text(b, 'group', 'Heat::Ungrouped'), config: text(b, 'config', ''),
      inputs: json(b, 'inputs', 'list'), outputs: json(b, 'outputs', 'list'), options: json(b, 'options', 'map'), created_at: new Date().toISOString(),
    };
    await store.tx(async (tx) => {
      await tx.db.insertInto('heat_software_configs').values(row).execute();
      await tx.emit({ resource: 'software_config', id: row.id, action: 'create', projectId: project });
    });
    return { software_config: configView(row) };
  });
  scope.get('/v1/:project/software_configs/:id', async (req: Req) => ({ software_config: configView(await loadConfig(projectOf(req), req.params.id)) }));
  scope.delete('/v1/:project/software_configs/:id', async (req: Req, reply) => {
    const project = projectOf(req);
    await store.tx(async (tx) => {
      const c = await loadConfig(project, req.params.id, tx);
      const used = await tx.db.selectFrom('heat_software_deployments').select('id').where('config_id', '=', c.id).executeTakeFirst();
      if (used) throw new Conflict(`Software config ${c.id} is used by deployment ${used.id}.`, 'InvalidRestrictedAction');
      await tx.db.deleteFrom('heat_software_configs').where('id', '=', c.id).execute();
      await tx.emit({ resource: 'software_config', id: c.id, action: 'delete', projectId: project });
    });
    return reply.code(204).send();
  });

  scope.get('/v1/:project/software_deployments', async (req: Req) => {
    const project = projectOf(req);
    let q = store.db.selectFrom('heat_software_deployments').selectAll().where('project_id', '=', project);
    if (req.query.server_id) q = q.where('server_id', '=', req.query.server_id);
    return { software_deployments: (await q.orderBy('created_at').orderBy('id').execute()).map(deploymentView) };
  });
  scope.post('/v1/:project/software_deployments', async (req: Req) => {
    const project = projectOf(req);
    const b = body(req);
    const config = await loadConfig(project, text(b, 'config_id'));
    const row: DeploymentRow = {
      id: newUuid(), project_id: project, config_id: config.id, server_id: text(b, 'server_id'), action: text(b, 'action', 'INIT'),
      status: text(b, 'status', 'COMPLETE'), status_reason: text(b, 'status_reason', ''), input_values: json(b, 'input_values', 'map'),
      output_values: '{}', created_at: new Date().toISOString(), updated_at: null,
    };
    await store.tx(async (tx) => {
      await tx.db.insertInto('heat_software_deployments').values(row).execute();
      await tx.emit({ resource: 'software_deployment', id: row.id, action: 'create', projectId: project });
    });
    return { software_deployment: deploymentView(row) };
  });
  // What an agent on the server reads: each deployed config, its inputs carrying the deployment's values.
  scope.get('/v1/:project/software_deployments/metadata/:id', async (req: Req) => {
    const project = projectOf(req);
    const rows = await store.db.selectFrom('heat_software_deployments').innerJoin('heat_software_configs', 'heat_software_configs.id', 'heat_software_deployments.config_id')
      .selectAll('heat_software_configs').select(['heat_software_deployments.input_values', 'heat_software_deployments.updated_at', 'heat_software_deployments.created_at as deployed_at'])
      .where('heat_software_deployments.server_id', '=', req.params.id).where('heat_software_deployments.project_id', '=', project).execute();
    const metadata = rows.map((r) => {
      const values = JSON.parse(r.input_values) as Record<string, unknown>;
      const inputs = (JSON.parse(r.inputs) as Record<string, unknown>[]).map((i) => (typeof i.name === 'string' && i.name in values ? { ...i, value: values[i.name] } : i));
      return { ...configView(r), inputs, creation_time: time(r.deployed_at), updated_time: time(r.updated_at) } as Record<string, unknown>;
    }).sort((a, b) => String(a.name).localeCompare(String(b.name)));
    return { metadata };
  });
  scope.get('/v1/:project/software_deployments/:id', async (req: Req) => ({ software_deployment: deploymentView(await loadDeployment(projectOf(req), req.params.id)) }));
  scope.put('/v1/:project/software_deployments/:id', async (req: Req) => {
    const project = projectOf(req);
    const b = body(req);
    const change: Partial<DeploymentRow> = { updated_at: new Date().toISOString() };
    for (const k of ['action', 'status', 'status_reason'] as const) if (b[k] !== undefined) change[k] = text(b, k);
    if (b.input_values !== undefined) change.input_values = json(b, 'input_values', 'map');
    if (b.output_values !== undefined) change.output_values = json(b, 'output_values', 'map');
    if (b.config_id !== undefined) change.config_id = (await loadConfig(project, text(b, 'config_id'))).id;
    const row = await store.tx(async (tx) => {
      const d = await loadDeployment(project, req.params.id, tx);
      await tx.db.updateTable('heat_software_deployments').set(change).where('id', '=', d.id).execute();
      await tx.emit({ resource: 'software_deployment', id: d.id, action: 'update', projectId: project });
      return { ...d, ...change };
    });
    return { software_deployment: deploymentView(row) };
  });
  scope.delete('/v1/:project/software_deployments/:id', async (req: Req, reply) => {
    const project = projectOf(req);
    await store.tx(async (tx) => {
      const d = await loadDeployment(project, req.params.id, tx);
      await tx.db.deleteFrom('heat_software_deployments').where('id', '=', d.id).execute();
      await tx.emit({ resource: 'software_deployment', id: d.id, action: 'delete', projectId: project });
    });
    return reply.code(204).send();
  });
}
