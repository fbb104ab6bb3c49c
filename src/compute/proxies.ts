// Nova's proxy APIs that microversion 2.1 clients still call, answered from Networking and
// Image in-process, as Nova answers them from Neutron and Glance: `os-security-groups` (+ rules
// and a server's groups), `os-networks`, `os-tenant-networks` and `/images` (+ metadata). All
// are gone from 2.36, as in Nova.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, BadRequest, Forbidden } from '../core/errors.js';
import { lastValues, type QueryParams, type Values } from '../core/resource/index.js';
import { deleteImage, imageCaller, listImageRows, loadImage, setImageProperties, type ImageRow } from '../image/index.js';
import type { Caller } from '../networking/index.js';
import { novaCaller, type ComputeContext } from './context.js';
import { NovaNotFound, ValidationError } from './errors.js';
import { atLeast } from './microversion.js';
import { serverPorts } from './ports.js';
import { loadServer } from './servers.js';
import { resourceLinks } from './flavors.js';
import { quotaLimit } from './quotas.js';

const gone = () => new NovaNotFound('The resource could not be found.');
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Neutron's errors as Nova's proxy words them: a Neutron 400/409 is the request's fault (400). */
function asNova(e: unknown): unknown {
  if (!(e instanceof ApiError)) return e;
  if (e.status === 404) return new NovaNotFound(e.message);
  if (e.status === 400 || e.status === 409) return new BadRequest(e.message);
  return e;
}
const neutron = <T>(p: Promise<T>): Promise<T> => p.catch((e: unknown) => { throw asNova(e); });

export function proxyRoutes(scope: FastifyInstance, ctx: ComputeContext): void {
  const net = ctx.networking;
  const userOf = (req: FastifyRequest) => net.callerFor(novaCaller(req).auth);
  // Every proxy route is gone from 2.36.
  const before236 = (req: FastifyRequest) => { if (atLeast(req, 2, 36)) throw gone(); };

  // Security groups and their rules.
  async function groupView(user: Caller, g: Values, names?: Map<string, Values>): Promise<Record<string, unknown>> {
    const rules = await net.list(user, 'security_group_rule', { security_group_id: String(g.id) });
    const byId = names ?? new Map((await net.list(user, 'security_group')).map((x) => [String(x.id), x]));
    return {
      id: g.id, name: g.name, description: g.description, tenant_id: g.project_id,
      rules: rules.filter((r) => r.direction === 'ingress').map((r) => ruleView(r, byId)),
    };
  }
  function ruleView(r: Values, groups: Map<string, Values>): Record<string, unknown> {
    const remote = r.remote_group_id ? groups.get(String(r.remote_group_id)) : undefined;
    const proto = r.protocol === null || r.protocol === undefined ? null : String(r.protocol);
    let from = r.port_range_min as number | null; let to = r.port_range_max as number | null;
    // OpenStack: Nova shows an open range as the whole range of the protocol.
    if (proto === 'icmp') { from ??= -1; to ??= -1; } else if (proto === 'tcp' || proto === 'udp') { from ??= 1; to ??= 65535; }
    return {
      id: r.id, parent_group_id: r.security_group_id, ip_protocol: proto, from_port: from, to_port: to,
      ip_range: r.remote_ip_prefix ? { cidr: r.remote_ip_prefix } : r.remote_group_id ? {} : { cidr: r.ethertype === 'IPv6' ? '::/0' : '0.0.0.0/0' },
      group: remote ? { name: remote.name, tenant_id: remote.project_id } : {},
    };
  }
  const checkGroupId = (id: string) => { if (!UUID.test(id)) throw new BadRequest('Security group id should be uuid'); };
  function groupBody(req: FastifyRequest): { name: string; description: string } {
    const b = (req.body as { security_group?: unknown } | null)?.security_group;
    if (!b || typeof b !== 'object' || Array.isArray(b)) throw new ValidationError('security_group', b, "'security_group' is a required property");
    const g = b as Record<string, unknown>;
    for (const k of ['name', 'description']) {
      const v = g[k];
      if (v === undefined) throw new ValidationError('security_group', g, `'${k}' is a required property`);
      if (typeof v !== 'string' || v.length > 255 || (k === 'name' && !v.trim())) throw new ValidationError(`security_group.${k}`, v, `${JSON.stringify(v)} is not a valid ${k}`);
    }
    return { name: g.name as string, description: g.description as string };
  }

  type P = { Params: { id: string } };
  scope.get<{ Querystring: Record<string, string | undefined> }>('/v2.1/os-security-groups', async (req) => {
    before236(req);
    const user = userOf(req);
    const caller = novaCaller(req);
    const all = caller.isAdmin && req.query.all_tenants !== undefined && !/^(0|false|off|no)$/i.test(req.query.all_tenants);
    const groups = (await net.list(user, 'security_group')).filter((g) => all || g.project_id === user.projectId);
    const names = new Map(groups.map((g) => [String(g.id), g]));
    return { security_groups: await Promise.all(groups.map((g) => groupView(user, g, names))) };
  });
  scope.post('/v2.1/os-security-groups', async (req) => {
    before236(req);
    const user = userOf(req);
    const b = groupBody(req);
    const g = await neutron(net.create(user, 'security_group', b));
    return { security_group: await groupView(user, g) };
  });
  scope.get<P>('/v2.1/os-security-groups/:id', async (req) => {
    before236(req); checkGroupId(req.params.id);
    const user = userOf(req);
    return { security_group: await groupView(user, await neutron(net.show(user, 'security_group', req.params.id))) };
  });
  scope.put<P>('/v2.1/os-security-groups/:id', async (req) => {
    before236(req); checkGroupId(req.params.id);
    const user = userOf(req);
    const b = groupBody(req);
    await neutron(net.show(user, 'security_group', req.params.id));
    return { security_group: await groupView(user, await neutron(net.update(user, 'security_group', req.params.id, b))) };
  });
  scope.delete<P>('/v2.1/os-security-groups/:id', async (req, reply) => {
    before236(req); checkGroupId(req.params.id);
    await neutron(net.delete(userOf(req), 'security_group', req.params.id));
    return reply.code(202).send();
  });
  scope.get<P>('/v2.1/servers/:id/os-security-groups', async (req) => {
    before236(req);
    const user = userOf(req);
    const s = await loadServer(ctx, novaCaller(req), req.params.id);
    const ids = new Set(((await serverPorts(ctx, [s.id])).get(s.id) ?? []).flatMap((p) => (p.security_groups as string[]) ?? []));
    const groups = await net.list(user, 'security_group');
    const names = new Map(groups.map((g) => [String(g.id), g]));
    return { security_groups: await Promise.all(groups.filter((g) => ids.has(String(g.id))).map((g) => groupView(user, g, names))) };
  });

  scope.post('/v2.1/os-security-group-rules', async (req) => {
    before236(req);
    const user = userOf(req);
    const b = (req.body as { security_group_rule?: unknown } | null)?.security_group_rule;
    if (!b || typeof b !== 'object' || Array.isArray(b)) throw new ValidationError('security_group_rule', b, "'security_group_rule' is a required property");
    const r = b as Record<string, unknown>;
    const parent = r.parent_group_id;
    if (typeof parent !== 'string' || !UUID.test(parent)) throw new BadRequest('Security group id should be uuid');
    const groupId = r.group_id === undefined || r.group_id === null ? undefined : String(r.group_id);
    if (groupId !== undefined && !UUID.test(groupId)) throw new BadRequest('Security group id should be uuid');
    await neutron(net.show(user, 'security_group', parent));
    if (groupId) await neutron(net.show(user, 'security_group', groupId));
    const proto = r.ip_protocol === undefined || r.ip_protocol === null ? undefined : String(r.ip_protocol);
    let from = r.from_port as unknown; let to = r.to_port as unknown;
    if (groupId && proto && from == null && to == null) [from, to] = proto.toUpperCase() === 'ICMP' ? [-1, -1] : [1, 65535];
    let cidr: string | undefined;
    if (!groupId) {
      cidr = r.cidr === undefined || r.cidr === null || r.cidr === '' ? '0.0.0.0/0' : String(r.cidr);
      if (!/^[0-9a-fA-F.:]+\/\d{1,3}$/.test(cidr)) throw new BadRequest(`Invalid cidr ${cidr}.`);
    }
    const rule: Record<string, unknown> = { security_group_id: parent, direction: 'ingress', ethertype: cidr?.includes(':') ? 'IPv6' : 'IPv4' };
    if (proto && from != null && to != null) {
      const f = Number(from); const t = Number(to);
      if (!Number.isInteger(f) || !Number.isInteger(t) || String(from).trim() === '' || String(to).trim() === '') {
        throw new BadRequest(proto.toUpperCase() === 'ICMP' ? 'Invalid input received: Type and Code must be integers for ICMP protocol type' : 'Invalid input received: To and From ports must be integers');
      }
      const P = proto.toUpperCase();
      if (!['TCP', 'UDP', 'ICMP'].includes(P)) throw new BadRequest(`Invalid IP protocol ${proto}.`);
      if (P !== 'ICMP' && f > t) throw new BadRequest(`Invalid port range ${f}:${t}. Former value cannot be greater than the later`);
      if (P !== 'ICMP' && (f < 1 || t > 65535)) throw new BadRequest(`Invalid port range ${f}:${t}. Valid ${P} ports should be between 1-65535`);
      if (P === 'ICMP' && (f < -1 || f > 255 || t < -1 || t > 255)) throw new BadRequest(`Invalid port range ${f}:${t}. For ICMP, the type:code must be valid`);
      rule.protocol = proto.toLowerCase();
      if (P === 'ICMP') { if (f !== -1) rule.port_range_min = f; if (t !== -1) rule.port_range_max = t; } else { rule.port_range_min = f; rule.port_range_max = t; }
    } else if (cidr) {
      throw new BadRequest('Not enough parameters to build a valid rule.');
    }
    if (groupId) rule.remote_group_id = groupId; else rule.remote_ip_prefix = cidr;
    const existing = await net.list(user, 'security_group_rule', { security_group_id: parent });
    const same = (e: Values) => e.direction === 'ingress' && (e.protocol ?? null) === (rule.protocol ?? null) && (e.port_range_min ?? null) === (rule.port_range_min ?? null)
      && (e.port_range_max ?? null) === (rule.port_range_max ?? null) && (e.remote_group_id ?? null) === (rule.remote_group_id ?? null) && (e.remote_ip_prefix ?? null) === (rule.remote_ip_prefix ?? null);
    if (existing.some(same)) throw new BadRequest(`This rule already exists in group ${parent}`);
    const made = await neutron(net.create(user, 'security_group_rule', rule));
    const groups = new Map((await net.list(user, 'security_group')).map((g) => [String(g.id), g]));
    return { security_group_rule: ruleView(made, groups) };
  });
  scope.delete<P>('/v2.1/os-security-group-rules/:id', async (req, reply) => {
    before236(req);
    if (!UUID.test(req.params.id)) throw new BadRequest('Security group id should be uuid');
    await neutron(net.delete(userOf(req), 'security_group_rule', req.params.id));
    return reply.code(202).send();
  });

  // Networks, as nova-network's views with Neutron's networks behind them.
  const networkView = (n: Values, admin: boolean) => {
    if (!admin) return { id: n.id, label: n.name, cidr: null };
    const keys = ['bridge', 'bridge_interface', 'broadcast', 'cidr', 'cidr_v6', 'created_at', 'deleted', 'deleted_at', 'dhcp_server', 'dhcp_start', 'dns1', 'dns2',
      'enable_dhcp', 'gateway', 'gateway_v6', 'host', 'injected', 'multi_host', 'netmask', 'netmask_v6', 'priority', 'project_id', 'rxtx_base', 'share_address',
      'updated_at', 'vlan', 'vpn_private_address', 'vpn_public_address', 'vpn_public_port', 'mtu'];
    return { ...Object.fromEntries(keys.map((k) => [k, null])), id: n.id, label: n.name };
  };
  const networks = (admin: boolean) => async (req: FastifyRequest) => {
    before236(req);
    return { networks: (await net.list(userOf(req), 'network')).map((n) => networkView(n, admin)) };
  };
  const network = (admin: boolean) => async (req: FastifyRequest<P>) => {
    before236(req);
    const n = await net.show(userOf(req), 'network', req.params.id).catch((e: unknown) => {
      throw e instanceof ApiError && e.status === 404 ? new NovaNotFound(`Network ${req.params.id} could not be found.`) : e;
    });
    return { network: networkView(n, admin) };
  };
  scope.get('/v2.1/os-networks', networks(true));
  scope.get<P>('/v2.1/os-networks/:id', network(true));
  scope.get('/v2.1/os-tenant-networks', networks(false));
  scope.get<P>('/v2.1/os-tenant-networks/:id', network(false));

  imageProxyRoutes(scope, ctx, before236);
}

/** Glance's status as Nova's image proxy shows it. */
const STATUS: Record<string, string> = { active: 'ACTIVE', queued: 'SAVING', saving: 'SAVING', importing: 'SAVING', deleted: 'DELETED', pending_delete: 'DELETED', killed: 'ERROR', deactivated: 'ERROR' };

function imageView(req: FastifyRequest, i: ImageRow, detail: boolean): Record<string, unknown> {
  const links: Record<string, string>[] = resourceLinks(req, 'images', i.id);
  links.push({ rel: 'alternate', type: 'application/vnd.openstack.image', href: `${req.ctx.baseUrl}/image/images/${i.id}` });
  if (!detail) return { id: i.id, name: i.name, links };
  const status = STATUS[i.status] ?? 'UNKNOWN';
  const props = JSON.parse(i.properties) as Record<string, string>;
  const t = (s: string) => `${s.slice(0, 19)}Z`;
  const out: Record<string, unknown> = {
    id: i.id, name: i.name, minRam: i.min_ram, minDisk: i.min_disk, metadata: props, created: t(i.created_at), updated: t(i.updated_at), status,
    progress: status === 'ACTIVE' ? 100 : status === 'SAVING' ? 25 : 0, links, 'OS-EXT-IMG-SIZE:size': i.size ?? 0,
  };
  if (props.instance_uuid) out.server = { id: props.instance_uuid, links: resourceLinks(req, 'servers', props.instance_uuid) };
  return out;
}

function imageProxyRoutes(scope: FastifyInstance, ctx: ComputeContext, before236: (req: FastifyRequest) => void): void {
  const who = (req: FastifyRequest) => imageCaller(novaCaller(req).auth);
  const load = (req: FastifyRequest<{ Params: { id: string } }>) => loadImage(ctx.store, who(req), req.params.id).catch((e: unknown) => {
    throw e instanceof ApiError && e.status === 404 ? new NovaNotFound('Image not found.') : e;
  });
  type Q = { Querystring: Record<string, string | undefined> };
  const list = (detail: boolean) => async (req: FastifyRequest<Q>) => {
    before236(req);
    const q = lastValues(req.query as QueryParams); // a repeated parameter: its last value, as webob's
    let rows = await listImageRows(ctx.store, who(req));
    if (q.name !== undefined) rows = rows.filter((i) => i.name === q.name);
    if (q.status !== undefined) rows = rows.filter((i) => (STATUS[i.status] ?? 'UNKNOWN') === q.status!.toUpperCase());
    if (q.minRam !== undefined) rows = rows.filter((i) => i.min_ram >= Number(q.minRam));
    if (q.minDisk !== undefined) rows = rows.filter((i) => i.min_disk >= Number(q.minDisk));
    if (q['changes-since'] !== undefined) {
      const t = Date.parse(q['changes-since']);
      if (Number.isNaN(t)) throw new BadRequest(`Invalid filter field: changes-since.`);
      rows = rows.filter((i) => Date.parse(i.updated_at) >= t);
    }
    if (q.server !== undefined) rows = rows.filter((i) => (JSON.parse(i.properties) as Record<string, string>).instance_uuid === q.server || q.server!.endsWith(`/${(JSON.parse(i.properties) as Record<string, string>).instance_uuid}`));
    if (q.type !== undefined) rows = rows.filter((i) => ((JSON.parse(i.properties) as Record<string, string>).image_type ?? 'base') === q.type);
    if (q.marker !== undefined) {
      const at = rows.findIndex((i) => i.id === q.marker);
      if (at < 0) throw new BadRequest(`marker [${q.marker}] not found`);
      rows = rows.slice(at + 1);
    }
    if (q.limit !== undefined) {
      if (!/^\d+$/.test(q.limit)) throw new BadRequest('limit param must be an integer');
      rows = rows.slice(0, Number(q.limit));
    }
    return { images: rows.map((i) => imageView(req, i, detail)) };
  };
  type P = { Params: { id: string } };
  scope.get<Q>('/v2.1/images', list(false));
  scope.get<Q>('/v2.1/images/detail', list(true));
  scope.get<P>('/v2.1/images/:id', async (req) => { before236(req); return { image: imageView(req, await load(req), true) }; });
  scope.delete<P>('/v2.1/images/:id', async (req, reply) => {
    before236(req);
    await load(req);
    await deleteImage(ctx.store, who(req), req.params.id);
    return reply.code(204).send();
  });

  // Image metadata: Glance's extra properties.
  const props = (i: ImageRow) => JSON.parse(i.properties) as Record<string, string>;
  const metaLimit = async (req: FastifyRequest, n: number) => {
    const limit = await quotaLimit(ctx.store, novaCaller(req).projectId, 'metadata_items');
    if (limit >= 0 && n > limit) throw new Forbidden('Quota exceeded for metadata_items');
  };
  function checkMeta(v: unknown): Record<string, string> {
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ValidationError('metadata', v, `${JSON.stringify(v)} is not of type 'object'`);
    for (const [k, x] of Object.entries(v)) {
      if (!k.length || k.length > 255) throw new ValidationError('metadata', v, `'${k}' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'`);
      if (typeof x !== 'string' || x.length > 255) throw new ValidationError(`metadata.${k}`, x, `${JSON.stringify(x)} is not of type 'string'`);
    }
    return v as Record<string, string>;
  }
  const write = async (req: FastifyRequest<P>, next: Record<string, string>) => {
    await metaLimit(req, Object.keys(next).length);
    return props(await setImageProperties(ctx.store, who(req), req.params.id, next));
  };
  scope.get<P>('/v2.1/images/:id/metadata', async (req) => { before236(req); return { metadata: props(await load(req)) }; });
  scope.post<P>('/v2.1/images/:id/metadata', async (req) => {
    before236(req);
    const m = checkMeta((req.body as { metadata?: unknown } | null)?.metadata);
    return { metadata: await write(req, { ...props(await load(req)), ...m }) };
  });
  scope.put<P>('/v2.1/images/:id/metadata', async (req) => {
    before236(req);
    const m = checkMeta((req.body as { metadata?: unknown } | null)?.metadata);
    await load(req);
    return { metadata: await write(req, m) };
  });
  type PK = { Params: { id: string; key: string } };
  scope.get<PK>('/v2.1/images/:id/metadata/:key', async (req) => {
    before236(req);
    const p = props(await load(req));
    if (!Object.hasOwn(p, req.params.key)) throw new NovaNotFound('Invalid metadata key');
    return { meta: { [req.params.key]: p[req.params.key] } };
  });
  scope.put<PK>('/v2.1/images/:id/metadata/:key', async (req) => {
    before236(req);
    const meta = (req.body as { meta?: unknown } | null)?.meta;
    const m = checkMeta(meta);
    if (Object.keys(m).length !== 1) throw new BadRequest('Request body contains too many items');
    if (!Object.hasOwn(m, req.params.key)) throw new BadRequest('Request body and URI mismatch');
    const p = await write(req, { ...props(await load(req)), ...m });
    return { meta: { [req.params.key]: p[req.params.key] } };
  });
  scope.delete<PK>('/v2.1/images/:id/metadata/:key', async (req, reply) => {
    before236(req);
    const p = props(await load(req));
    if (!Object.hasOwn(p, req.params.key)) throw new NovaNotFound(`Image ${req.params.id} has no metadata with key ${req.params.key}.`);
    delete p[req.params.key];
    await write(req, p);
    return reply.code(204).send();
  });
}
