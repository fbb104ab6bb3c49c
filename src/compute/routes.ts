// Every Compute v2.1 route under the service's prefix (`/compute`): version documents, flavors,
// keypairs, servers (+ actions, metadata, interfaces), quotas, limits, availability zones.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { novaCaller, authorize, type ComputeContext } from './context.js';
import { NovaNotFound, ValidationError } from './errors.js';
import { BadRequest } from '../core/errors.js';
import { lastValues, type QueryParams } from '../core/resource/index.js';
import { changeAccess, createFlavor, deleteExtraSpec, deleteFlavor, flavorAccess, flavorView, listFlavors, loadFlavor, setExtraSpecs } from './flavors.js';
import { keypairRoutes } from './keypairs.js';
import { atLeast, MAX_VERSION, MIN_VERSION, negotiate, versionText } from './microversion.js';
import { computeUsage, quotaLimit, quotaRoutes } from './quotas.js';
import { serverAction } from './server-actions.js';
import { remoteConsoleRoutes } from './remote-consoles.js';
import { createServers } from './server-create.js';
import { interfaceRoutes, metadataRoutes } from './server-extras.js';
import { instanceActionRoutes } from './instance-actions.js';
import { volumeAttachmentRoutes } from './volume-attachments.js';
import { detailViews, deleteServer, listServers, loadServer, updateServer } from './servers.js';
import { updateView } from './server-view.js';
import { resourceLinks } from './flavors.js';
import { serviceRoutes } from './compute-services.js';
import { hypervisorRoutes } from './hypervisors.js';
import { aggregateRoutes } from './aggregates.js';
import { usageRoutes } from './usage.js';
import { serverAdminRoutes } from './server-admin.js';
import { serverTagRoutes } from './server-tags.js';
import { proxyRoutes } from './proxies.js';
import { serverGroupCount, serverGroupRoutes } from './server-groups.js';

const UPDATED = '2013-07-23T11:33:21Z';

function version(req: FastifyRequest, v: '2.0' | '2.1') {
  return {
    id: `v${v}`, status: v === '2.1' ? 'CURRENT' : 'SUPPORTED', version: v === '2.1' ? versionText(MAX_VERSION) : '',
    min_version: v === '2.1' ? versionText(MIN_VERSION) : '', updated: UPDATED,
    links: [{ rel: 'self', href: `${req.ctx.baseUrl}/compute/v${v === '2.1' ? '2.1' : '2'}/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2' }],
  };
}

type P = { Params: { id: string } };
type Q = { Querystring: QueryParams };

export function computeRoutes(scope: FastifyInstance, ctx: ComputeContext): void {
  scope.addHook('onRequest', async (req, reply) => {
    // OpenStack: Nova names the request id in its own header too (Tempest reads it for instance actions).
    void reply.header('x-compute-request-id', req.id);
    return negotiate(req, reply);
  });
  scope.get('/', { config: { public: true } }, async (req) => ({ versions: [version(req, '2.0'), version(req, '2.1')] }));
  scope.get('/v2.1', { config: { public: true } }, async (req) => ({ version: version(req, '2.1') }));
  scope.get('/v2', { config: { public: true } }, async (req) => ({ version: version(req, '2.0') }));

  // Flavors.
  const flavorList = (detail: boolean) => async (req: FastifyRequest<Q>) => ({
    flavors: (await listFlavors(ctx.store, novaCaller(req), lastValues(req.query))).map((f) => flavorView(req, f, detail)),
  });
  scope.get<Q>('/v2.1/flavors', flavorList(false));
  scope.get<Q>('/v2.1/flavors/detail', flavorList(true));
  scope.get<P>('/v2.1/flavors/:id', async (req) => ({ flavor: flavorView(req, await loadFlavor(ctx.store, novaCaller(req), req.params.id)) }));
  scope.post('/v2.1/flavors', async (req) => {
    authorize(novaCaller(req), 'os_compute_api:os-flavor-manage:create');
    return { flavor: flavorView(req, await createFlavor(ctx.store, req, req.body)) };
  });
  scope.put<P>('/v2.1/flavors/:id', async (req) => {
    authorize(novaCaller(req), 'os_compute_api:os-flavor-manage:update');
    const d = (req.body as { flavor?: { description?: unknown } } | null)?.flavor?.description;
    if (d !== null && typeof d !== 'string') throw new ValidationError('description', d, "'description' is a required property");
    await loadFlavor(ctx.store, novaCaller(req), req.params.id);
    await ctx.store.tx(async (tx) => { await tx.db.updateTable('flavors').set({ description: d }).where('id', '=', req.params.id).execute(); await tx.emit({ resource: 'flavor', id: req.params.id, action: 'update' }); });
    return { flavor: flavorView(req, await loadFlavor(ctx.store, novaCaller(req), req.params.id)) };
  });
  scope.delete<P>('/v2.1/flavors/:id', async (req, reply) => {
    authorize(novaCaller(req), 'os_compute_api:os-flavor-manage:delete');
    await deleteFlavor(ctx.store, req.params.id);
    return reply.code(202).send();
  });
  scope.get<P>('/v2.1/flavors/:id/os-extra_specs', async (req) => ({ extra_specs: JSON.parse((await loadFlavor(ctx.store, novaCaller(req), req.params.id)).extra_specs) }));
  scope.post<P>('/v2.1/flavors/:id/os-extra_specs', async (req) => {
    authorize(novaCaller(req), 'os_compute_api:os-flavor-extra-specs:create');
    const specs = (req.body as { extra_specs?: unknown } | null)?.extra_specs;
    return { extra_specs: await setExtraSpecs(ctx.store, req.params.id, specs) };
  });
  type PK = { Params: { id: string; key: string } };
  scope.get<PK>('/v2.1/flavors/:id/os-extra_specs/:key', async (req) => {
    const specs = JSON.parse((await loadFlavor(ctx.store, novaCaller(req), req.params.id)).extra_specs) as Record<string, string>;
    if (!Object.hasOwn(specs, req.params.key)) throw new NovaNotFound(`Flavor ${req.params.id} has no extra specs with key ${req.params.key}.`);
    return { [req.params.key]: specs[req.params.key] };
  });
  scope.put<PK>('/v2.1/flavors/:id/os-extra_specs/:key', async (req) => {
    authorize(novaCaller(req), 'os_compute_api:os-flavor-extra-specs:update');
    await setExtraSpecs(ctx.store, req.params.id, req.body, req.params.key);
    return req.body;
  });
  scope.delete<PK>('/v2.1/flavors/:id/os-extra_specs/:key', async (req, reply) => {
    authorize(novaCaller(req), 'os_compute_api:os-flavor-extra-specs:delete');
    await deleteExtraSpec(ctx.store, req.params.id, req.params.key);
    return reply.code(200).send();
  });
  scope.get<P>('/v2.1/flavors/:id/os-flavor-access', async (req) => {
    authorize(novaCaller(req), 'os_compute_api:os-flavor-access');
    return { flavor_access: await flavorAccess(ctx.store, req.params.id) };
  });
  scope.post<P>('/v2.1/flavors/:id/action', async (req) => {
    const body = (req.body ?? {}) as Record<string, { tenant?: unknown } | undefined>;
    const add = 'addTenantAccess' in body;
    if (!add && !('removeTenantAccess' in body)) throw new BadRequest(`There is no such action: ${Object.keys(body)[0] ?? ''}`);
    authorize(novaCaller(req), `os_compute_api:os-flavor-access:${add ? 'add' : 'remove'}_tenant_access`);
    await changeAccess(ctx.store, req.params.id, (add ? body.addTenantAccess : body.removeTenantAccess)?.tenant, add);
    return { flavor_access: await flavorAccess(ctx.store, req.params.id) };
  });

  keypairRoutes(scope, ctx);
  quotaRoutes(scope, ctx);

  // Servers.
  scope.get('/v2.1/servers', async (req) => listServers(ctx, req, false));
  scope.get('/v2.1/servers/detail', async (req) => listServers(ctx, req, true));
  scope.post('/v2.1/servers', async (req, reply) => {
    const made = await createServers(ctx, novaCaller(req), req.body as { server?: Record<string, unknown> } | null, req, { requestId: req.id });
    const body = (req.body as { server: { return_reservation_id?: unknown } }).server;
    if (body.return_reservation_id === true || body.return_reservation_id === 'True') return reply.code(202).send({ reservation_id: made.reservationId });
    const s = made.first;
    return reply.code(202).header('location', `${req.ctx.baseUrl}/compute/v2.1/servers/${s.id}`).send({
      server: { id: s.id, links: resourceLinks(req, 'servers', s.id), 'OS-DCF:diskConfig': 'MANUAL', security_groups: (JSON.parse(s.security_groups) as string[]).map((name) => ({ name })), adminPass: made.adminPass },
    });
  });
  scope.get<P>('/v2.1/servers/:id', async (req) => ({ server: (await detailViews(ctx, req, [await loadServer(ctx, novaCaller(req), req.params.id)]))[0] }));
  scope.put<P>('/v2.1/servers/:id', async (req) => ({ server: updateView(req, (await detailViews(ctx, req, [await updateServer(ctx, req, req.params.id)]))[0]!) }));
  scope.delete<P>('/v2.1/servers/:id', async (req, reply) => { await deleteServer(ctx, novaCaller(req), req.params.id); return reply.code(204).send(); });
  scope.post<P>('/v2.1/servers/:id/action', async (req, reply) => serverAction(ctx, req, reply));
  metadataRoutes(scope, ctx);
  remoteConsoleRoutes(scope, ctx);
  instanceActionRoutes(scope, ctx);
  interfaceRoutes(scope, ctx);
  volumeAttachmentRoutes(scope, ctx);

  serviceRoutes(scope, ctx);
  aggregateRoutes(scope, ctx);
  serverGroupRoutes(scope, ctx);
  usageRoutes(scope, ctx);
  serverAdminRoutes(scope, ctx);
  serverTagRoutes(scope, ctx);
  proxyRoutes(scope, ctx);
  hypervisorRoutes(scope, ctx);
  scope.get<{ Querystring: { tenant_id?: string } }>('/v2.1/limits', async (req) => {
    const caller = novaCaller(req);
    let project = caller.projectId;
    if (req.query.tenant_id !== undefined) {
      authorize(caller, 'os_compute_api:limits:other_project');
      project = req.query.tenant_id;
    }
    const used = await computeUsage(ctx.store, project);
    // Nova's names per quota; the network proxies' go at 2.36, maxImageMeta at 2.39, personality at 2.57.
    const names: [string, string[]][] = [
      ['ram', ['maxTotalRAMSize']], ['instances', ['maxTotalInstances']], ['cores', ['maxTotalCores']], ['key_pairs', ['maxTotalKeypairs']],
      ['metadata_items', atLeast(req, 2, 39) ? ['maxServerMeta'] : ['maxServerMeta', 'maxImageMeta']],
      ['server_groups', ['maxServerGroups']], ['server_group_members', ['maxServerGroupMembers']],
      ...(atLeast(req, 2, 57) ? [] : [['injected_files', ['maxPersonality']], ['injected_file_content_bytes', ['maxPersonalitySize']]] as [string, string[]][]),
      ...(atLeast(req, 2, 36) ? [] : [['floating_ips', ['maxTotalFloatingIps']], ['security_groups', ['maxSecurityGroups']], ['security_group_rules', ['maxSecurityGroupRules']]] as [string, string[]][]),
    ];
    const absolute: Record<string, number> = {};
    for (const [quota, shown] of names) { const v = await quotaLimit(ctx.store, project, quota); for (const n of shown) absolute[n] = v; }
    Object.assign(absolute, { totalInstancesUsed: used.instances, totalCoresUsed: used.cores, totalRAMUsed: used.ram, totalServerGroupsUsed: await serverGroupCount(ctx.store, project) });
    // OpenStack: Nova no longer counts Neutron's floating IPs and groups; its proxies report none in use.
    if (!atLeast(req, 2, 36)) Object.assign(absolute, { totalFloatingIpsUsed: 0, totalSecurityGroupsUsed: 0 });
    return { limits: { rate: [], absolute } };
  });
}
