// Finding the stack a request names (by name or id, in the caller's project) and reading a
// create/update body into template, environment and files, with Heat's errors.
import type { FastifyRequest } from 'fastify';
import { Forbidden } from '../core/errors.js';
import type { Store } from '../store/index.js';
import type { StackRow } from './engine/persist.js';
import { HeatBadRequest, StackNotFound, fromHeatError } from './errors.js';
import { HeatError, parseEnvironment, parseTemplate, validateEnvironment, type JsonMap } from './template/index.js';

/** The project in the URL must be the token's (Heat's tenant check). */
export function projectOf(req: FastifyRequest<{ Params: { project: string } }>): string {
  const auth = req.ctx.auth!;
  if (req.params.project !== auth.projectId) throw new Forbidden('You are not authorized to use this project.', 'Forbidden');
  return req.params.project;
}

export async function findStack(store: Store, project: string, nameOrId: string, id?: string, showDeleted = false): Promise<StackRow> {
  let q = store.db.selectFrom('heat_stacks').selectAll().where('project_id', '=', project);
  if (id) q = q.where('id', '=', id);
  else q = q.where((eb) => eb.or([eb('id', '=', nameOrId), eb('name', '=', nameOrId)]));
  if (!showDeleted) q = q.where('deleted_at', 'is', null);
  const rows = await q.orderBy('created_at', 'desc').execute();
  const row = rows.find((r) => !id || r.name === nameOrId || r.id === nameOrId);
  if (!row) throw new StackNotFound(id ? `${nameOrId}/${id}` : nameOrId);
  return row;
}

export interface StackInput {
  template: JsonMap;
  environment: JsonMap;
  files: Record<string, string>;
}

/** Runs template-layer code, turning its HeatErrors into 400s. */
export async function heat<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof HeatError) throw fromHeatError(e);
    throw e;
  }
}

/** template / template_url, environment, files and parameters of a create, update or validate body. */
export function stackInput(body: JsonMap, previous?: StackInput): Promise<StackInput> {
  return heat(() => {
    let template: JsonMap;
    const t = body['template'];
    if (typeof t === 'string') template = parseTemplate(t);
    else if (t && typeof t === 'object' && !Array.isArray(t)) template = t as JsonMap;
    else if (previous && body['existing']) template = previous.template;
    else if (body['template_url']) throw new HeatBadRequest('Could not retrieve template: template_url is not supported; send the template itself.');
    else throw new HeatBadRequest('No template specified');
    const e = body['environment'];
    let environment: JsonMap = typeof e === 'string' ? parseEnvironment(e) : e && typeof e === 'object' ? validateEnvironment(e as JsonMap) : {};
    const params = body['parameters'];
    if (params && typeof params === 'object') environment = { ...environment, parameters: { ...(environment['parameters'] as JsonMap ?? {}), ...(params as JsonMap) } };
    if (previous && body['existing']) {
      const prevEnv = previous.environment;
      environment = {
        ...prevEnv, ...environment,
        parameters: { ...((prevEnv['parameters'] ?? {}) as JsonMap), ...((environment['parameters'] ?? {}) as JsonMap) },
        resource_registry: { ...((prevEnv['resource_registry'] ?? {}) as JsonMap), ...((environment['resource_registry'] ?? {}) as JsonMap) },
      };
      for (const k of (body['clear_parameters'] ?? []) as string[]) delete (environment['parameters'] as JsonMap)[k];
    }
    const files = { ...(previous && body['existing'] ? previous.files : {}), ...((body['files'] ?? {}) as Record<string, string>) };
    return { template, environment, files };
  });
}
