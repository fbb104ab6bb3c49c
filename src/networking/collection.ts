// Neutron's generic controller (neutron/api/v2/base.py, as data): every collection gets list,
// show, create (single or bulk), update, delete and tag routes from its definition plus a few
// hooks. Here live the rules every Neutron resource shares — project ownership, visibility,
// policy on actions and on attributes, fields=, filters, sorting, pagination links, tags,
// revision_number and If-Match, quotas, timestamps and change events.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { BadRequest } from '../core/errors.js';
import { isoSeconds, newUuid } from '../core/ids.js';
import {
  applyFilters, attributeOf, checkBody, fromRow, pageRows, planList, queryValues, toRow, view,
  type QueryParams, type ResourceDef, type Values,
} from '../core/resource/index.js';
import type { Database } from '../store/schema.js';
import { insertRow, type Tx } from '../store/index.js';
import { callerOf, type Caller, type Networking } from './context.js';
import { PolicyNotAuthorized, RevisionNumberConstraintFailed, NeutronNotFound } from './errors.js';
import { networkingPolicy } from './policy.js';
import { checkQuota } from './quotas.js';
import { applyTagFilters, loadTags, tagRoutes, TAG_FILTERS } from './tags.js';

export type Query = SelectQueryBuilder<any, any, any>;
export type Db = Kysely<Database>;

export interface Collection {
  def: ResourceDef;
  /** URL path segment, e.g. `security-groups` (default: plural). */
  path?: string;
  /** 404 for an id that does not exist or is not visible. */
  notFound(id: string): Error;
  /** Restricts a query to what a non-admin caller may see (default: own project). */
  visible?(q: Query, caller: Caller): Query;
  /** Adds derived attributes (fixed_ips, subnets, …) to loaded resources, in one batch. */
  expand?(db: Db, items: Values[], caller: Caller): Promise<void>;
  /** Filters the definition cannot express (e.g. `fixed_ips=ip_address=…`). */
  filters?: Record<string, (q: Query, values: string[]) => Query>;
  /** Extra policy target fields, e.g. the network's owner for a port. */
  target?(db: Db, values: Values): Promise<Record<string, unknown>>;
  /** Checks that the parent the body names exists and is visible, before policy (a 404 rather than a 403). */
  parent?(tx: Tx, caller: Caller, values: Values): Promise<void>;
  /** Quota resource name, when creation is counted. */
  quota?: string;
  /** Fills and checks a create inside the transaction; then the row is inserted generically. */
  beforeCreate?(tx: Tx, caller: Caller, values: Values, ctx: Networking): Promise<void>;
  /** After the row is inserted: dependent rows (IPs, segment, security group bindings). */
  afterCreate?(tx: Tx, caller: Caller, values: Values, ctx: Networking): Promise<void>;
  /** Applies an update; may consume non-column changes (delete them from `changes`). */
  beforeUpdate?(tx: Tx, caller: Caller, current: Values, changes: Values, ctx: Networking): Promise<void>;
  /** Refuses or cascades a delete (the row itself and its tags are deleted generically). */
  beforeDelete?(tx: Tx, caller: Caller, current: Values, ctx: Networking): Promise<void>;
  /** Default true: the resource has standard attributes (timestamps, revision, tags). */
  standard?: boolean;
  /**
   * afterCreate never rewrites the resource's own row and leaves its derived attributes in
   * `values` as expand would load them: a create answers from what it wrote, without reloading.
   */
  renderWritten?: boolean;
  /** Runs before a list or show (e.g. making the caller's default security group). */
  prepare?(caller: Caller, ctx: Networking): Promise<void>;
  /** Extra routes under this collection (router interfaces, …). */
  routes?(scope: FastifyInstance, ctx: Networking): void;
}

const pathOf = (c: Collection) => c.path ?? c.def.plural;
const ownProject = (q: Query, def: ResourceDef, caller: Caller) => q.where(`${def.table}.project_id`, '=', caller.projectId);

/** Policy target: the resource's attributes with tenant_id, plus the collection's extras. */
export async function targetOf(c: Collection, db: Db, values: Values): Promise<Record<string, unknown>> {
  return { ...values, tenant_id: values.project_id, ...(c.target ? await c.target(db, values) : {}) };
}

export function authorize(caller: Caller, action: string, target: Record<string, unknown>): void {
  const creds = { roles: caller.auth.roles, project_id: caller.projectId, user_id: caller.auth.userId };
  if (!networkingPolicy.check(action, creds, target)) throw new PolicyNotAuthorized(action);
}

function allowed(caller: Caller, action: string, target: Record<string, unknown>): boolean {
  if (!networkingPolicy.has(action)) return true;
  return networkingPolicy.check(action, { roles: caller.auth.roles, project_id: caller.projectId, user_id: caller.auth.userId }, target);
}

/** Loads visible resources by id (or by a query), expanded. */
export async function loadMany(c: Collection, db: Db, caller: Caller, build: (q: Query) => Query): Promise<Values[]> {
  let q: Query = db.selectFrom(c.def.table as 'networks').selectAll(c.def.table as 'networks');
  if (!caller.isAdmin) q = (c.visible ?? ((qq, cc) => ownProject(qq, c.def, cc)))(q, caller);
  const rows = (await build(q).execute()) as Record<string, unknown>[];
  return expandRows(c, db, rows, caller);
}

async function expandRows(c: Collection, db: Db, rows: Record<string, unknown>[], caller: Caller): Promise<Values[]> {
  const items = rows.map((r) => fromRow(c.def, r));
  for (const v of items) v.tenant_id = v.project_id;
  if (c.standard !== false && items.length) {
    const tags = await loadTags(db, c.def.singular, items.map((v) => String(v.id)));
    for (const v of items) v.tags = tags.get(String(v.id)) ?? [];
  }
  if (c.expand && items.length) await c.expand(db, items, caller);
  return items;
}

export async function loadOne(c: Collection, db: Db, caller: Caller, id: string): Promise<Values> {
  const [v] = await loadMany(c, db, caller, (q) => q.where(`${c.def.table}.id`, '=', id));
  if (!v) throw c.notFound(id);
  return v;
}

/** What render and loadCreated need of a definition, worked out once per collection. */
interface Shape {
  /** Attributes a get rule may hide. */
  policed: string[];
  /** Whether any of those rules reads the target (else a view needs no target, so no query). */
  policedReadsTarget: boolean;
  /** Attributes not stored in the row. */
  derived: string[];
}
const shapes = new WeakMap<Collection, Shape>();
function shapeOf(c: Collection): Shape {
  let shape = shapes.get(c);
  if (!shape) {
    const attrs = Object.entries(c.def.attributes);
    const policed = attrs.filter(([k, a]) => a.policy && networkingPolicy.has(`get_${c.def.singular}:${k}`)).map(([k]) => k);
    shapes.set(c, shape = {
      policed,
      policedReadsTarget: policed.some((k) => networkingPolicy.usesTarget(`get_${c.def.singular}:${k}`)),
      derived: attrs.filter(([, a]) => a.stored === false).map(([k]) => k),
    });
  }
  return shape;
}

/** The response for one resource: policy-stripped attributes, narrowed by `fields`. */
export async function render(c: Collection, db: Db, caller: Caller, v: Values, fields?: string[]): Promise<Values> {
  const { policed, policedReadsTarget } = shapeOf(c);
  // An admin passes every get rule, and role-only rules read no target: then none is built
  // (it can cost a query per row of a list).
  const target = policed.length && policedReadsTarget && !caller.isAdmin ? await targetOf(c, db, v) : {};
  const hidden = caller.isAdmin ? [] : policed.filter((k) => !allowed(caller, `get_${c.def.singular}:${k}`, target));
  const out = view(c.def, v, fields?.length ? fields : undefined);
  for (const k of hidden) delete out[k];
  return out;
}

function ifMatch(req: FastifyRequest, current: Values): void {
  const header = req.headers['if-match'];
  if (typeof header !== 'string') return;
  const m = /revision_number=(\d+)/.exec(header);
  if (!m) return; // OpenStack: other If-Match forms are ignored
  if (Number(m[1]) !== current.revision_number) throw new RevisionNumberConstraintFailed(Number(m[1]), Number(current.revision_number));
}

/** project_id / tenant_id from the body, defaulting to the caller's; only an admin names another. */
function resolveProject(caller: Caller, values: Values): void {
  const given = (values.project_id ?? values.tenant_id) as string | undefined;
  if (values.project_id !== undefined && values.tenant_id !== undefined && values.project_id !== values.tenant_id) {
    throw new BadRequest("'project_id' and 'tenant_id' do not match", 'HTTPBadRequest');
  }
  if (given !== undefined && given !== caller.projectId && !caller.isAdmin) {
    throw new BadRequest("Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin privileges", 'HTTPBadRequest');
  }
  values.project_id = given ?? caller.projectId;
  delete values.tenant_id;
}

/**
 * The rules an action on `body` must pass: `<action>_<resource>`, then `<action>_<resource>:<attr>`
 * for each policed attribute in the body. OpenStack: on create, an attribute given with its
 * default value counts as not set.
 */
function actionRules(c: Collection, action: 'create' | 'update', body: Values): string[] {
  const rules = [`${action}_${c.def.singular}`];
  for (const k of Object.keys(body)) {
    const a = attributeOf(c.def, k);
    if (!a?.policy) continue;
    if (action === 'create' && a.default !== undefined && typeof a.default !== 'function' && JSON.stringify(a.default) === JSON.stringify(body[k])) continue;
    const rule = `${action}_${c.def.singular}:${k}`;
    if (networkingPolicy.has(rule)) rules.push(rule);
  }
  return rules;
}

/** Creates one resource inside `tx`; returns the values written (`id` among them). */
/** `id`: an id chosen by an in-process caller (Heat, so a resumed create can find what it made). */
export async function createIn(tx: Tx, c: Collection, ctx: Networking, caller: Caller, body: Record<string, unknown>, id?: string): Promise<Values> {
  const { values } = checkBody(c.def, body, 'create');
  resolveProject(caller, values);
  values.id = id ?? newUuid();
  const now = isoSeconds();
  if (c.standard !== false) Object.assign(values, { created_at: now, updated_at: now, revision_number: 0 });
  if (c.parent) await c.parent(tx, caller, values);
  const rules = actionRules(c, 'create', body);
  // Most create rules are open or role-only: the target (a merge, maybe a read) only when one looks.
  const target = rules.some((r) => networkingPolicy.usesTarget(r)) ? await targetOf(c, tx.db, { ...values, ...body, project_id: values.project_id }) : {};
  for (const rule of rules) authorize(caller, rule, target);
  if (c.quota) await checkQuota(tx, ctx, c.quota, String(values.project_id));
  if (c.beforeCreate) await c.beforeCreate(tx, caller, values, ctx);
  const row = toRow(c.def, values);
  written.set(values, row);
  await insertRow(tx.db, c.def.table as 'networks', row);
  if (c.afterCreate) await c.afterCreate(tx, caller, values, ctx);
  await tx.emit({ resource: c.def.singular, id: String(values.id), action: 'create', projectId: String(values.project_id) });
  return values;
}

/** The row each created resource was inserted as (renderWritten answers from it). */
const written = new WeakMap<Values, Record<string, unknown>>();

/** The created resources as a show would load them (from what was written, when the collection allows). */
async function loadCreated(c: Collection, ctx: Networking, caller: Caller, created: Values[]): Promise<Values[]> {
  if (c.renderWritten) {
    const { derived } = shapeOf(c);
    return created.map((v) => {
      const out = fromRow(c.def, written.get(v) ?? toRow(c.def, v)); // the stored attributes exactly as a read gives them
      for (const k of derived) out[k] = v[k];
      // Tags cannot be given on create, so a resource just made has none.
      return Object.assign(out, { tenant_id: out.project_id, ...(c.standard !== false ? { tags: [] } : {}) });
    });
  }
  const admin = { ...caller, isAdmin: true };
  return Promise.all(created.map((v) => loadOne(c, ctx.store.db, admin, String(v.id))));
}

export async function createOne(c: Collection, ctx: Networking, caller: Caller, body: Record<string, unknown>, id?: string): Promise<Values> {
  const values = await ctx.store.tx((tx) => createIn(tx, c, ctx, caller, body, id), { retryUnique: true });
  return (await loadCreated(c, ctx, caller, [values]))[0]!;
}

export async function updateOne(c: Collection, ctx: Networking, caller: Caller, id: string, body: Record<string, unknown>, req?: FastifyRequest, revisionNumber?: number): Promise<Values> {
  await ctx.store.tx(async (tx) => {
    if (revisionNumber !== undefined) {
      // A guarded write first: it takes the row's lock (PostgreSQL), so a concurrent writer's commit is seen, not overwritten.
      const r = await tx.db.updateTable(c.def.table as 'ports').set((eb) => ({ revision_number: eb.ref('revision_number') }))
        .where('id', '=', id).where('revision_number', '=', revisionNumber).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) {
        const now = await loadOne(c, tx.db, caller, id);
        throw new RevisionNumberConstraintFailed(revisionNumber, Number(now.revision_number));
      }
    }
    const current = await loadOne(c, tx.db, caller, id);
    if (req) ifMatch(req, current);
    const { values: changes } = checkBody(c.def, body, 'update');
    const [rule, ...attributeRules] = actionRules(c, 'update', body);
    authorize(caller, rule!, await targetOf(c, tx.db, current));
    const target = await targetOf(c, tx.db, { ...current, ...changes });
    for (const r of attributeRules) authorize(caller, r, target);
    if (!Object.keys(body).length) return; // OpenStack: an empty update changes nothing, not even the revision
    if (c.beforeUpdate) await c.beforeUpdate(tx, caller, current, changes, ctx);
    await touch(tx, c, id, toRow(c.def, changes));
    await tx.emit({ resource: c.def.singular, id, action: 'update', projectId: String(current.project_id) });
  }, { retryUnique: true });
  return loadOne(c, ctx.store.db, { ...caller, isAdmin: true }, id);
}

/** Writes `row` and, for standard resources, bumps revision_number and updated_at. */
export async function touch(tx: Tx, c: Collection, id: string, row: Record<string, unknown> = {}): Promise<void> {
  const set: Record<string, unknown> = { ...row };
  if (c.standard !== false) set.updated_at = isoSeconds();
  if (!Object.keys(set).length) return;
  let q = tx.db.updateTable(c.def.table as 'networks').set(set as never);
  if (c.standard !== false) q = q.set((eb) => ({ revision_number: eb('revision_number', '+', 1) }));
  await q.where('id', '=', id).execute();
}

/** Deletes one resource inside `tx`, after its checks and cascades. */
export async function deleteIn(tx: Tx, c: Collection, ctx: Networking, caller: Caller, id: string, req?: FastifyRequest): Promise<void> {
  const current = await loadOne(c, tx.db, caller, id);
  if (req) ifMatch(req, current);
  authorize(caller, `delete_${c.def.singular}`, await targetOf(c, tx.db, current));
  if (c.beforeDelete) await c.beforeDelete(tx, caller, current, ctx);
  if (c.standard !== false) await tx.db.deleteFrom('tags').where('resource_type', '=', c.def.singular).where('resource_id', '=', id).execute();
  await tx.db.deleteFrom(c.def.table as 'networks').where('id', '=', id).execute();
  await tx.emit({ resource: c.def.singular, id, action: 'delete', projectId: String(current.project_id) });
}

export async function deleteOne(c: Collection, ctx: Networking, caller: Caller, id: string, req?: FastifyRequest): Promise<void> {
  await ctx.store.tx((tx) => deleteIn(tx, c, ctx, caller, id, req));
}

/** A list's filters, as Neutron applies them: attributes (tenant_id as project_id), the collection's own (fixed_ips …), tags. */
export function applyListFilters(c: Collection, q: Query, params: QueryParams): Query {
  const custom = Object.keys(c.filters ?? {});
  const attrs = { ...params };
  if (attrs.tenant_id !== undefined) { attrs.project_id = attrs.tenant_id; delete attrs.tenant_id; }
  q = applyFilters(c.def, q, attrs, { strictFilters: true, ignore: [...custom, ...TAG_FILTERS] });
  for (const k of custom) if (params[k] !== undefined) q = c.filters![k]!(q, queryValues(params, k));
  return c.standard !== false ? applyTagFilters(q, c.def, params) : q;
}

export function registerCollection(scope: FastifyInstance, ctx: Networking, c: Collection): void {
  const { def } = c;
  const base = `/v2.0/${pathOf(c)}`;
  const fieldsOf = (req: FastifyRequest) => queryValues(req.query as QueryParams, 'fields');

  scope.get(base, async (req) => {
    const caller = callerOf(req);
    await c.prepare?.(caller, ctx);
    const params = req.query as QueryParams;
    const plan = planList(def, params, { defaultSort: [] });
    const reverse = /^true$/i.test(queryValues(params, 'page_reverse')[0] ?? '');
    if (reverse) plan.sort = plan.sort.map(([k, d]) => [k, d === 'asc' ? 'desc' : 'asc']);
    let q: Query = ctx.store.db.selectFrom(def.table as 'networks').selectAll(def.table as 'networks');
    if (!caller.isAdmin) q = (c.visible ?? ((qq, cc) => ownProject(qq, def, cc)))(q, caller);
    q = applyListFilters(c, q, params);
    const markerRow = plan.marker
      ? await ctx.store.db.selectFrom(def.table as 'networks').selectAll().where('id', '=', plan.marker).executeTakeFirst()
      : undefined;
    if (plan.marker && !markerRow) throw c.notFound(plan.marker);
    const { rows, more } = await pageRows(def, q, plan, markerRow as Record<string, unknown> | undefined);
    if (reverse) rows.reverse();
    const items = await expandRows(c, ctx.store.db, rows, caller);
    const fields = fieldsOf(req);
    const out: Record<string, unknown> = { [def.plural]: await Promise.all(items.map((v) => render(c, ctx.store.db, caller, v, fields))) };
    if (plan.limit !== undefined && queryValues(params, 'limit').length) {
      const links = [];
      const link = (marker: string, extra = '') => {
        const u = new URL(`${req.ctx.baseUrl}${req.url}`);
        u.searchParams.set('marker', marker);
        u.searchParams.delete('page_reverse');
        return `${u.toString()}${extra}`;
      };
      if ((reverse ? Boolean(plan.marker) : more) && items.length) links.push({ rel: 'next', href: link(String(items.at(-1)!.id)) });
      // OpenStack: every non-empty page links back, the first one too.
      if (items.length && (!reverse || more)) links.push({ rel: 'previous', href: link(String(items[0]!.id), '&page_reverse=True') });
      out[`${def.plural}_links`] = links;
    }
    return out;
  });

  scope.get<{ Params: { id: string } }>(`${base}/:id`, async (req) => {
    const caller = callerOf(req);
    await c.prepare?.(caller, ctx);
    const v = await loadOne(c, ctx.store.db, caller, req.params.id);
    return { [def.singular]: await render(c, ctx.store.db, caller, v, fieldsOf(req)) };
  });

  scope.post(base, async (req, reply) => {
    const caller = callerOf(req);
    const body = req.body as Record<string, unknown> | undefined;
    if (body && typeof body === 'object' && Array.isArray(body[def.plural])) {
      // Bulk create: all or nothing, as Neutron's native bulk.
      const list = (body[def.plural] as unknown[]).map((item) => unwrapItem(def, { [def.singular]: item }));
      const written = await ctx.store.tx(async (tx) => {
        const out: Values[] = [];
        for (const item of list) out.push(await createIn(tx, c, ctx, caller, item));
        return out;
      }, { retryUnique: true });
      const created = await loadCreated(c, ctx, caller, written);
      return reply.code(201).send({ [def.plural]: await Promise.all(created.map((v) => render(c, ctx.store.db, caller, v))) });
    }
    const v = await createOne(c, ctx, caller, unwrapItem(def, body));
    return reply.code(201).send({ [def.singular]: await render(c, ctx.store.db, caller, v) });
  });

  scope.put<{ Params: { id: string } }>(`${base}/:id`, async (req) => {
    const caller = callerOf(req);
    const v = await updateOne(c, ctx, caller, req.params.id, unwrapItem(def, req.body), req);
    return { [def.singular]: await render(c, ctx.store.db, caller, v) };
  });

  scope.delete<{ Params: { id: string } }>(`${base}/:id`, async (req, reply) => {
    await deleteOne(c, ctx, callerOf(req), req.params.id, req);
    return reply.code(204).send();
  });

  if (c.standard !== false) tagRoutes(scope, ctx, c, base);
  c.routes?.(scope, ctx);
}

function unwrapItem(def: ResourceDef, body: unknown): Record<string, unknown> {
  const inner = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)[def.singular] : undefined;
  if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) {
    throw new BadRequest(`Resource body required: '${def.singular}'`, 'HTTPBadRequest');
  }
  return inner as Record<string, unknown>;
}

export { NeutronNotFound };
