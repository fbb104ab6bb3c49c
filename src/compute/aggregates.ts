// Host aggregates (`os-aggregates`): named groups of compute hosts with metadata; an
// aggregate's availability zone is its hosts' zone (Nova keeps it as the `availability_zone`
// metadata key as well). Admin only.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequest, Conflict } from '../core/errors.js';
import { newUuid } from '../core/ids.js';
import { isUniqueViolation, type Tx } from '../store/index.js';
import { authorize, novaCaller, type ComputeContext } from './context.js';
import { NovaNotFound, ValidationError } from './errors.js';
import { atLeast } from './microversion.js';
import { novaTime } from './compute-services.js';
import type { ComputeTables } from './tables.js';

type AggregateRow = ComputeTables['aggregates'];

const aggregateNotFound = (id: string | number) => new NovaNotFound(`Aggregate ${id} could not be found.`);

/** Nova's aggregate id check: an integer, else 400. */
function aggregateId(id: string): number {
  if (!/^-?\d+$/.test(id.trim())) throw new BadRequest('Invalid input received: id must be an integer');
  // Past the column's range no aggregate can have it (and the database would refuse the query).
  const n = Number(id);
  if (!Number.isSafeInteger(n) || Math.abs(n) > 2 ** 31 - 1) throw aggregateNotFound(id);
  return n;
}

/** A name or zone: 1–255 characters, not only spaces; Nova strips the ends. */
function checkName(key: string, v: unknown, nullable: boolean): string | null {
  if (v === null && nullable) return null;
  if (typeof v !== 'string' || !v.length || v.length > 255 || !v.trim()) {
    throw new ValidationError(key, v, typeof v === 'string' && v.length > 255 ? `'${v}' is too long` : `${JSON.stringify(v)} is not a valid name`);
  }
  return v.trim();
}

function checkBody(body: unknown, key: string, allowed: string[]): Record<string, unknown> {
  const b = (body as Record<string, unknown> | null)?.[key];
  if (!body || typeof body !== 'object' || b === undefined) throw new ValidationError('', body, `'${key}' is a required property`);
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw new ValidationError(key, b, `${JSON.stringify(b)} is not of type 'object'`);
  for (const k of Object.keys(b)) if (!allowed.includes(k)) throw new ValidationError(key, b, `Additional properties are not allowed ('${k}' was unexpected)`);
  return b as Record<string, unknown>;
}

export function aggregateRoutes(scope: FastifyInstance, ctx: ComputeContext): void {
  const store = ctx.store;
  const can = (req: FastifyRequest, rule: string) => authorize(novaCaller(req), `os_compute_api:os-aggregates:${rule}`);

  async function view(req: FastifyRequest, a: AggregateRow, full = true): Promise<Record<string, unknown>> {
    const hosts = (await store.db.selectFrom('aggregate_hosts').select('host').where('aggregate_id', '=', a.id).orderBy('host').execute()).map((h) => h.host);
    const out: Record<string, unknown> = {
      id: a.id, name: a.name, availability_zone: a.availability_zone, created_at: novaTime(a.created_at), updated_at: a.updated_at && novaTime(a.updated_at),
      deleted_at: null, deleted: false,
    };
    if (full) Object.assign(out, { hosts, metadata: JSON.parse(a.metadata) as Record<string, string> });
    if (atLeast(req, 2, 41)) out.uuid = a.uuid;
    return out;
  }
  async function load(tx: Tx | typeof store, id: number): Promise<AggregateRow> {
    const a = await tx.db.selectFrom('aggregates').selectAll().where('id', '=', id).executeTakeFirst();
    if (!a) throw aggregateNotFound(id);
    return a;
  }
  const nameTaken = (name: string) => new Conflict(`Aggregate ${name} already exists.`);

  scope.get('/v2.1/os-aggregates', async (req) => {
    can(req, 'index');
    const rows = await store.db.selectFrom('aggregates').selectAll().orderBy('id').execute();
    return { aggregates: await Promise.all(rows.map((a) => view(req, a))) };
  });
  scope.post('/v2.1/os-aggregates', async (req) => {
    can(req, 'create');
    const b = checkBody(req.body, 'aggregate', ['name', 'availability_zone']);
    if (b.name === undefined) throw new ValidationError('aggregate', b, "'name' is a required property");
    const name = checkName('name', b.name, false)!;
    const zone = b.availability_zone === undefined ? null : checkName('availability_zone', b.availability_zone, true);
    const now = new Date().toISOString();
    const row = await store.tx(async (tx) => {
      const top = await tx.db.selectFrom('aggregates').select((e) => e.fn.max('id').as('m')).executeTakeFirst();
      const a: AggregateRow = { id: Number(top?.m ?? 0) + 1, uuid: newUuid(), name, availability_zone: zone, metadata: JSON.stringify(zone ? { availability_zone: zone } : {}), created_at: now, updated_at: null };
      await tx.db.insertInto('aggregates').values(a).execute();
      await tx.emit({ resource: 'aggregate', id: a.uuid, action: 'create' });
      return a;
    }).catch((e: unknown) => { throw isUniqueViolation(e) ? nameTaken(name) : e; });
    return { aggregate: await view(req, row, false) };
  });
  type P = { Params: { id: string } };
  scope.get<P>('/v2.1/os-aggregates/:id', async (req) => {
    can(req, 'show');
    return { aggregate: await view(req, await load(store, aggregateId(req.params.id))) };
  });
  scope.put<P>('/v2.1/os-aggregates/:id', async (req) => {
    can(req, 'update');
    const b = checkBody(req.body, 'aggregate', ['name', 'availability_zone']);
    if (!Object.keys(b).length) throw new ValidationError('aggregate', b, '{} does not have enough properties');
    const id = aggregateId(req.params.id);
    const change: Partial<AggregateRow> = { updated_at: new Date().toISOString() };
    if (b.name !== undefined) change.name = checkName('name', b.name, false)!;
    const row = await store.tx(async (tx) => {
      const a = await load(tx, id);
      if (b.availability_zone !== undefined) {
        change.availability_zone = checkName('availability_zone', b.availability_zone, true);
        const meta = JSON.parse(a.metadata) as Record<string, string>;
        if (change.availability_zone) meta.availability_zone = change.availability_zone; else delete meta.availability_zone;
        change.metadata = JSON.stringify(meta);
      }
      await tx.db.updateTable('aggregates').set(change).where('id', '=', id).execute();
      await tx.emit({ resource: 'aggregate', id: a.uuid, action: 'update' });
      return { ...a, ...change };
    }).catch((e: unknown) => { throw isUniqueViolation(e) ? nameTaken(change.name!) : e; });
    return { aggregate: await view(req, row) };
  });
  scope.delete<P>('/v2.1/os-aggregates/:id', async (req, reply) => {
    can(req, 'delete');
    const id = aggregateId(req.params.id);
    await store.tx(async (tx) => {
      const a = await load(tx, id);
      const hosts = await tx.db.selectFrom('aggregate_hosts').select('host').where('aggregate_id', '=', id).execute();
      if (hosts.length) throw new BadRequest(`Cannot delete aggregate: ${id}. Reason: Host aggregate is not empty.`);
      await tx.db.deleteFrom('aggregates').where('id', '=', id).execute();
      await tx.emit({ resource: 'aggregate', id: a.uuid, action: 'delete' });
    });
    return reply.code(200).send();
  });

  scope.post<P>('/v2.1/os-aggregates/:id/action', async (req) => {
    const body = req.body as Record<string, unknown> | null;
    const action = body && typeof body === 'object' ? Object.keys(body)[0] : undefined;
    if (action === 'add_host' || action === 'remove_host') {
      can(req, action);
      const b = checkBody(body, action, ['host']);
      if (b.host === undefined) throw new ValidationError(action, b, "'host' is a required property");
      const host = checkName('host', b.host, false)!;
      const id = aggregateId(req.params.id);
      const row = await store.tx(async (tx) => {
        const a = await load(tx, id);
        const member = await tx.db.selectFrom('aggregate_hosts').select('host').where('aggregate_id', '=', id).where('host', '=', host).executeTakeFirst();
        if (action === 'remove_host') {
          if (!member) throw new NovaNotFound(`Cannot remove host ${host} in aggregate ${id}`);
          await tx.db.deleteFrom('aggregate_hosts').where('aggregate_id', '=', id).where('host', '=', host).execute();
        } else {
          const compute = await tx.db.selectFrom('compute_services').select('host').where('host', '=', host).where('binary', '=', 'nova-compute').executeTakeFirst();
          if (!compute) throw new NovaNotFound(`Compute host ${host} could not be found.`);
          if (member) throw new Conflict(`Aggregate ${id} already has host ${host}.`);
          if (a.availability_zone) {
            const other = await tx.db.selectFrom('aggregate_hosts').innerJoin('aggregates', 'aggregates.id', 'aggregate_hosts.aggregate_id').select('aggregates.availability_zone')
              .where('aggregate_hosts.host', '=', host).where('aggregates.availability_zone', 'is not', null).where('aggregates.availability_zone', '!=', a.availability_zone).executeTakeFirst();
            if (other) throw new Conflict(`Cannot add host to aggregate ${id}. Reason: One or more hosts already in availability zone(s) ['${other.availability_zone!}'].`);
          }
          await tx.db.insertInto('aggregate_hosts').values({ aggregate_id: id, host }).execute();
        }
        await tx.emit({ resource: 'aggregate', id: a.uuid, action: 'update' });
        return a;
      });
      return { aggregate: await view(req, row) };
    }
    if (action === 'set_metadata') {
      can(req, 'set_metadata');
      const b = checkBody(body, action, ['metadata']);
      const meta = b.metadata;
      if (!meta || typeof meta !== 'object' || Array.isArray(meta)) throw new ValidationError('set_metadata.metadata', meta, `${JSON.stringify(meta)} is not of type 'object'`);
      const entries = Object.entries(meta as Record<string, unknown>);
      for (const [k, v] of entries) {
        if (!k.length || k.length > 255) throw new ValidationError('set_metadata.metadata', meta, `'${k}' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'`);
        if (v !== null && (typeof v !== 'string' || v.length > 255)) throw new ValidationError(`set_metadata.metadata.${k}`, v, `${JSON.stringify(v)} is not of type 'string', 'null'`);
      }
      const id = aggregateId(req.params.id);
      const row = await store.tx(async (tx) => {
        const a = await load(tx, id);
        const current = JSON.parse(a.metadata) as Record<string, string>;
        for (const [k, v] of entries) { if (v === null) delete current[k]; else current[k] = v as string; }
        const change = { metadata: JSON.stringify(current), availability_zone: current.availability_zone ?? null, updated_at: new Date().toISOString() };
        await tx.db.updateTable('aggregates').set(change).where('id', '=', id).execute();
        await tx.emit({ resource: 'aggregate', id: a.uuid, action: 'update' });
        return { ...a, ...change };
      });
      return { aggregate: await view(req, row) };
    }
    throw new ValidationError('', body, `${JSON.stringify(body)} is not valid under any of the given schemas`);
  });
}
