// Keystone-style collection routes generated from a resource definition: GET list (filters from
// the definition), POST (201), GET/HEAD one, PATCH, DELETE (204); `{"<singular>": …}` envelopes
// and `links`. Each entity supplies only its rules (hooks); policy names follow Keystone's
// `identity:<verb>_<singular>`.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SelectQueryBuilder } from 'kysely';
import { credentialsOf } from '../core/http/context.js';
import { newHexId } from '../core/ids.js';
import { applyFilters, checkBody, fromRow, toRow, unwrap, view, type QueryParams, type ResourceDef, type Values } from '../core/resource/index.js';
import { isUniqueViolation, type Tx } from '../store/index.js';
import { DuplicateEntry, EntityNotFound, ForbiddenAction, ValidationError } from './errors.js';
import { identityPolicy } from './policy.js';
import type { IdentityState } from './state.js';

type Query = SelectQueryBuilder<any, any, any>;

export interface EntityHooks {
  /** Policy target for one entity (default `{target: {<singular>: values}}`). */
  target?(values: Values): Record<string, unknown>;
  /** Narrows or extends the list query (scoping, extra filters). */
  list?(q: Query, params: QueryParams, req: FastifyRequest): Query | Promise<Query>;
  /** Fills and checks create values inside the transaction; may throw. */
  beforeCreate?(tx: Tx, values: Values, req: FastifyRequest): Promise<void>;
  /** Checks an update (and may rewrite `changes`) inside the transaction. */
  beforeUpdate?(tx: Tx, current: Values, changes: Values, req: FastifyRequest): Promise<void>;
  /** Refuses or cascades a delete inside the transaction. */
  beforeDelete?(tx: Tx, current: Values, req: FastifyRequest): Promise<void>;
  /** Adds derived attributes to a response. */
  show?(values: Values, req: FastifyRequest): Values;
  /** OpenStack: an update body may repeat the entity's own id (Keystone's users); another id is refused. */
  sameIdInUpdate?: string;
  /** Create values shown once, in the create response only (a consumer's secret). */
  reveal?: string[];
  /** Conflict message detail for a duplicate. */
  duplicate?(values: Values): string;
}

export function selfLink(req: FastifyRequest, path: string): { self: string } {
  return { self: `${req.ctx.baseUrl}/identity/v3/${path}` };
}

export function collectionLinks(req: FastifyRequest) {
  return { self: `${req.ctx.baseUrl}${req.url}`, previous: null, next: null };
}

export function authorize(req: FastifyRequest, rule: string, target: Record<string, unknown> = {}): void {
  identityPolicy.authorize(rule, credentialsOf(req.ctx.auth), target, () => new ForbiddenAction(rule));
}

export async function loadEntity(state: IdentityState, def: ResourceDef, id: string, tx?: Tx): Promise<Values> {
  const db = tx?.db ?? state.store.db;
  const row = await db.selectFrom(def.table as 'domains').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new EntityNotFound(def.singular.replaceAll('_', ' '), id);
  return fromRow(def, row);
}

export function registerCrud(scope: FastifyInstance, state: IdentityState, def: ResourceDef, hooks: EntityHooks = {}, path = def.plural): void {
  const kind = def.singular;
  const target = hooks.target ?? ((v: Values) => ({ target: { [kind]: v } }));
  const render = (req: FastifyRequest, v: Values) => ({ ...view(def, hooks.show ? hooks.show(v, req) : v), links: selfLink(req, `${path}/${String(v.id)}`) });
  const duplicate = hooks.duplicate ?? ((v: Values) => `Duplicate entry found with name ${String(v.name)}`);

  scope.get(`/v3/${path}`, async (req) => {
    authorize(req, `identity:list_${def.plural}`);
    const params = req.query as QueryParams;
    let q: Query = state.store.db.selectFrom(def.table as 'domains').selectAll(def.table as 'domains');
    q = applyFilters(def, q, params);
    if (hooks.list) q = await hooks.list(q, params, req);
    const rows = (await q.orderBy(`${def.table}.id`).execute()) as Record<string, unknown>[];
    return { [def.plural]: rows.map((r) => render(req, fromRow(def, r))), links: collectionLinks(req) };
  });

  scope.get<{ Params: { id: string } }>(`/v3/${path}/:id`, async (req) => {
    const v = await loadEntity(state, def, req.params.id);
    authorize(req, `identity:get_${kind}`, target(v));
    return { [kind]: render(req, v) };
  });

  scope.post(`/v3/${path}`, async (req, reply) => {
    const body = unwrap(def, req.body);
    authorize(req, `identity:create_${kind}`, target(body));
    const { values, extra } = checkBody(def, body, 'create');
    values.id ??= newHexId();
    const created = await state.store.tx(async (tx) => {
      if (hooks.beforeCreate) await hooks.beforeCreate(tx, values, req);
      try {
        await tx.db.insertInto(def.table as 'domains').values(toRow(def, values, extra) as never).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateEntry(kind, duplicate(values));
        throw err;
      }
      await tx.emit({ resource: kind, id: String(values.id), action: 'create' });
      return loadEntity(state, def, String(values.id), tx);
    });
    const revealed = Object.fromEntries((hooks.reveal ?? []).map((k) => [k, values[k]]));
    return reply.code(201).send({ [kind]: { ...render(req, created), ...revealed } });
  });

  scope.patch<{ Params: { id: string } }>(`/v3/${path}/:id`, async (req) => {
    const updated = await state.store.tx(async (tx) => {
      const current = await loadEntity(state, def, req.params.id, tx);
      authorize(req, `identity:update_${kind}`, target(current));
      const body = unwrap(def, req.body);
      if (hooks.sameIdInUpdate && body && typeof body === 'object' && 'id' in body) {
        if ((body as Values).id !== req.params.id) throw new ValidationError(hooks.sameIdInUpdate);
        delete (body as Values).id;
      }
      const { values, extra } = checkBody(def, body, 'update');
      if (hooks.beforeUpdate) await hooks.beforeUpdate(tx, current, values, req);
      const keptExtra = { ...Object.fromEntries(Object.entries(current).filter(([k]) => !Object.hasOwn(def.attributes, k))), ...extra };
      const row = toRow(def, values, def.extra ? keptExtra : undefined);
      if (Object.keys(row).length) {
        try {
          await tx.db.updateTable(def.table as 'domains').set(row as never).where('id', '=', req.params.id).execute();
        } catch (err) {
          if (isUniqueViolation(err)) throw new DuplicateEntry(kind, duplicate({ ...current, ...values }));
          throw err;
        }
      }
      await tx.emit({ resource: kind, id: req.params.id, action: 'update' });
      return loadEntity(state, def, req.params.id, tx);
    });
    return { [kind]: render(req, updated) };
  });

  scope.delete<{ Params: { id: string } }>(`/v3/${path}/:id`, async (req, reply) => {
    await state.store.tx(async (tx) => {
      const current = await loadEntity(state, def, req.params.id, tx);
      authorize(req, `identity:delete_${kind}`, target(current));
      if (hooks.beforeDelete) await hooks.beforeDelete(tx, current, req);
      await tx.db.deleteFrom(def.table as 'domains').where('id', '=', req.params.id).execute();
      await tx.emit({ resource: kind, id: req.params.id, action: 'delete' });
    });
    return reply.code(204).send();
  });
}
