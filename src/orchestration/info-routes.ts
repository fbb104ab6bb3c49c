// What the service tells about itself: versions, build_info, template_versions and their
// functions, resource_types and their schemas (from the plugin declarations), and validate.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Engine } from './engine/engine.js';
import { ownerOf } from './engine/loaded.js';
import { HeatBadRequest } from './errors.js';
import { heat, projectOf, stackInput } from './lookup.js';
import { PLUGINS } from './resources/registry.js';
import { schemaView } from './resources/properties.js';
import { listTemplateFunctions, listTemplateVersions, type JsonMap } from './template/index.js';
import { NotFound } from '../core/errors.js';

type Req = FastifyRequest<{ Params: { project: string; version: string; type: string }; Querystring: Record<string, string>; Body: JsonMap }>;

const PARAM_TYPES: Record<string, string> = { string: 'String', number: 'Number', comma_delimited_list: 'CommaDelimitedList', json: 'Json', boolean: 'Boolean' };

export function infoRoutes(scope: FastifyInstance, engine: Engine): void {
  scope.get('/', { config: { public: true } }, async (req, reply) => reply.code(300).send({
    versions: [{ id: 'v1.0', status: 'CURRENT', links: [{ rel: 'self', href: `${req.ctx.baseUrl}/orchestration/v1/` }] }],
  }));
  scope.get('/v1/:project/build_info', async (req: Req) => { projectOf(req); return { api: { revision: 'pier' }, engine: { revision: 'pier' } }; });
  scope.get('/v1/:project/template_versions', async (req: Req) => { projectOf(req); return { template_versions: listTemplateVersions() }; });
  scope.get('/v1/:project/template_versions/:version/functions', async (req: Req) => {
    projectOf(req);
    const fns = listTemplateFunctions(req.params.version, req.query['with_condition_func'] === 'true');
    if (!fns) throw new NotFound(`The template version ${req.params.version} could not be found.`, 'NotFound');
    return { template_functions: fns };
  });
  scope.get('/v1/:project/resource_types', async (req: Req) => {
    projectOf(req);
    const names = [...PLUGINS.keys()].sort();
    if (req.query['with_description'] === 'true') return { resource_types: names.map((n) => ({ resource_type: n, description: PLUGINS.get(n)!.description })) };
    return { resource_types: names };
  });
  scope.get('/v1/:project/resource_types/:type', async (req: Req) => {
    projectOf(req);
    const p = PLUGINS.get(req.params.type);
    if (!p) throw new NotFound(`The Resource Type (${req.params.type}) could not be found.`, 'EntityNotFound');
    return {
      resource_type: p.type, description: p.description, support_status: { status: 'SUPPORTED', version: null, message: null, previous_status: null },
      properties: Object.fromEntries(Object.entries(p.properties).map(([k, s]) => [k, schemaView(s)])),
      attributes: Object.fromEntries(Object.entries(p.attributes).map(([k, a]) => [k, { description: a.description, ...(a.type ? { type: a.type } : {}) }])),
    };
  });
  scope.post('/v1/:project/validate', async (req: Req) => {
    projectOf(req);
    const body = req.body ?? {};
    if (body['template'] === undefined && body['template_url'] === undefined) throw new HeatBadRequest('No Template provided.');
    const input = await stackInput(body);
    const { loaded } = await heat(() => engine.check({ id: '', name: 'validate', ...input, owner: ownerOf(req.ctx.auth!) }));
    const Parameters: Record<string, unknown> = {};
    for (const [n, s] of Object.entries(loaded.params.schemata)) {
      if (n.startsWith('OS::')) continue;
      Parameters[n] = {
        Type: PARAM_TYPES[s.type], Description: s.description ?? '', Label: s.label ?? n, NoEcho: s.hidden ? 'true' : 'false',
        ...(s.default !== null ? { Default: s.default } : {}), ...(loaded.params.values[n] !== undefined ? { Value: loaded.params.values[n] } : {}),
      };
    }
    return { Description: loaded.template.description, Parameters, ...(loaded.template.parameterGroups ? { ParameterGroups: loaded.template.parameterGroups } : {}) };
  });
}
