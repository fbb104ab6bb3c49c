// The edge: one fastify server; each OpenStack service is mounted under its prefix as an
// encapsulated plugin with its own auth hook, error body and 404. Every response carries
// x-openstack-request-id; one log line per request.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ApiError, InternalError, NotFound, PayloadTooLarge, ServiceUnavailable, Unauthorized, UnsupportedMediaType, UriTooLong, BadRequest, httpTitles } from '../errors.js';
import { parseJsonBody } from './json-body.js';
import { unavailableReason } from '../../store/unavailable.js';
import type { AuthContext, RequestContext } from './context.js';

declare module 'fastify' {
  interface FastifyRequest { ctx: RequestContext }
  interface FastifyContextConfig {
    /** The route needs no token (version documents, `POST /v3/auth/tokens`). */
    public?: boolean;
    /** The route's body may be any JSON value, not only an object (a JSON patch list; a body the route ignores). */
    anyJson?: boolean;
    /** The route answers with a stream that stays open (the dashboard's change feed): its client ends it. */
    stream?: boolean;
  }
}

/** Renders an error into a service's own body shape (Keystone, Neutron, Nova and Heat differ). */
export type ErrorRenderer = (err: ApiError, ctx: RequestContext) => unknown;

/** Validates a token for any service's auth hook (identity provides it). */
export type Authenticate = (token: string) => Promise<AuthContext>;

export interface Service {
  /** Short name for logs. */
  readonly name: string;
  readonly prefix: string;
  readonly renderError: ErrorRenderer;
  /** Registers the service's routes on its scope (paths relative to the prefix). */
  routes(scope: FastifyInstance): void | Promise<void>;
  /**
   * Takes an HTTP upgrade (a websocket) whose path is under the prefix: fastify routes do not
   * see upgrades. It owns `socket` from then on (authenticates, answers or destroys it).
   */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export interface ServerOptions {
  logger: Logger;
  bodyLimit?: number;
}

export function createServer(opts: ServerOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }), // one line per request, ours
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    genReqId: (req) => {
      const given = req.headers['x-openstack-request-id'];
      return typeof given === 'string' && /^req-[0-9a-f-]{36}$/.test(given) ? given : `req-${randomUUID()}`;
    },
    // A 255-character name or tag (Keystone, Neutron, Heat allow them) fits in a path
    // segment even percent-encoded; the router's default of 100 answered those with a 414.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 2048 },
    // OpenStack: Neutron takes a `.json` format suffix on any path (`/v2.0/networks.json`);
    // JSON is the only format, so the suffix is dropped before routing.
    rewriteUrl: (req) => {
      const url = req.url ?? '/';
      if (!url.startsWith('/networking/')) return url;
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      return path.endsWith('.json') ? `${path.slice(0, -5)}${q < 0 ? '' : url.slice(q)}` : url;
    },
    return503OnClosing: true,
    // URLs the router refuses (bad percent-encoding, an overlong segment) never reach a
    // service's hooks: answer them here in that service's error body, not fastify's.
    frameworkErrors: (err, req, reply) => {
      req.ctx ??= { requestId: req.id, baseUrl: `${req.protocol}://${req.host}` };
      const api = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? new UriTooLong('The request URL is too long.') : new BadRequest('The request URL is not valid.', 'HTTPBadRequest');
      const service = serviceOf(req.url);
      const body = service ? service.renderError(api, req.ctx) : { message: api.message, error: httpTitles[api.status], statusCode: api.status };
      void (reply as FastifyReply).code(api.status).headers({ ...api.headers, 'x-openstack-request-id': req.id }).send(body);
    },
  });
  app.decorateRequest('ctx', null as unknown as RequestContext);
  // One 404 for the whole server, in the shape of the service whose prefix the path has: a
  // not-found handler per service is a catch-all route for each of ~30 methods, twice, and
  // registering those was a good part of start time.
  const services: Service[] = [];
  mounted.set(app, services);
  const serviceOf = (url: string) => {
    const path = url.split('?')[0]!;
    return services.find((s) => path === s.prefix || path.startsWith(`${s.prefix}/`));
  };
  // Websockets (Nova's serial console) go to the service whose prefix the path has; no one else takes them.
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const service = serviceOf(req.url ?? '/');
    if (service?.upgrade) return service.upgrade(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    const service = serviceOf(path);
    if (!service) return reply.code(404).send({ message: `Route ${req.method}:${path} not found`, error: 'Not Found', statusCode: 404 });
    return reply.code(404).send(service.renderError(new NotFound('The resource could not be found.'), req.ctx));
  });
  app.addHook('onRequest', async (req, reply) => {
    req.ctx = { requestId: req.id, baseUrl: `${req.protocol}://${req.host}` };
    reply.header('x-openstack-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    req.log.info({ method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
  });
  // OpenStack bodies are JSON. An empty body is no body (clients send PUT/DELETE with a JSON
  // content type and nothing in it); services needing other media types add their own parsers.
  app.removeAllContentTypeParsers();
  // A route taking other JSON than an object says `config: { anyJson: true }` (Magnum's JSON
  // patches; Tempest adds a Neutron tag with the JSON string "{}").
  app.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    const topLevel = req.routeOptions.config?.anyJson ? 'any' : 'object';
    try { done(null, parseJsonBody(String(body), { topLevel })); } catch (err) { done(err as Error, undefined); }
  });
  return app;
}

/** The services mounted on each server, for its 404. */
const mounted = new WeakMap<FastifyInstance, Service[]>();

/** One route as mounted: full URL pattern (`/networking/v2.0/ports/:id`), method, owning service. */
export interface MountedRoute {
  readonly method: string;
  readonly url: string;
  readonly service: Service;
  /** Answers without a token. */
  readonly public: boolean;
  /** Answers with a stream that stays open until the client leaves. */
  readonly stream: boolean;
}

const routeLists = new WeakMap<FastifyInstance, MountedRoute[]>();

/** Every route the services mounted on `app` (tests walk them: the fuzzer covers each new route unasked). */
export function mountedRoutes(app: FastifyInstance): readonly MountedRoute[] {
  return routeLists.get(app) ?? [];
}

/** Mounts `service` under its prefix with its own auth hook, error renderer and 404. */
export async function mount(app: FastifyInstance, service: Service, authenticate: Authenticate): Promise<void> {
  mounted.get(app)?.push(service);
  if (!routeLists.has(app)) routeLists.set(app, []);
  const routes = routeLists.get(app)!;
  await app.register(async (scope) => {
    scope.addHook('onRoute', (r) => {
      for (const method of [r.method].flat()) routes.push({ method, url: r.url, service, public: Boolean(r.config?.public), stream: Boolean(r.config?.stream) });
    });
    scope.addHook('onRequest', async (req) => {
      // No stored text may hold a NUL (PostgreSQL's cannot): refused alike on every store.
      if (/%00/i.test(req.url)) throw new BadRequest('The request URL contains a NUL character.', 'HTTPBadRequest');
      if (req.routeOptions.config?.public) return;
      const token = req.headers['x-auth-token'];
      if (typeof token !== 'string' || !token) {
        if (!req.routeOptions.url) return; // unknown route: let the 404 answer
        throw new Unauthorized('The request you have made requires authentication.');
      }
      req.ctx.auth = await authenticate(token);
    });
    scope.setErrorHandler((err: FastifyError | ApiError, req: FastifyRequest, reply: FastifyReply) => {
      const api = toApiError(err);
      if (api.status === 503) req.log.warn({ err }, 'store unavailable');
      else if (api.status >= 500) req.log.error({ err }, 'unexpected error');
      const body = service.renderError(api, req.ctx); // may add headers (WWW-Authenticate)
      void reply.code(api.status).headers(api.headers).send(body);
    });
    await service.routes(scope);
  }, { prefix: service.prefix });
}

function toApiError(err: FastifyError | ApiError): ApiError {
  if (err instanceof ApiError) return err;
  const code = (err as FastifyError).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new PayloadTooLarge('Request is too large.');
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new UnsupportedMediaType(err.message);
  const status = (err as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) return Object.assign(new BadRequest(err.message, 'HTTPBadRequest'), { status });
  const unavailable = unavailableReason(err);
  if (unavailable) return new ServiceUnavailable(`The service is unavailable: ${unavailable}. Try again later.`);
  return new InternalError('An unexpected error prevented the server from fulfilling your request.');
}
