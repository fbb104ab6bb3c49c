// Projects: hierarchy within one domain, tags (and the tags / tags-any / not-tags / not-tags-any
// filters), and the cascade when one is deleted (its assignments; its tokens stop validating).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Forbidden } from '../core/errors.js';
import { queryValues, type QueryParams, type Values } from '../core/resource/index.js';
import { authorize, collectionLinks, loadEntity, registerCrud, selfLink } from './crud.js';
import { project } from './definitions/project.js';
import { tags } from './definitions/common.js';
import { EntityNotFound, ValidationError } from './errors.js';
import { resolveDomainId } from './scoping.js';
import type { IdentityState } from './state.js';

const target = (v: Values) => ({ target: { project: v } });

/** OpenStack: a top-level project shows its domain as its parent, and is never a domain here. */
export const showProject = (v: Values): Values => ({ ...v, is_domain: false, parent_id: v.parent_id ?? v.domain_id });

export function projectRoutes(scope: FastifyInstance, state: IdentityState): void {
  registerCrud(scope, state, project, {
    target,
    duplicate: (v) => `it is not permitted to have two projects with either the same name or same id in the same domain: name is ${String(v.name)}, project id ${String(v.id)}`,
    show: showProject,
    async list(q, params) {
      const filters = tagFilters(params);
      if (!filters) return q;
      // Tags live in a JSON column; the filter runs over the (small) candidate set by id.
      const rows = (await q.execute()) as { id: string; tags: string }[];
      const ids = rows.filter((r) => filters(JSON.parse(r.tags) as string[])).map((r) => r.id);
      return q.where('projects.id', 'in', ids.length ? ids : ['']);
    },
    async beforeCreate(tx, values, req) {
      if (values.is_domain === true) throw new ValidationError('Projects acting as domains are not supported.');
      // OpenStack: naming the domain as the parent means a top-level project in that domain.
      if (typeof values.parent_id === 'string' && (values.domain_id ?? values.parent_id) === values.parent_id
        && await tx.db.selectFrom('domains').select('id').where('id', '=', values.parent_id).executeTakeFirst()) {
        values.domain_id = values.parent_id;
        values.parent_id = null;
      }
      if (typeof values.parent_id === 'string') {
        const parent = await tx.db.selectFrom('projects').select(['id', 'domain_id']).where('id', '=', values.parent_id).executeTakeFirst();
        if (!parent) throw new ValidationError(`Could not find project: ${values.parent_id}.`);
        values.domain_id ??= parent.domain_id;
        if (parent.domain_id !== values.domain_id) throw new ValidationError('Cannot create project, the parent project is in a different domain.');
      }
      values.domain_id = await resolveDomainId(tx, req, values.domain_id);
    },
    async beforeDelete(tx, current) {
      const child = await tx.db.selectFrom('projects').select('id').where('parent_id', '=', String(current.id)).executeTakeFirst();
      if (child) throw new Forbidden(`Cannot delete the project ${String(current.id)} since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a whole subtree.`, 'ForbiddenNotSecurity');
      await tx.db.deleteFrom('assignments').where('target_type', '=', 'project').where('target_id', '=', String(current.id)).execute();
    },
  });

  // Tag routes: /v3/projects/{id}/tags[/{tag}].
  const setTags = async (req: FastifyRequest, id: string, next: (tags: string[]) => string[]) => {
    return state.store.tx(async (tx) => {
      const current = await loadEntity(state, project, id, tx);
      authorize(req, 'identity:update_project_tags', target(current));
      const list = next(current.tags as string[]);
      const message = tags.type.check(list) ?? (list.length > 80 ? 'more than 80 tags' : undefined);
      if (message) throw new ValidationError(`Invalid input for field 'tags': ${message}`);
      await tx.db.updateTable('projects').set({ tags: JSON.stringify(list) }).where('id', '=', id).execute();
      await tx.emit({ resource: 'project', id, action: 'update' });
      return list;
    });
  };
  type P = { Params: { id: string; tag: string } };
  scope.get<P>('/v3/projects/:id/tags', async (req) => {
    const p = await loadEntity(state, project, req.params.id);
    authorize(req, 'identity:list_project_tags', target(p));
    return { tags: p.tags, links: collectionLinks(req) };
  });
  scope.put<P>('/v3/projects/:id/tags', async (req) => {
    const body = req.body as { tags?: unknown } | undefined;
    if (!Array.isArray(body?.tags)) throw new ValidationError("Invalid input for field 'tags': 'tags' is a required property");
    const list = await setTags(req, req.params.id, () => body.tags as string[]);
    return { tags: list, links: selfLink(req, `projects/${req.params.id}/tags`) };
  });
  scope.delete<P>('/v3/projects/:id/tags', async (req, reply) => {
    await setTags(req, req.params.id, () => []);
    return reply.code(204).send();
  });
  scope.get<P>('/v3/projects/:id/tags/:tag', async (req, reply) => {
    const p = await loadEntity(state, project, req.params.id);
    authorize(req, 'identity:get_project_tag', target(p));
    if (!(p.tags as string[]).includes(req.params.tag)) throw new EntityNotFound('project tag', req.params.tag);
    return reply.code(204).send();
  });
  scope.put<P>('/v3/projects/:id/tags/:tag', async (req, reply) => {
    await setTags(req, req.params.id, (t) => (t.includes(req.params.tag) ? t : [...t, req.params.tag]));
    return reply.code(201).header('location', `${req.ctx.baseUrl}/identity/v3/projects/${req.params.id}/tags/${req.params.tag}`).send();
  });
  scope.delete<P>('/v3/projects/:id/tags/:tag', async (req, reply) => {
    await setTags(req, req.params.id, (t) => {
      if (!t.includes(req.params.tag)) throw new EntityNotFound('project tag', req.params.tag);
      return t.filter((x) => x !== req.params.tag);
    });
    return reply.code(204).send();
  });
}

/** A predicate over a project's tags from the four tag filters, or undefined when none is given. */
export function tagFilters(params: QueryParams): ((tags: string[]) => boolean) | undefined {
  const split = (key: string) => queryValues(params, key).flatMap((v) => v.split(',')).filter(Boolean);
  const all = split('tags'); const any = split('tags-any'); const notAll = split('not-tags'); const notAny = split('not-tags-any');
  if (!all.length && !any.length && !notAll.length && !notAny.length) return undefined;
  return (t) =>
    all.every((x) => t.includes(x)) && (!any.length || any.some((x) => t.includes(x))) &&
    (!notAll.length || !notAll.every((x) => t.includes(x))) && !notAny.some((x) => t.includes(x));
}

