// Tags on standard-attribute resources (standard-attr-tag): the /tags routes and the
// tags / tags-any / not-tags / not-tags-any list filters, over one `tags` table.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { BadRequest, NotFound } from '../core/errors.js';
import { queryValues, type QueryParams, type ResourceDef } from '../core/resource/index.js';
import type { Collection, Db, Query } from './collection.js';
import { callerOf, type Caller, type Networking } from './context.js';
import { loadOne, touch } from './collection.js';

export const TAG_FILTERS = ['tags', 'tags-any', 'not-tags', 'not-tags-any'];
const MAX_TAGS = 50;

export async function loadTags(db: Db, type: string, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('tags').select(['resource_id', 'tag']).where('resource_type', '=', type)
      .where('resource_id', 'in', ids.slice(i, i + 500)).orderBy('tag').execute();
    for (const r of rows) out.set(r.resource_id, [...(out.get(r.resource_id) ?? []), r.tag]);
  }
  return out;
}

export function applyTagFilters(q: Query, def: ResourceDef, params: QueryParams): Query {
  const list = (k: string) => queryValues(params, k).flatMap((v) => v.split(',')).filter(Boolean);
  const has = (tags: string[]) => sql<boolean>`exists (select 1 from tags where tags.resource_type = ${def.singular}
    and tags.resource_id = ${sql.ref(`${def.table}.id`)} and tags.tag in (${sql.join(tags)}))`;
  for (const tag of list('tags')) q = q.where(has([tag]));
  const any = list('tags-any');
  if (any.length) q = q.where(has(any));
  const notAll = list('not-tags');
  if (notAll.length) q = q.where((eb) => eb.not(eb.and(notAll.map((t) => has([t])))));
  const notAny = list('not-tags-any');
  if (notAny.length) q = q.where((eb) => eb.not(has(notAny)));
  return q;
}

/** A tag: a non-empty string of at most 255 characters; in a URL also without ',' or '/'. */
function checkTag(tag: unknown, inUrl = true): string {
  if (typeof tag !== 'string' || !tag.length || tag.length > 255 || (inUrl && (tag.includes(',') || tag.includes('/')))) {
    throw new BadRequest(`Invalid input for operation: '${String(tag)}' is not a valid tag.`, 'InvalidInput');
  }
  return tag;
}

/** Replaces a visible resource's tags with `next(current)`: one transaction, one change event. */
export async function replaceTags(ctx: Networking, c: Collection, caller: Caller, id: string, next: (tags: string[]) => string[]): Promise<string[]> {
  const type = c.def.singular;
  return ctx.store.tx(async (tx) => {
    const current = await visibleOne(c, tx.db, caller, id);
    const tags = [...new Set(next(current.tags as string[]))];
    if (tags.length > MAX_TAGS) throw new BadRequest(`Invalid input for operation: more than ${MAX_TAGS} tags.`, 'InvalidInput');
    await tx.db.deleteFrom('tags').where('resource_type', '=', type).where('resource_id', '=', id).execute();
    if (tags.length) await tx.db.insertInto('tags').values(tags.map((tag) => ({ resource_type: type, resource_id: id, tag }))).execute();
    await touch(tx, c, id);
    await tx.emit({ resource: type, id, action: 'update', projectId: String(current.project_id) });
    return tags;
  });
}

/** Checks every tag of a list (a body's `tags`). */
export const checkTags = (tags: unknown[]): string[] => tags.map((t) => checkTag(t, false));

// OpenStack: whoever may see a resource may tag it; an invisible one is TagResourceNotFound.
function visibleOne(c: Collection, db: Db, caller: Caller, id: string) {
  return loadOne(c, db, caller, id).catch((err: unknown) => {
    if (err instanceof NotFound) throw new NotFound(`Resource ${c.def.singular} ${id} could not be found.`, 'TagResourceNotFound');
    throw err;
  });
}

export function tagRoutes(scope: FastifyInstance, ctx: Networking, c: Collection, base: string): void {
  type P = { Params: { id: string; tag: string } };
  const type = c.def.singular;
  const replace = (id: string, caller: Caller, next: (tags: string[]) => string[]) => replaceTags(ctx, c, caller, id, next);
  scope.get<P>(`${base}/:id/tags`, async (req) => ({ tags: (await visibleOne(c, ctx.store.db, callerOf(req), req.params.id)).tags }));
  scope.put<P>(`${base}/:id/tags`, async (req) => {
    const body = req.body as { tags?: unknown } | undefined;
    if (!Array.isArray(body?.tags)) throw new BadRequest("Invalid input for operation: 'tags' must be a list.", 'InvalidInput');
    const tags = checkTags(body.tags);
    return { tags: await replace(req.params.id, callerOf(req), () => tags) };
  });
  scope.delete<P>(`${base}/:id/tags`, async (req, reply) => {
    await replace(req.params.id, callerOf(req), () => []);
    return reply.code(204).send();
  });
  scope.get<P>(`${base}/:id/tags/:tag`, async (req, reply) => {
    const v = await visibleOne(c, ctx.store.db, callerOf(req), req.params.id);
    if (!(v.tags as string[]).includes(req.params.tag)) throw new NotFound(`Tag ${req.params.tag} could not be found for ${type} ${req.params.id}.`, 'TagNotFound');
    return reply.code(204).send();
  });
  scope.put<P>(`${base}/:id/tags/:tag`, { config: { anyJson: true } }, async (req, reply) => {
    const tag = checkTag(req.params.tag);
    await replace(req.params.id, callerOf(req), (t) => [...t, tag]);
    return reply.code(201).send();
  });
  scope.delete<P>(`${base}/:id/tags/:tag`, async (req, reply) => {
    await replace(req.params.id, callerOf(req), (t) => {
      if (!t.includes(req.params.tag)) throw new NotFound(`Tag ${req.params.tag} could not be found for ${type} ${req.params.id}.`, 'TagNotFound');
      return t.filter((x) => x !== req.params.tag);
    });
    return reply.code(204).send();
  });
}
