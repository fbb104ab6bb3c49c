// Every Container Infrastructure Management route under `/container-infra`: the version
// documents, then /v1 with microversion negotiation on every request (templates, clusters,
// nodegroups, certificates, quotas, stats, mservices — see routes-*.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Magnum } from './context.js';
import { MAX_VERSION_TEXT, MIN_VERSION_TEXT } from './errors.js';
import { negotiate } from './microversion.js';
import { clusterRoutes } from './routes-clusters.js';
import { serviceRoutes } from './routes-services.js';
import { templateRoutes } from './routes-templates.js';

export const PREFIX = '/container-infra';

export const baseOf = (req: FastifyRequest): string => `${req.ctx.baseUrl}${PREFIX}`;

const link = (href: string, rel: string) => ({ href, rel });

function root(req: FastifyRequest) {
  return {
    name: 'OpenStack Magnum API',
    description: 'Magnum is an OpenStack project which aims to provide container cluster management.',
    versions: [{ id: 'v1', status: 'CURRENT', max_version: MAX_VERSION_TEXT, min_version: MIN_VERSION_TEXT, links: [link(`${baseOf(req)}/v1/`, 'self')] }],
  };
}

function v1(req: FastifyRequest) {
  const base = baseOf(req);
  const pair = (what: string) => [link(`${base}/v1/${what}/`, 'self'), link(`${base}/${what}/`, 'bookmark')];
  return {
    id: 'v1',
    media_types: [{ base: 'application/json', type: 'application/vnd.openstack.magnum.v1+json' }],
    links: [link(`${base}/v1/`, 'self'), { href: 'http://docs.openstack.org/developer/magnum/dev/api-spec-v1.html', rel: 'describedby', type: 'text/html' }],
    clustertemplates: pair('clustertemplates'), clusters: pair('clusters'), quotas: pair('quotas'), certificates: pair('certificates'),
    mservices: pair('mservices'), stats: pair('stats'), federations: pair('federations'),
    nodegroups: [link(`${base}/v1/clusters/{cluster_id}/nodegroups`, 'self'), link(`${base}/clusters/{cluster_id}/nodegroups`, 'bookmark')],
  };
}

export function clustersRoutes(scope: FastifyInstance, m: Magnum): void {
  scope.get('/', { config: { public: true } }, async (req) => root(req));
  // Every /v1 request (after the token check) names or defaults its microversion.
  scope.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (path.startsWith(`${PREFIX}/v1`)) negotiate(req, reply);
  });
  scope.get('/v1', { config: { public: true } }, async (req) => v1(req));
  templateRoutes(scope, m);
  clusterRoutes(scope, m);
  serviceRoutes(scope, m);
}
