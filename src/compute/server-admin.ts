// Per-server admin and guest endpoints: diagnostics (what the runtime knows of a container;
// 2.48's standard form names only Nova's VM drivers, so it is refused — Nova answers 501 for a
// driver without it, Pier a 400, as it answers no 5xx to a request), the guest's posted password (`os-server-password`; Pier's guests post none)
// and Neutron's external events (`os-server-external-events`: accepted for servers that exist —
// Pier reads ports live, so a network change needs no refresh).
import type { FastifyInstance } from 'fastify';
import { BadRequest } from '../core/errors.js';
import { authorize, novaCaller, type ComputeContext } from './context.js';
import { InstanceInvalidState, NovaNotFound, ValidationError } from './errors.js';
import { atLeast } from './microversion.js';
import { serverPorts } from './ports.js';
import { loadServer } from './servers.js';


const EVENTS: [string, number, number][] = [
  ['network-changed', 2, 0], ['network-vif-plugged', 2, 0], ['network-vif-unplugged', 2, 0], ['network-vif-deleted', 2, 0],
  ['volume-extended', 2, 51], ['power-update', 2, 76],
];
const STATES = ['failed', 'completed', 'in-progress'];

export function serverAdminRoutes(scope: FastifyInstance, ctx: ComputeContext): void {
  type P = { Params: { id: string } };
  scope.get<P>('/v2.1/servers/:id/diagnostics', async (req) => {
    const caller = novaCaller(req);
    const s = await loadServer(ctx, caller, req.params.id);
    authorize(caller, 'os_compute_api:os-server-diagnostics', { project_id: s.project_id });
    if (atLeast(req, 2, 48)) throw new BadRequest(`Unable to get diagnostics: the ${ctx.hypervisorType} runtime is none of the drivers 2.48's diagnostics name; ask with microversion 2.47 or older.`);
    if (s.vm_state === 'building') throw new InstanceInvalidState('get_diagnostics', s.id, 'vm_state', s.vm_state);
    const flavor = JSON.parse(s.flavor) as { vcpus: number; ram: number };
    const ports = await serverPorts(ctx, [s.id]);
    const launched = s.launched_at ? Date.parse(s.launched_at) : undefined;
    // Free-form before 2.48, as each virt driver had its own: the runtime's view of the container.
    return {
      driver: ctx.hypervisorType, state: s.vm_state, vcpus: flavor.vcpus, memory_mb: flavor.ram, nics: ports.get(s.id)?.length ?? 0,
      uptime: launched === undefined ? null : Math.floor((Date.now() - launched) / 1000),
    };
  });

  scope.get<P>('/v2.1/servers/:id/os-server-password', async (req) => {
    const caller = novaCaller(req);
    const s = await loadServer(ctx, caller, req.params.id);
    authorize(caller, 'os_compute_api:os-server-password:show', { project_id: s.project_id });
    return { password: '' };
  });
  scope.delete<P>('/v2.1/servers/:id/os-server-password', async (req, reply) => {
    const caller = novaCaller(req);
    const s = await loadServer(ctx, caller, req.params.id);
    authorize(caller, 'os_compute_api:os-server-password:clear', { project_id: s.project_id });
    return reply.code(204).send();
  });

  scope.post('/v2.1/os-server-external-events', async (req, reply) => {
    const caller = novaCaller(req);
    authorize(caller, 'os_compute_api:os-server-external-events:create');
    const body = req.body as { events?: unknown } | null;
    if (!body || typeof body !== 'object' || body.events === undefined) throw new ValidationError('', body, "'events' is a required property");
    const events = body.events;
    if (!Array.isArray(events) || !events.length) throw new ValidationError('events', events, `${JSON.stringify(events)} is too short`);
    const names = EVENTS.filter(([, major, minor]) => atLeast(req, major, minor)).map(([n]) => n);
    const out: Record<string, unknown>[] = [];
    for (const e of events as Record<string, unknown>[]) {
      if (!e || typeof e !== 'object') throw new ValidationError('events', e, `${JSON.stringify(e)} is not of type 'object'`);
      for (const k of Object.keys(e)) if (!['name', 'server_uuid', 'tag', 'status'].includes(k)) throw new ValidationError('events', e, `Additional properties are not allowed ('${k}' was unexpected)`);
      if (typeof e.name !== 'string' || !names.includes(e.name)) throw new ValidationError('events.name', e.name, `${JSON.stringify(e.name)} is not one of ${JSON.stringify(names)}`);
      if (typeof e.server_uuid !== 'string') throw new ValidationError('events', e, "'server_uuid' is a required property");
      const status = e.status ?? 'completed';
      if (typeof status !== 'string' || !STATES.includes(status)) throw new ValidationError('events.status', status, `${JSON.stringify(status)} is not one of ${JSON.stringify(STATES)}`);
      if (e.tag !== undefined && (typeof e.tag !== 'string' || e.tag.length > 255)) throw new ValidationError('events.tag', e.tag, `${JSON.stringify(e.tag)} is not of type 'string'`);
      const s = await ctx.store.db.selectFrom('servers').select(['id', 'host']).where('id', '=', e.server_uuid).executeTakeFirst();
      out.push({ ...e, status, code: s ? 200 : 404 });
      if (s) ctx.kick(s.id);
    }
    if (!out.some((e) => e.code === 200)) throw new NovaNotFound('No instances found for any event');
    return reply.code(out.every((e) => e.code === 200) ? 200 : 207).send({ events: out });
  });
}
