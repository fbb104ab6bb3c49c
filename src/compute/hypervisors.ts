// What each host offers and runs, as Nova's admin APIs show it: `os-hypervisors` (one per
// nova-compute service; sizes read from this machine — CPUs, memory, the data directory's
// file system — and use summed from the servers placed on it), the deprecated `os-hosts`, and
// `os-availability-zone` (+ detail). A host's status is its nova-compute service's; power and
// maintenance actions are refused with a 400 (Nova's libvirt driver answers 501, but Pier answers
// no 5xx to a request): Pier does not switch hosts off or evacuate them.
import { execFile } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { arch, cpus, loadavg, networkInterfaces, totalmem, uptime } from 'node:os';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequest } from '../core/errors.js';
import { authorize, novaCaller, type ComputeContext } from './context.js';
import { NovaNotFound, ValidationError } from './errors.js';
import { atLeast } from './microversion.js';
import { DEFAULT_ZONE, hostZones, INTERNAL_ZONE, isUuid, novaTime, serviceUp, zoneOf, type ServiceRow } from './compute-services.js';

const notSupported = (what: string, host: string) => new BadRequest(`Unable to ${what} host ${host}: Pier does not switch hosts off or evacuate them.`);

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** The runtime's version as Nova encodes one (major·10⁶ + minor·10³ + patch), read once. */
let runtimeVersion: Promise<number> | undefined;
function versionOf(runtime: string): Promise<number> {
  if (runtime !== 'runc') return Promise.resolve(1);
  runtimeVersion ??= new Promise((done) => execFile('runc', ['--version'], (err, out) => {
    const m = /version (\d+)\.(\d+)\.(\d+)/.exec(out ?? '');
    done(err || !m ? 0 : Number(m[1]) * 1_000_000 + Number(m[2]) * 1_000 + Number(m[3]));
  }));
  return runtimeVersion;
}

function hostIp(): string | null {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (!a.internal && a.family === 'IPv4') return a.address;
  }
  return null;
}

interface Placed { id: string; name: string; project_id: string; task_state: string | null; flavor: string }

async function placedOn(ctx: ComputeContext, host: string): Promise<Placed[]> {
  return ctx.store.db.selectFrom('servers').select(['id', 'name', 'project_id', 'task_state', 'flavor']).where('host', '=', host).orderBy('created_at').execute();
}

const flavorOf = (p: Placed) => JSON.parse(p.flavor) as { vcpus: number; ram: number; disk: number; ephemeral?: number };

/** The sizes Nova's resource tracker reports for a compute node. */
function usage(ctx: ComputeContext, placed: Placed[]) {
  let disk = { total: 0, available: 0 };
  try {
    const fs = statfsSync(ctx.dataDir);
    disk = { total: Math.floor((fs.blocks * fs.bsize) / GIB), available: Math.floor((fs.bavail * fs.bsize) / GIB) };
  } catch { /* no data dir yet: no disk to report */ }
  const vcpus = cpus().length; const memory = Math.floor(totalmem() / MIB);
  let vcpusUsed = 0; let ramUsed = 0; let diskUsed = 0;
  for (const p of placed) { const f = flavorOf(p); vcpusUsed += f.vcpus; ramUsed += f.ram; diskUsed += f.disk + (f.ephemeral ?? 0); }
  return {
    vcpus, memory_mb: memory, local_gb: disk.total, vcpus_used: vcpusUsed, memory_mb_used: ramUsed, local_gb_used: diskUsed,
    free_ram_mb: memory - ramUsed, free_disk_gb: disk.total - diskUsed, current_workload: placed.filter((p) => p.task_state !== null).length,
    running_vms: placed.length, disk_available_least: disk.available,
  };
}

function cpuInfo() {
  const c = cpus();
  return { arch: arch() === 'x64' ? 'x86_64' : arch(), model: c[0]?.model ?? '', vendor: /intel/i.test(c[0]?.model ?? '') ? 'Intel' : /amd/i.test(c[0]?.model ?? '') ? 'AMD' : '', topology: { cores: c.length, threads: 1, sockets: 1 }, features: [] };
}

async function computeServices(ctx: ComputeContext): Promise<ServiceRow[]> {
  return ctx.store.db.selectFrom('compute_services').selectAll().where('binary', '=', 'nova-compute').orderBy('id').execute();
}

async function hypervisorView(ctx: ComputeContext, req: FastifyRequest, s: ServiceRow, detail: boolean, servers: boolean | 'always') {
  const v53 = atLeast(req, 2, 53);
  const out: Record<string, unknown> = {
    id: v53 ? s.uuid : s.id, hypervisor_hostname: s.host, state: serviceUp(s) ? 'up' : 'down', status: s.disabled ? 'disabled' : 'enabled',
  };
  const placed = await placedOn(ctx, s.host);
  if (detail) {
    Object.assign(out, {
      hypervisor_type: ctx.hypervisorType, hypervisor_version: await versionOf(ctx.hypervisorType), host_ip: hostIp(),
      service: { id: v53 ? s.uuid : s.id, host: s.host, disabled_reason: s.disabled_reason },
      ...usage(ctx, placed),
      // OpenStack: an object from 2.28, before that the same as a JSON string.
      cpu_info: atLeast(req, 2, 28) ? cpuInfo() : JSON.stringify(cpuInfo()),
    });
  }
  if (servers && (placed.length || (servers === 'always' && atLeast(req, 2, 75)))) out.servers = placed.map((p) => ({ name: p.name, uuid: p.id }));
  return out;
}

function uptimeText(): string {
  const now = new Date(); const up = Math.floor(uptime() / 60);
  const days = Math.floor(up / 1440); const hm = `${Math.floor((up % 1440) / 60)}:${String(up % 60).padStart(2, '0')}`;
  const load = loadavg().map((l) => l.toFixed(2)).join(', ');
  return ` ${now.toISOString().slice(11, 19)} up ${days ? `${days} day${days === 1 ? '' : 's'}, ` : ''}${hm},  0 users,  load average: ${load}`;
}

export function hypervisorRoutes(scope: FastifyInstance, ctx: ComputeContext): void {
  const admin = (req: FastifyRequest, rule: string) => authorize(novaCaller(req), `os_compute_api:os-hypervisors:${rule}`);
  type Q = { Querystring: Record<string, string | undefined> };

  const list = (detail: boolean) => async (req: FastifyRequest<Q>) => {
    admin(req, detail ? 'list-detail' : 'list');
    const q = req.query;
    const withServers = q.with_servers !== undefined ? /^(1|t|true|on|y|yes)$/i.test(q.with_servers) : false;
    let rows = await computeServices(ctx);
    const pattern = atLeast(req, 2, 53) ? q.hypervisor_hostname_pattern : undefined;
    if (pattern !== undefined) {
      if (q.marker !== undefined || q.limit !== undefined) throw new BadRequest('Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not supported.');
      rows = rows.filter((s) => s.host.includes(pattern));
      if (!rows.length) throw new NovaNotFound(`No hypervisor matching '${pattern}' could be found.`);
    }
    if (atLeast(req, 2, 33)) {
      if (q.marker !== undefined) {
        const at = rows.findIndex((s) => String(atLeast(req, 2, 53) ? s.uuid : s.id) === q.marker);
        if (at < 0) throw new BadRequest(`marker [${q.marker}] not found`);
        rows = rows.slice(at + 1);
      }
      if (q.limit !== undefined) {
        const n = Number(q.limit);
        if (!/^\d+$/.test(q.limit)) throw new ValidationError('limit', q.limit, `'${q.limit}' does not match '^[0-9]*$'`);
        rows = rows.slice(0, n);
      }
    }
    return { hypervisors: await Promise.all(rows.map((s) => hypervisorView(ctx, req, s, detail, atLeast(req, 2, 53) && withServers ? 'always' : false))) };
  };
  scope.get<Q>('/v2.1/os-hypervisors', list(false));
  scope.get<Q>('/v2.1/os-hypervisors/detail', list(true));

  scope.get('/v2.1/os-hypervisors/statistics', async (req) => {
    admin(req, 'statistics');
    const rows = await computeServices(ctx);
    const sum: Record<string, number> = { count: rows.length };
    for (const s of rows) {
      for (const [k, v] of Object.entries(usage(ctx, await placedOn(ctx, s.host)))) sum[k] = (sum[k] ?? 0) + v;
    }
    for (const k of Object.keys(usage(ctx, []))) sum[k] ??= 0;
    return { hypervisor_statistics: sum };
  });

  /** One hypervisor by its id (an integer before 2.53, a UUID from it). */
  async function byId(req: FastifyRequest, id: string): Promise<ServiceRow> {
    const v53 = atLeast(req, 2, 53);
    if (v53 && !isUuid(id)) throw new BadRequest(`Invalid uuid ${id}`);
    const rows = await computeServices(ctx);
    const s = rows.find((r) => (v53 ? r.uuid === id : String(r.id) === id));
    if (!s) throw new NovaNotFound(`Hypervisor with ID '${id}' could not be found.`);
    return s;
  }
  type P = { Params: { id: string }; Querystring: Record<string, string | undefined> };
  scope.get<P>('/v2.1/os-hypervisors/:id', async (req) => {
    admin(req, 'show');
    const s = await byId(req, req.params.id);
    const withServers = atLeast(req, 2, 53) && /^(1|t|true|on|y|yes)$/i.test(req.query.with_servers ?? '');
    return { hypervisor: await hypervisorView(ctx, req, s, true, withServers ? 'always' : false) };
  });
  scope.get<P>('/v2.1/os-hypervisors/:id/uptime', async (req) => {
    admin(req, 'uptime');
    const s = await byId(req, req.params.id);
    return { hypervisor: { ...(await hypervisorView(ctx, req, s, false, false)), uptime: uptimeText() } };
  });
  // Removed at 2.53 (list with hypervisor_hostname_pattern / with_servers instead).
  const byName = (servers: boolean) => async (req: FastifyRequest<P>) => {
    if (atLeast(req, 2, 53)) throw new NovaNotFound('The resource could not be found.');
    admin(req, servers ? 'servers' : 'search');
    const rows = (await computeServices(ctx)).filter((s) => s.host.includes(req.params.id));
    if (!rows.length) throw new NovaNotFound(`No hypervisor matching '${req.params.id}' could be found.`);
    return { hypervisors: await Promise.all(rows.map((s) => hypervisorView(ctx, req, s, false, servers))) };
  };
  scope.get<P>('/v2.1/os-hypervisors/:id/search', byName(false));
  scope.get<P>('/v2.1/os-hypervisors/:id/servers', byName(true));

  hostRoutes(scope, ctx);
  zoneRoutes(scope, ctx);
}

/** `os-hosts`, deprecated at 2.43 (404 from there, as Nova). */
function hostRoutes(scope: FastifyInstance, ctx: ComputeContext): void {
  const gone = (req: FastifyRequest) => { if (atLeast(req, 2, 43)) throw new NovaNotFound('The resource could not be found.'); };
  const policy = (req: FastifyRequest, rule: string) => authorize(novaCaller(req), `os_compute_api:os-hosts:${rule}`);
  const services = async () => ctx.store.db.selectFrom('compute_services').selectAll().orderBy('id').execute();
  const known = async (host: string): Promise<ServiceRow> => {
    const s = (await services()).find((r) => r.host === host && r.binary === 'nova-compute');
    if (!s) throw new NovaNotFound(`Compute host ${host} could not be found.`);
    return s;
  };
  scope.get<{ Querystring: { zone?: string } }>('/v2.1/os-hosts', async (req) => {
    gone(req); policy(req, 'list');
    const zones = await hostZones(ctx.store);
    const zone = req.query.zone;
    return {
      hosts: (await services()).filter((s) => !s.disabled).map((s) => ({ host_name: s.host, service: s.binary.replace(/^nova-/, ''), zone: zoneOf(s, zones) }))
        .filter((h) => !zone || h.zone === zone),
    };
  });
  type P = { Params: { host: string } };
  scope.get<P>('/v2.1/os-hosts/:host', async (req) => {
    gone(req); policy(req, 'show');
    const host = req.params.host;
    const s = await known(host);
    const placed = await placedOn(ctx, s.host);
    const u = usage(ctx, placed);
    const resource = (project: string, cpu: number, memory: number, disk: number) => ({ resource: { host, project, cpu, memory_mb: memory, disk_gb: disk } });
    const byProject = new Map<string, [number, number, number]>();
    for (const p of placed) {
      const f = flavorOf(p); const t = byProject.get(p.project_id) ?? [0, 0, 0];
      byProject.set(p.project_id, [t[0] + f.vcpus, t[1] + f.ram, t[2] + f.disk + (f.ephemeral ?? 0)]);
    }
    const max = [...byProject.values()].reduce((a, b) => [a[0] + b[0], a[1] + b[1], a[2] + b[2]], [0, 0, 0]);
    return {
      host: [
        resource('(total)', u.vcpus, u.memory_mb, u.local_gb), resource('(used_now)', u.vcpus_used, u.memory_mb_used, u.local_gb_used),
        resource('(used_max)', ...max), ...[...byProject].map(([p, t]) => resource(p, ...t)),
      ],
    };
  });
  scope.put<P>('/v2.1/os-hosts/:host', async (req) => {
    gone(req); policy(req, 'update');
    const body = req.body as Record<string, unknown> | null;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('', body, "is not of type 'object'");
    const modes = ['enable', 'disable', 'Enable', 'Disable', 'ENABLE', 'DISABLE'];
    for (const [k, v] of Object.entries(body)) {
      if (k !== 'status' && k !== 'maintenance_mode') throw new ValidationError('', body, `Additional properties are not allowed ('${k}' was unexpected)`);
      if (typeof v !== 'string' || !modes.includes(v)) throw new ValidationError(k, v, `${JSON.stringify(v)} is not one of ${JSON.stringify(modes)}`);
    }
    if (!('status' in body) && !('maintenance_mode' in body)) throw new ValidationError('', body, `${JSON.stringify(body)} is not valid under any of the given schemas`);
    const s = await known(req.params.host);
    if ('maintenance_mode' in body) throw notSupported('set maintenance mode on', s.host);
    // OpenStack: a host's status is whether its compute service takes new servers.
    const enabled = String(body.status).toLowerCase() === 'enable';
    await ctx.store.tx(async (tx) => {
      await tx.db.updateTable('compute_services').set({ disabled: enabled ? 0 : 1, disabled_reason: null }).where('uuid', '=', s.uuid).execute();
      await tx.emit({ resource: 'compute_service', id: s.uuid, action: 'update' });
    });
    return { host: s.host, status: enabled ? 'enabled' : 'disabled' };
  });
  for (const action of ['startup', 'shutdown', 'reboot']) {
    scope.get<P>(`/v2.1/os-hosts/:host/${action}`, async (req) => {
      gone(req); policy(req, action === 'startup' ? 'start' : action);
      throw notSupported(action, (await known(req.params.host)).host);
    });
  }
}

function zoneRoutes(scope: FastifyInstance, ctx: ComputeContext): void {
  /** Zones with an enabled compute service, and zones only of aggregates (not available). */
  const zones = async () => {
    const rows = await ctx.store.db.selectFrom('compute_services').selectAll().orderBy('id').execute();
    const hz = await hostZones(ctx.store);
    const aggregateZones = (await ctx.store.db.selectFrom('aggregates').select('availability_zone').where('availability_zone', 'is not', null).execute()).map((a) => a.availability_zone!);
    const available = [...new Set(rows.filter((s) => s.binary === 'nova-compute' && !s.disabled).map((s) => zoneOf(s, hz)))];
    const unavailable = [...new Set([...aggregateZones, ...rows.filter((s) => s.binary === 'nova-compute').map((s) => zoneOf(s, hz))])].filter((z) => !available.includes(z));
    return { rows, hz, available, unavailable };
  };
  scope.get('/v2.1/os-availability-zone', async () => {
    const z = await zones();
    // A fresh store before the first heartbeat still has the default zone.
    const available = z.available.length || z.unavailable.length ? z.available : [DEFAULT_ZONE];
    return {
      availabilityZoneInfo: [
        ...available.map((zoneName) => ({ zoneName, zoneState: { available: true }, hosts: null })),
        ...z.unavailable.map((zoneName) => ({ zoneName, zoneState: { available: false }, hosts: null })),
      ],
    };
  });
  scope.get('/v2.1/os-availability-zone/detail', async (req) => {
    authorize(novaCaller(req), 'os_compute_api:os-availability-zone:detail');
    const z = await zones();
    const enabled = z.rows.filter((s) => !s.disabled);
    const names = [...new Set([...(enabled.some((s) => s.binary !== 'nova-compute') ? [INTERNAL_ZONE] : []), ...z.available])];
    const info = names.map((zoneName) => {
      const hosts: Record<string, Record<string, unknown>> = {};
      for (const s of enabled.filter((r) => zoneOf(r, z.hz) === zoneName)) {
        (hosts[s.host] ??= {})[s.binary] = { available: serviceUp(s), active: true, updated_at: novaTime(s.updated_at) };
      }
      return { zoneName, zoneState: { available: true }, hosts };
    });
    return { availabilityZoneInfo: [...info, ...z.unavailable.map((zoneName) => ({ zoneName, zoneState: { available: false }, hosts: null }))] };
  });
}
