// A server's metadata (`/servers/{id}/metadata`) and its interfaces (`/servers/{id}/os-interface`:
// list, show, attach a port or a new one on a network, detach).
import type { FastifyInstance } from 'fastify';
import { ApiError, BadRequest, Conflict, NotFound } from '../core/errors.js';
import { isoSeconds } from '../core/ids.js';
import type { Values } from '../core/resource/index.js';
import { novaCaller, type ComputeContext } from './context.js';
import { ValidationError } from './errors.js';
import { atLeast } from './microversion.js';
import { allocatePorts, planNetworks, releasePorts, serverPorts } from './ports.js';
import { checkMetadata } from './server-create.js';
import { loadServer } from './servers.js';

type P = { Params: { id: string } };
type PK = { Params: { id: string; key: string } };

export function metadataRoutes(scope: FastifyInstance, ctx: ComputeContext): void {
  const write = async (id: string, project: string, next: Record<string, string>) => {
    await ctx.store.tx(async (tx) => {
      await tx.db.updateTable('servers').set({ metadata: JSON.stringify(next), updated_at: isoSeconds() }).where('id', '=', id).execute();
      await tx.emit({ resource: 'server', id, action: 'update', projectId: project });
    });
  };
  const current = async (req: { params: { id: string } } & Parameters<typeof novaCaller>[0]) => {
    const s = await loadServer(ctx, novaCaller(req), req.params.id);
    return { s, md: JSON.parse(s.metadata) as Record<string, string> };
  };
  const bodyMetadata = (body: unknown, key = 'metadata') => checkMetadata(key, (body as Record<string, unknown> | null)?.[key]);
  scope.get<P>('/v2.1/servers/:id/metadata', async (req) => ({ metadata: (await current(req)).md }));
  scope.post<P>('/v2.1/servers/:id/metadata', async (req) => {
    const given = bodyMetadata(req.body);
    const { s, md } = await current(req);
    const next = { ...md, ...given };
    await write(s.id, s.project_id, next);
    return { metadata: next };
  });
  scope.put<P>('/v2.1/servers/:id/metadata', async (req) => {
    const given = bodyMetadata(req.body);
    const { s } = await current(req);
    await write(s.id, s.project_id, given);
    return { metadata: given };
  });
  scope.get<PK>('/v2.1/servers/:id/metadata/:key', async (req) => {
    const { md } = await current(req);
    if (!Object.hasOwn(md, req.params.key)) throw new NotFound('Metadata item was not found');
    return { meta: { [req.params.key]: md[req.params.key] } };
  });
  scope.put<PK>('/v2.1/servers/:id/metadata/:key', async (req) => {
    const given = bodyMetadata(req.body, 'meta');
    if (Object.keys(given).length !== 1 || !Object.hasOwn(given, req.params.key)) throw new BadRequest('Request body and URI mismatch');
    const { s, md } = await current(req);
    await write(s.id, s.project_id, { ...md, ...given });
    return { meta: given };
  });
  scope.delete<PK>('/v2.1/servers/:id/metadata/:key', async (req, reply) => {
    const { s, md } = await current(req);
    if (!Object.hasOwn(md, req.params.key)) throw new NotFound('Metadata item was not found');
    delete md[req.params.key];
    await write(s.id, s.project_id, md);
    return reply.code(204).send();
  });
}

function attachmentView(p: Values, withTag: boolean): Record<string, unknown> {
  return {
    port_state: p.status, port_id: p.id, net_id: p.network_id, mac_addr: p.mac_address,
    fixed_ips: ((p.fixed_ips as { subnet_id: string; ip_address: string }[]) ?? []).map((f) => ({ subnet_id: f.subnet_id, ip_address: f.ip_address })),
    ...(withTag ? { tag: null } : {}),
  };
}

export function interfaceRoutes(scope: FastifyInstance, ctx: ComputeContext): void {
  const portsOf = async (id: string) => (await serverPorts(ctx, [id])).get(id) ?? [];
  scope.get<P>('/v2.1/servers/:id/os-interface', async (req) => {
    const s = await loadServer(ctx, novaCaller(req), req.params.id);
    return { interfaceAttachments: (await portsOf(s.id)).map((p) => attachmentView(p, atLeast(req, 2, 70))) };
  });
  scope.get<{ Params: { id: string; port: string } }>('/v2.1/servers/:id/os-interface/:port', async (req) => {
    const s = await loadServer(ctx, novaCaller(req), req.params.id);
    const p = (await portsOf(s.id)).find((x) => x.id === req.params.port);
    if (!p) throw new NotFound(`Port ${req.params.port} is not attached`);
    return { interfaceAttachment: attachmentView(p, atLeast(req, 2, 70)) };
  });
  scope.post<P>('/v2.1/servers/:id/os-interface', async (req) => {
    const caller = novaCaller(req);
    const s = await loadServer(ctx, caller, req.params.id);
    const a = (req.body as { interfaceAttachment?: Record<string, unknown> } | null)?.interfaceAttachment;
    if (!a || typeof a !== 'object') throw new ValidationError('interfaceAttachment', req.body, "'interfaceAttachment' is a required property");
    if (a.port_id && a.net_id) throw new BadRequest('Must not input both network_id and port_id');
    if (!['active', 'paused', 'stopped'].includes(s.vm_state) || s.task_state) throw new Conflict(`Cannot 'attach_interface' instance ${s.id} while it is in vm_state ${s.vm_state}`);
    const fixed = Array.isArray(a.fixed_ips) ? (a.fixed_ips as { ip_address?: string }[])[0]?.ip_address : undefined;
    const request = a.port_id ? { port: a.port_id } : a.net_id ? { uuid: a.net_id, ...(fixed ? { fixed_ip: fixed } : {}) } : undefined;
    const user = ctx.networking.callerFor(caller.auth);
    const plan = await planNetworks(ctx, user, request ? [request] : 'auto', false);
    const groups = await ctx.networking.list(user, 'security_group', { name: 'default' });
    const sg = groups.filter((g) => g.project_id === s.project_id).map((g) => String(g.id));
    const { created, bound } = await allocatePorts(ctx, s.project_id, s.id, plan, sg);
    if (created.length) {
      await ctx.store.tx(async (tx) => {
        const row = await tx.db.selectFrom('servers').select('created_ports').where('id', '=', s.id).executeTakeFirst();
        const mine = [...(JSON.parse(row?.created_ports ?? '[]') as string[]), ...created];
        await tx.db.updateTable('servers').set({ created_ports: JSON.stringify(mine), updated_at: isoSeconds() }).where('id', '=', s.id).execute();
        await tx.emit({ resource: 'server', id: s.id, action: 'update', projectId: s.project_id });
      });
    }
    ctx.kick(s.id);
    const port = (await portsOf(s.id)).find((p) => p.id === (created[0] ?? bound[0]));
    return { interfaceAttachment: attachmentView(port!, atLeast(req, 2, 70)) };
  });
  scope.delete<{ Params: { id: string; port: string } }>('/v2.1/servers/:id/os-interface/:port', async (req, reply) => {
    const s = await loadServer(ctx, novaCaller(req), req.params.id);
    const p = (await portsOf(s.id)).find((x) => x.id === req.params.port);
    if (!p) throw new NotFound(`Port ${req.params.port} is not attached`);
    const mine = JSON.parse(s.created_ports) as string[];
    const ours = mine.includes(req.params.port);
    try {
      await releasePorts(ctx, s.project_id, s.id, ours ? [req.params.port] : [], ours ? [] : [req.params.port]);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      throw new Conflict(err.message);
    }
    if (ours) {
      await ctx.store.tx(async (tx) => {
        await tx.db.updateTable('servers').set({ created_ports: JSON.stringify(mine.filter((x) => x !== req.params.port)), updated_at: isoSeconds() }).where('id', '=', s.id).execute();
        await tx.emit({ resource: 'server', id: s.id, action: 'update', projectId: s.project_id });
      });
    }
    ctx.kick(s.id);
    return reply.code(202).send();
  });
}
