// Every Block Storage route under `/volume`: the version documents, then /v3/{project_id}/…
// (and /v3/… without the project from 3.67) with microversion negotiation on every request.
// A project id in the URL that is not the token's is Cinder's 400 "Malformed request url".
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { cinderCaller, type Cinder } from './context.js';
import { BadRequest } from './errors.js';
import { MAX_VERSION, MIN_VERSION, minorOf, negotiate, since } from './microversion.js';
import { infoRoutes } from './routes-info.js';
import { snapshotRoutes } from './routes-snapshots.js';
import { typeRoutes } from './routes-types.js';
import { volumeRoutes } from './routes-volumes.js';
import type { ViewContext } from './views.js';

export const PREFIX = '/volume';

type Handler = (req: FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string | string[]> }>, reply: FastifyReply) => Promise<unknown>;
/** Registers a route both under /v3/{project_id} and (from 3.67) under /v3. */
export type Route = (method: HTTPMethods, path: string, handler: Handler, opts?: { anyJson?: boolean }) => void;

const version = (base: string) => ({
  id: 'v3.0', status: 'CURRENT', version: MAX_VERSION, min_version: MIN_VERSION, updated: '2023-05-01T00:00:00Z',
  links: [{ rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' }, { rel: 'self', href: `${base}/v3/` }],
  'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
});

/** What a view needs of the request: base URL, the URL's project, the microversion, the caller. */
export function viewOf(req: FastifyRequest): ViewContext {
  const caller = cinderCaller(req);
  const project = (req.params as Record<string, string | undefined>)['project_id'] ?? caller.projectId;
  return { base: `${req.ctx.baseUrl}${PREFIX}`, project, minor: minorOf(req), caller };
}

export function volumeApiRoutes(scope: FastifyInstance, c: Cinder): void {
  const base = (req: FastifyRequest) => `${req.ctx.baseUrl}${PREFIX}`;
  scope.get('/', { config: { public: true } }, async (req, reply) => reply.code(300).send({ versions: [version(base(req))] }));
  scope.addHook('onRequest', async (req, reply) => {
    if (req.url.split('?')[0]!.startsWith(`${PREFIX}/v3`)) negotiate(req, reply);
  });
  scope.get('/v3', { config: { public: true } }, async (req) => ({ versions: [version(base(req))] }));
  scope.get('/v3/:project_id', async (req) => ({ versions: [version(base(req))] }));
  const route: Route = (method, path, handler, opts = {}) => {
    const config = { anyJson: opts.anyJson === true };
    scope.route({
      method, url: `/v3/:project_id${path}`, config, handler: async (req, reply) => {
        const project = (req.params as Record<string, string>)['project_id'];
        if (project !== cinderCaller(req).projectId) throw new BadRequest('Malformed request url');
        return handler(req as never, reply);
      },
    });
    scope.route({ method, url: `/v3${path}`, config, handler: async (req, reply) => { since(req, 67); return handler(req as never, reply); } });
  };
  volumeRoutes(route, c);
  snapshotRoutes(route, c);
  typeRoutes(route, c);
  infoRoutes(route, c);
}
