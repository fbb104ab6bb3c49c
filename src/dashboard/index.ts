// The dashboard: a web console served by the edge under /dashboard. Only static files and the
// change stream live here; the page does everything else through the public OpenStack APIs with
// the user's own token (kept in the page's memory, sent as X-Auth-Token: no cookie, so no CSRF).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFound, ServiceUnavailable, type ApiError } from '../core/errors.js';
import { defineModule } from '../core/module.js';
import { identityModule } from '../identity/index.js';
import { assetsDir, loadAssets, type Asset } from './assets.js';
import { streamChanges } from './events.js';

// The page talks only to its own origin (the APIs and the console websocket) and is never framed.
const CSP = "default-src 'self'; connect-src 'self' ws: wss:; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export const dashboardModule = defineModule<Record<string, never>>({
  name: 'dashboard',
  roles: ['api'],
  requires: [identityModule],
  create(env) {
    const { authenticate } = env.get(identityModule);
    const assets = loadAssets(assetsDir());
    const send = (req: FastifyRequest, reply: FastifyReply, a: Asset | undefined) => {
      if (!a) throw new ServiceUnavailable('The dashboard is not built: run npm run build.');
      void reply.headers({ 'content-type': a.type, etag: a.etag, 'cache-control': 'no-cache', 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
      if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
      const gz = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      if (gz) void reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding');
      return reply.send(gz ? a.gzip : a.body);
    };
    return {
      exports: {},
      http: {
        name: 'dashboard', prefix: '/dashboard',
        renderError: (err: ApiError) => ({ error: { code: err.status, title: err.type, message: err.message } }),
        routes(scope: FastifyInstance) {
          scope.get('/', { config: { public: true } }, async (req, reply) => send(req, reply, assets.get('index.html')));
          scope.get<{ Params: { file: string } }>('/assets/:file', { config: { public: true } }, async (req, reply) => {
            const a = assets.get(req.params.file);
            if (!a && assets.size) throw new NotFound(`No file ${req.params.file}.`);
            return send(req, reply, a);
          });
          scope.get('/events', { config: { stream: true } }, async (req, reply) => streamChanges(env.store, authenticate, req, reply));
        },
      },
    };
  },
});
