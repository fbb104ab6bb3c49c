// Nova's services on each host (`os-services`): rows registered when compute starts —
// nova-compute for the host's runtime, nova-scheduler and nova-conductor for the work the API
// role does in-process — kept alive by a heartbeat; `up` when seen within Nova's
// service_down_time and not forced down. Admins enable, disable, force down and delete them.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequest, Conflict } from '../core/errors.js';
import { newUuid } from '../core/ids.js';
import { isUniqueViolation, type Store } from '../store/index.js';
import { authorize, novaCaller, type ComputeContext } from './context.js';
import { NovaNotFound, ValidationError } from './errors.js';
import { atLeast } from './microversion.js';
import { lenientBool } from './flavors.js';
import type { ComputeTables } from './tables.js';

export type ServiceRow = ComputeTables['compute_services'];

/** Nova's `service_down_time`: a service not heard from for this long is `down`. */
const DOWN_AFTER_MS = 60_000;
export const HEARTBEAT_MS = 10_000;
const BINARIES = ['nova-scheduler', 'nova-conductor', 'nova-compute'] as const;
/** OpenStack: services that are not nova-compute sit in the `internal` zone. */
export const INTERNAL_ZONE = 'internal';
export const DEFAULT_ZONE = 'nova';

/** `2026-12-02T18:40:01.000000`: Nova's naive-UTC timestamps. */
export const novaTime = (t: string | number): string => `${new Date(t).toISOString().slice(0, 19)}.000000`;

/** Registers this host's services (once) and marks them alive; idempotent. */
export async function heartbeat(store: Store, host: string, register: boolean): Promise<void> {
  const now = new Date().toISOString();
  await store.tx(async (tx) => {
    const have = await tx.db.selectFrom('compute_services').select('binary').where('host', '=', host).execute();
    await tx.db.updateTable('compute_services').set({ updated_at: now }).where('host', '=', host).execute();
    if (!register) return;
    for (const binary of BINARIES) {
      if (have.some((h) => h.binary === binary)) continue;
      const top = await tx.db.selectFrom('compute_services').select((e) => e.fn.max('id').as('m')).executeTakeFirst();
      await tx.db.insertInto('compute_services').values({
        uuid: newUuid(), id: Number(top?.m ?? 0) + 1, host, binary, disabled: 0, disabled_reason: null, forced_down: 0, created_at: now, updated_at: now,
      }).execute();
    }
  }).catch((e: unknown) => { if (!isUniqueViolation(e)) throw e; });
}

export const serviceUp = (s: ServiceRow, now = Date.now()): boolean => s.forced_down === 0 && now - Date.parse(s.updated_at) < DOWN_AFTER_MS;

/** The availability zone of each host: its aggregate's zone, else the default. */
export async function hostZones(store: Store): Promise<Map<string, string>> {
  const rows = await store.db.selectFrom('aggregate_hosts').innerJoin('aggregates', 'aggregates.id', 'aggregate_hosts.aggregate_id')
    .select(['aggregate_hosts.host', 'aggregates.availability_zone']).where('aggregates.availability_zone', 'is not', null).execute();
  return new Map(rows.map((r) => [r.host, r.availability_zone!]));
}

export const zoneOf = (s: ServiceRow, zones: Map<string, string>): string =>
  (s.binary === 'nova-compute' ? zones.get(s.host) ?? DEFAULT_ZONE : INTERNAL_ZONE);

export function serviceView(req: FastifyRequest, s: ServiceRow, zones: Map<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: atLeast(req, 2, 53) ? s.uuid : s.id, binary: s.binary, host: s.host, zone: zoneOf(s, zones),
    status: s.disabled ? 'disabled' : 'enabled', state: serviceUp(s) ? 'up' : 'down',
    updated_at: novaTime(s.updated_at), disabled_reason: s.disabled_reason,
  };
  if (atLeast(req, 2, 11)) out.forced_down = s.forced_down === 1;
  return out;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID.test(s);

function checkKeys(body: Record<string, unknown>, allowed: string[], required: string[]): void {
  for (const k of Object.keys(body)) if (!allowed.includes(k)) throw new ValidationError('', body, `Additional properties are not allowed ('${k}' was unexpected)`);
  for (const k of required) if (!(k in body)) throw new ValidationError('', body, `'${k}' is a required property`);
  for (const k of ['host', 'binary', 'disabled_reason']) {
    const v = body[k];
    if (v !== undefined && (typeof v !== 'string' || v.length < 1 || v.length > 255)) throw new ValidationError(k, v, `${JSON.stringify(v)} is not of type 'string'`);
  }
}

export function serviceRoutes(scope: FastifyInstance, ctx: ComputeContext): void {
  const store = ctx.store;
  scope.get('/v2.1/os-services', async (req) => {
    authorize(novaCaller(req), 'os_compute_api:os-services:list');
    const q = req.query as Record<string, string | string[] | undefined>;
    if (atLeast(req, 2, 75)) {
      for (const k of Object.keys(q)) {
        if (k !== 'host' && k !== 'binary') throw new BadRequest(`Invalid input for query parameters ${k}. Value: ${String(q[k])}. Additional properties are not allowed ('${k}' was unexpected)`);
      }
    }
    const one = (k: string) => { const v = q[k]; return Array.isArray(v) ? v.at(-1) : v; };
    let query = store.db.selectFrom('compute_services').selectAll().orderBy('id');
    if (one('host')) query = query.where('host', '=', one('host')!);
    if (one('binary')) query = query.where('binary', '=', one('binary')!);
    const zones = await hostZones(store);
    return { services: (await query.execute()).map((s) => serviceView(req, s, zones)) };
  });

  type P = { Params: { id: string } };
  scope.put<P>('/v2.1/os-services/:id', async (req) => {
    const body = req.body as Record<string, unknown> | null;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('', body, "is not of type 'object'");
    if (atLeast(req, 2, 53)) return updateById(req, req.params.id, body);
    authorize(novaCaller(req), 'os_compute_api:os-services:update');
    const action = req.params.id;
    const actions = ['enable', 'disable', 'disable-log-reason', ...(atLeast(req, 2, 11) ? ['force-down'] : [])];
    if (!actions.includes(action)) throw new NovaNotFound('Unknown action');
    const keys = action === 'disable-log-reason' ? ['host', 'binary', 'disabled_reason'] : action === 'force-down' ? ['host', 'binary', 'forced_down'] : ['host', 'binary'];
    checkKeys(body, keys, ['host', 'binary']);
    const host = body.host as string; const binary = body.binary as string;
    let change: Partial<ServiceRow>;
    let forced: boolean | undefined;
    if (action === 'disable-log-reason') {
      if (body.disabled_reason === undefined) throw new BadRequest('Missing disabled reason field');
      change = { disabled: 1, disabled_reason: body.disabled_reason as string };
    } else if (action === 'force-down') {
      if (body.forced_down === undefined) throw new BadRequest('Missing forced_down field');
      forced = lenientBool(body.forced_down) ?? undefined;
      if (forced === undefined) throw new ValidationError('forced_down', body.forced_down, `${JSON.stringify(body.forced_down)} is not of type 'boolean'`);
      change = { forced_down: forced ? 1 : 0 };
    } else change = action === 'enable' ? { disabled: 0, disabled_reason: null } : { disabled: 1, disabled_reason: null };
    if (binary !== 'nova-compute') throw new BadRequest(`Updating a ${binary} service is not supported. Only nova-compute services can be updated.`);
    const s = await store.db.selectFrom('compute_services').selectAll().where('host', '=', host).where('binary', '=', binary).executeTakeFirst();
    if (!s) throw new NovaNotFound(`Host '${host}' is not mapped to any cell`);
    await save(s, change);
    if (action === 'force-down') return { service: { host, binary, forced_down: forced } };
    const out: Record<string, unknown> = { host, binary, status: action === 'enable' ? 'enabled' : 'disabled' };
    if (change.disabled_reason) out.disabled_reason = change.disabled_reason;
    return { service: out };
  });

  async function save(s: ServiceRow, change: Partial<ServiceRow>): Promise<void> {
    await store.tx(async (tx) => {
      await tx.db.updateTable('compute_services').set(change).where('uuid', '=', s.uuid).execute();
      await tx.emit({ resource: 'compute_service', id: s.uuid, action: 'update' });
    });
  }

  async function updateById(req: FastifyRequest, id: string, body: Record<string, unknown>) {
    if (!isUuid(id)) throw new BadRequest(`Invalid uuid ${id}`);
    authorize(novaCaller(req), 'os_compute_api:os-services:update');
    for (const k of Object.keys(body)) {
      if (!['status', 'disabled_reason', 'forced_down'].includes(k)) throw new ValidationError('', body, `Additional properties are not allowed ('${k}' was unexpected)`);
    }
    if (body.status !== undefined && body.status !== 'enabled' && body.status !== 'disabled') {
      throw new ValidationError('status', body.status, `${JSON.stringify(body.status)} is not one of ['enabled', 'disabled']`);
    }
    const s = await store.db.selectFrom('compute_services').selectAll().where('uuid', '=', id).executeTakeFirst();
    if (!s) throw new NovaNotFound(`Service ${id} could not be found.`);
    if (s.binary !== 'nova-compute') throw new BadRequest(`Updating a ${s.binary} service is not supported. Only nova-compute services can be updated.`);
    const change: Partial<ServiceRow> = {};
    if (body.disabled_reason !== undefined) {
      if (body.status !== 'disabled') throw new BadRequest("Specifying 'disabled_reason' with status 'enabled' is invalid.");
      const r = body.disabled_reason;
      if (typeof r !== 'string' || r.length < 1 || r.length > 255) throw new ValidationError('disabled_reason', r, `${JSON.stringify(r)} is not of type 'string'`);
      change.disabled_reason = r;
    }
    if (body.status === 'enabled') Object.assign(change, { disabled: 0, disabled_reason: null });
    if (body.status === 'disabled') change.disabled = 1;
    if (body.forced_down !== undefined) {
      if (typeof body.forced_down !== 'boolean') throw new ValidationError('forced_down', body.forced_down, `${JSON.stringify(body.forced_down)} is not of type 'boolean'`);
      change.forced_down = body.forced_down ? 1 : 0;
    }
    if (!Object.keys(change).length && body.status === undefined) throw new BadRequest("At least one of 'status' or 'forced_down' must be specified.");
    await save(s, change);
    const zones = await hostZones(store);
    return { service: serviceView(req, { ...s, ...change }, zones) };
  }

  scope.delete<P>('/v2.1/os-services/:id', async (req, reply) => {
    authorize(novaCaller(req), 'os_compute_api:os-services:delete');
    const id = req.params.id;
    if (atLeast(req, 2, 53) ? !isUuid(id) : !/^-?\d+$/.test(id)) throw new BadRequest(atLeast(req, 2, 53) ? `Invalid uuid ${id}` : 'Invalid input received: id must be an integer');
    const outOfRange = !atLeast(req, 2, 53) && Math.abs(Number(id)) > 2 ** 31 - 1;
    const s = outOfRange ? undefined : await store.db.selectFrom('compute_services').selectAll().where(atLeast(req, 2, 53) ? 'uuid' : 'id', '=', atLeast(req, 2, 53) ? id : Number(id)).executeTakeFirst();
    if (!s) throw new NovaNotFound(`Service ${id} not found.`);
    await store.tx(async (tx) => {
      if (s.binary === 'nova-compute') {
        const n = await tx.db.selectFrom('servers').select((e) => e.fn.countAll().as('n')).where('host', '=', s.host).executeTakeFirst();
        if (Number(n?.n ?? 0) > 0) throw new Conflict('Unable to delete compute service that is hosting instances. Migrate or delete the instances first.');
        await tx.db.deleteFrom('aggregate_hosts').where('host', '=', s.host).execute();
      }
      await tx.db.deleteFrom('compute_services').where('uuid', '=', s.uuid).execute();
      await tx.emit({ resource: 'compute_service', id: s.uuid, action: 'delete' });
    });
    return reply.code(204).send();
  });
}
