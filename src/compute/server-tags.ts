// A server's tags (`/servers/{id}/tags`, from 2.26) and addresses (`/servers/{id}/ips`), plus
// the small listings older clients read: `/extensions` (Nova's fixed list of the v2.1 API's
// extensions, all loaded) and `os-migrations` (Pier never migrates a server, so none).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequest } from '../core/errors.js';
import { isoSeconds } from '../core/ids.js';
import { authorize, novaCaller, type ComputeContext } from './context.js';
import { InstanceInvalidState, NovaNotFound, ValidationError } from './errors.js';
import { atLeast } from './microversion.js';
import { addressesOf, serverPorts } from './ports.js';
import { loadServer } from './servers.js';
import type { ServerRow } from './server-view.js';

const MAX_TAGS = 50;

function checkTag(t: unknown): string {
  if (typeof t !== 'string' || !t.length || t.length > 60 || /[/,]/.test(t)) {
    throw new ValidationError('tags', t, `${JSON.stringify(t)} does not match '^[^,/]*$'`);
  }
  return t;
}

export function serverTagRoutes(scope: FastifyInstance, ctx: ComputeContext): void {
  type P = { Params: { id: string } };
  type PT = { Params: { id: string; tag: string } };
  const server = async (req: FastifyRequest<P>, change = false): Promise<ServerRow> => {
    if (!atLeast(req, 2, 26)) throw new NovaNotFound('The resource could not be found.');
    const s = await loadServer(ctx, novaCaller(req), req.params.id);
    // OpenStack: tags change only on servers in a stable state.
    if (change && (s.task_state !== null || !['active', 'paused', 'stopped', 'suspended', 'shelved', 'shelved_offloaded', 'error'].includes(s.vm_state))) {
      throw new InstanceInvalidState('update tags', s.id, 'vm_state', s.vm_state);
    }
    return s;
  };
  const tagsOf = (s: ServerRow) => JSON.parse(s.tags) as string[];
  const save = async (s: ServerRow, tags: string[]) => {
    if (tags.length > MAX_TAGS) throw new BadRequest(`The number of tags exceeded the per-server limit ${MAX_TAGS}`);
    await ctx.store.tx(async (tx) => {
      await tx.db.updateTable('servers').set({ tags: JSON.stringify(tags), updated_at: isoSeconds() }).where('id', '=', s.id).execute();
      await tx.emit({ resource: 'server', id: s.id, action: 'update', projectId: s.project_id });
    });
  };
  scope.get<P>('/v2.1/servers/:id/tags', async (req) => ({ tags: tagsOf(await server(req)) }));
  scope.put<P>('/v2.1/servers/:id/tags', async (req) => {
    const s = await server(req, true);
    const tags = (req.body as { tags?: unknown } | null)?.tags;
    if (!Array.isArray(tags)) throw new ValidationError('tags', tags, "'tags' is a required property");
    const next = [...new Set(tags.map(checkTag))];
    await save(s, next);
    return { tags: next };
  });
  scope.delete<P>('/v2.1/servers/:id/tags', async (req, reply) => {
    await save(await server(req, true), []);
    return reply.code(204).send();
  });
  scope.get<PT>('/v2.1/servers/:id/tags/:tag', async (req, reply) => {
    const s = await server(req);
    if (!tagsOf(s).includes(req.params.tag)) throw new NovaNotFound(`Tag ${req.params.tag} could not be found.`);
    return reply.code(204).send();
  });
  scope.put<PT>('/v2.1/servers/:id/tags/:tag', async (req, reply) => {
    const s = await server(req, true);
    const tag = checkTag(req.params.tag);
    const tags = tagsOf(s);
    if (tags.includes(tag)) return reply.code(204).send();
    await save(s, [...tags, tag]);
    return reply.code(201).header('location', `${req.ctx.baseUrl}/compute/v2.1/servers/${s.id}/tags/${encodeURIComponent(tag)}`).send();
  });
  scope.delete<PT>('/v2.1/servers/:id/tags/:tag', async (req, reply) => {
    const s = await server(req, true);
    const tags = tagsOf(s);
    if (!tags.includes(req.params.tag)) throw new NovaNotFound(`Tag ${req.params.tag} could not be found.`);
    await save(s, tags.filter((t) => t !== req.params.tag));
    return reply.code(204).send();
  });

  // Addresses by network.
  const addresses = async (req: FastifyRequest<P>) => {
    const s = await loadServer(ctx, novaCaller(req), req.params.id);
    const a = (await addressesOf(ctx, await serverPorts(ctx, [s.id]))).get(s.id) ?? {};
    // OpenStack: the ips views show only version and addr.
    return Object.fromEntries(Object.entries(a).map(([n, list]) => [n, list.map((x) => ({ version: x.version, addr: x.addr }))]));
  };
  scope.get<P>('/v2.1/servers/:id/ips', async (req) => ({ addresses: await addresses(req) }));
  scope.get<{ Params: { id: string; network: string } }>('/v2.1/servers/:id/ips/:network', async (req) => {
    const a = await addresses(req as unknown as FastifyRequest<P>);
    if (!Object.hasOwn(a, req.params.network)) throw new NovaNotFound('Instance is not a member of specified network');
    return { [req.params.network]: a[req.params.network] };
  });

  scope.get('/v2.1/extensions', async () => ({ extensions: EXTENSIONS.map(extensionView) }));
  scope.get<{ Params: { alias: string } }>('/v2.1/extensions/:alias', async (req) => {
    const e = EXTENSIONS.find(([alias]) => alias === req.params.alias);
    if (!e) throw new NovaNotFound('The resource could not be found.');
    return { extension: extensionView(e) };
  });
  scope.get('/v2.1/os-migrations', async (req) => {
    authorize(novaCaller(req), 'os_compute_api:os-migrations:index');
    return { migrations: [] };
  });
}

/** Nova's v2.1 extension list (alias, name) as its extension_info answers every client. */
const EXTENSIONS: [string, string][] = [
  ['NMN', 'Multinic'], ['OS-DCF', 'DiskConfig'], ['OS-EXT-AZ', 'ExtendedAvailabilityZone'], ['OS-EXT-IMG-SIZE', 'ImageSize'], ['OS-EXT-IPS', 'ExtendedIps'],
  ['OS-EXT-IPS-MAC', 'ExtendedIpsMac'], ['OS-EXT-SRV-ATTR', 'ExtendedServerAttributes'], ['OS-EXT-STS', 'ExtendedStatus'], ['OS-FLV-DISABLED', 'FlavorDisabled'],
  ['OS-FLV-EXT-DATA', 'FlavorExtraData'], ['OS-SCH-HNT', 'SchedulerHints'], ['OS-SRV-USG', 'ServerUsage'], ['os-admin-actions', 'AdminActions'],
  ['os-aggregates', 'Aggregates'], ['os-attach-interfaces', 'AttachInterfaces'], ['os-availability-zone', 'AvailabilityZone'], ['os-console-output', 'ConsoleOutput'],
  ['os-create-server-ext', 'Createserverext'], ['os-extended-volumes', 'ExtendedVolumes'], ['os-flavor-access', 'FlavorAccess'], ['os-flavor-extra-specs', 'FlavorExtraSpecs'],
  ['os-flavor-manage', 'FlavorManage'], ['os-flavor-rxtx', 'FlavorRxtx'], ['os-hosts', 'Hosts'], ['os-hypervisors', 'Hypervisors'], ['os-instance-actions', 'InstanceActions'],
  ['os-keypairs', 'Keypairs'], ['os-lock-server', 'LockServer'], ['os-multiple-create', 'MultipleCreate'], ['os-networks', 'Networks'], ['os-pause-server', 'PauseServer'],
  ['os-quota-sets', 'Quotas'], ['os-security-groups', 'SecurityGroups'], ['os-server-diagnostics', 'ServerDiagnostics'], ['os-server-external-events', 'ServerExternalEvents'],
  ['os-server-group-quotas', 'ServerGroupQuotas'], ['os-server-groups', 'ServerGroups'], ['os-server-password', 'ServerPassword'], ['os-server-tags', 'ServerTags'],
  ['os-services', 'Services'], ['os-simple-tenant-usage', 'SimpleTenantUsage'], ['os-tenant-networks', 'OSTenantNetworks'], ['os-used-limits', 'UsedLimits'],
  ['os-user-data', 'UserData'],
];
const extensionView = ([alias, name]: [string, string]) => ({ alias, name, namespace: `http://docs.openstack.org/compute/ext/fake_xml`, description: `${name} support.`, updated: '2014-12-03T00:00:00Z', links: [] });
