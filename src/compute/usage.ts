// What projects used (`os-simple-tenant-usage`: server hours and flavor sizes within a period,
// from the servers that exist — Pier drops a server's row once it is gone, so deleted servers no
// longer count) and Nova's instance usage audit (`os-instance_usage_audit_log`: Pier runs no
// audit task, so every compute host shows as not run).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequest } from '../core/errors.js';
import { authorize, novaCaller, type ComputeContext } from './context.js';
import { atLeast } from './microversion.js';
import { NovaNotFound } from './errors.js';
import { novaTime } from './compute-services.js';
import type { ServerRow } from './server-view.js';

/** Nova's accepted period formats (naive times are UTC); empty is now. */
function parseTime(v: string | undefined): number {
  if (!v) return Date.now();
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(\.\d+)?$/.exec(v);
  const t = m && (m[3] !== undefined || v.includes('T')) ? Date.parse(`${m[1]}T${m[2]}${m[3]?.slice(0, 4) ?? ''}Z`) : NaN;
  if (Number.isNaN(t)) throw new BadRequest('Invalid datetime string: Datetime is in invalid format');
  return t;
}

interface Flavor { name: string; vcpus: number; ram: number; disk: number; ephemeral?: number }

function usageOf(s: ServerRow, start: number, stop: number) {
  const f = JSON.parse(s.flavor) as Flavor;
  const launched = s.launched_at ? Date.parse(s.launched_at) : Date.parse(s.created_at);
  const ended = s.terminated_at ? Date.parse(s.terminated_at) : undefined;
  const from = Math.max(launched, start); const to = Math.min(ended ?? stop, stop);
  const hours = to > from ? (to - from) / 3_600_000 : 0;
  return {
    instance_id: s.id, name: s.name, tenant_id: s.project_id, flavor: f.name, hours, memory_mb: f.ram, local_gb: f.disk + (f.ephemeral ?? 0), vcpus: f.vcpus,
    started_at: novaTime(launched), ended_at: ended === undefined ? null : novaTime(ended), state: ended === undefined ? s.vm_state : 'terminated',
    uptime: Math.floor(((ended ?? Date.now()) - launched) / 1000),
  };
}

type Q = { Querystring: Record<string, string | undefined> };

export function usageRoutes(scope: FastifyInstance, ctx: ComputeContext): void {
  const period = (req: FastifyRequest<Q>) => {
    const start = parseTime(req.query.start); const stop = parseTime(req.query.end);
    if (!(start < stop)) throw new BadRequest('Invalid start time. The start time cannot occur after the end time.');
    return { start, stop };
  };
  /** Servers that overlap the period, oldest first (2.40's marker/limit page over them). */
  async function servers(req: FastifyRequest<Q>, start: number, stop: number, project?: string) {
    let q = ctx.store.db.selectFrom('servers').selectAll().orderBy('created_at').orderBy('id');
    if (project) q = q.where('project_id', '=', project);
    let rows = (await q.execute()).filter((s) => {
      const launched = Date.parse(s.launched_at ?? s.created_at);
      return launched < stop && (!s.terminated_at || Date.parse(s.terminated_at) > start);
    });
    if (atLeast(req, 2, 40)) {
      const { marker, limit } = req.query;
      if (marker !== undefined) {
        const at = rows.findIndex((s) => s.id === marker);
        if (at < 0) throw new BadRequest(`marker [${marker}] not found`);
        rows = rows.slice(at + 1);
      }
      if (limit !== undefined) {
        if (!/^\d+$/.test(limit)) throw new BadRequest(`Invalid input for query parameters limit. Value: ${limit}. '${limit}' does not match '^[0-9]*$'`);
        rows = rows.slice(0, Number(limit));
      }
    }
    return rows;
  }
  function summarise(rows: ServerRow[], start: number, stop: number, detailed: boolean) {
    const byProject = new Map<string, Record<string, unknown> & { total_hours: number; total_vcpus_usage: number; total_memory_mb_usage: number; total_local_gb_usage: number }>();
    for (const s of rows) {
      const u = usageOf(s, start, stop);
      let sum = byProject.get(s.project_id);
      if (!sum) {
        sum = { tenant_id: s.project_id, ...(detailed ? { server_usages: [] } : {}), total_local_gb_usage: 0, total_vcpus_usage: 0, total_memory_mb_usage: 0, total_hours: 0, start: novaTime(start), stop: novaTime(stop) };
        byProject.set(s.project_id, sum);
      }
      sum.total_local_gb_usage += u.local_gb * u.hours; sum.total_vcpus_usage += u.vcpus * u.hours;
      sum.total_memory_mb_usage += u.memory_mb * u.hours; sum.total_hours += u.hours;
      if (detailed) (sum.server_usages as unknown[]).push(u);
    }
    return [...byProject.values()];
  }

  scope.get<Q>('/v2.1/os-simple-tenant-usage', async (req) => {
    // OpenStack: `/os-simple-tenant-usage/` names an empty project, which Nova's router does not match.
    if (req.url.split('?')[0]!.endsWith('/')) throw new NovaNotFound('The resource could not be found.');
    authorize(novaCaller(req), 'os_compute_api:os-simple-tenant-usage:list');
    const { start, stop } = period(req);
    return { tenant_usages: summarise(await servers(req, start, stop), start, stop, req.query.detailed === '1') };
  });
  scope.get<Q & { Params: { project: string } }>('/v2.1/os-simple-tenant-usage/:project', async (req) => {
    authorize(novaCaller(req), 'os_compute_api:os-simple-tenant-usage:show', { project_id: req.params.project });
    const { start, stop } = period(req);
    const [usage] = summarise(await servers(req, start, stop, req.params.project), start, stop, true);
    // OpenStack: a project without servers in the period answers an empty object.
    return { tenant_usage: usage ?? {} };
  });

  const audit = async (before: number) => {
    // Nova audits the last whole period (a month by default) before `before`.
    const d = new Date(before);
    const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    const begin = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1);
    const hosts = (await ctx.store.db.selectFrom('compute_services').select('host').where('binary', '=', 'nova-compute').orderBy('id').execute()).map((h) => h.host);
    return {
      hosts_not_run: hosts, log: {}, num_hosts: hosts.length, num_hosts_done: 0, num_hosts_not_run: hosts.length, num_hosts_running: 0,
      overall_status: `0 of ${hosts.length} hosts done. 0 errors.`, period_beginning: `${novaTime(begin).replace('T', ' ')}`,
      period_ending: `${novaTime(end).replace('T', ' ')}`, total_errors: 0, total_instances: 0,
    };
  };
  scope.get('/v2.1/os-instance_usage_audit_log', async (req) => {
    authorize(novaCaller(req), 'os_compute_api:os-instance-usage-audit-log:list');
    return { instance_usage_audit_logs: await audit(Date.now()) };
  });
  scope.get<{ Params: { before: string } }>('/v2.1/os-instance_usage_audit_log/:before', async (req) => {
    authorize(novaCaller(req), 'os_compute_api:os-instance-usage-audit-log:show');
    const b = req.params.before;
    const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?$/.exec(b);
    const t = m ? Date.parse(`${m[1]}T${m[2]}Z`) : NaN;
    if (Number.isNaN(t)) throw new BadRequest(`Invalid timestamp for date ${b}`);
    return { instance_usage_audit_log: await audit(t) };
  });
}
