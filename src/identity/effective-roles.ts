// Who holds which roles where: direct and group assignments on the target, assignments inherited
// from the project's ancestors and its domain, then the closure of implied roles
// (admin ⇒ member ⇒ reader). Read-only; callers cache the answer per identity generation.
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export type Scope = { project: string } | { domain: string } | { system: 'all' };
export interface RoleRef { id: string; name: string }

export async function userGroupIds(db: Kysely<Database>, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('user_groups').select('group_id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.group_id);
}

/** The project, then each parent up to the root. */
export async function projectLineage(db: Kysely<Database>, projectId: string) {
  const chain: { id: string; domain_id: string }[] = [];
  let next: string | null = projectId;
  while (next && chain.length < 32) {
    const p: { id: string; domain_id: string; parent_id: string | null } | undefined =
      await db.selectFrom('projects').select(['id', 'domain_id', 'parent_id']).where('id', '=', next).executeTakeFirst();
    if (!p) break;
    chain.push(p);
    next = p.parent_id;
  }
  return chain;
}

/** Role ids assigned (not implied) to the user, directly or through groups, on `scope`. */
export async function assignedRoleIds(db: Kysely<Database>, userId: string, scope: Scope): Promise<Set<string>> {
  const actors = [userId, ...(await userGroupIds(db, userId))];
  let q = db.selectFrom('assignments').select('role_id').where('actor_id', 'in', actors);
  if ('project' in scope) {
    const lineage = await projectLineage(db, scope.project);
    if (!lineage.length) return new Set();
    const [self, ...ancestors] = lineage;
    q = q.where((eb) => eb.or([
      eb.and([eb('target_type', '=', 'project'), eb('target_id', '=', self!.id), eb('inherited', '=', 0)]),
      eb.and([eb('target_type', '=', 'project'), eb('target_id', 'in', ancestors.length ? ancestors.map((a) => a.id) : ['']), eb('inherited', '=', 1)]),
      eb.and([eb('target_type', '=', 'domain'), eb('target_id', '=', self!.domain_id), eb('inherited', '=', 1)]),
    ]));
  } else if ('domain' in scope) {
    q = q.where('target_type', '=', 'domain').where('target_id', '=', scope.domain).where('inherited', '=', 0);
  } else {
    q = q.where('target_type', '=', 'system').where('target_id', '=', 'all');
  }
  return new Set((await q.execute()).map((r) => r.role_id));
}

/** `roleIds` plus every role they imply, transitively, with names. */
export async function expandImplied(db: Kysely<Database>, roleIds: Iterable<string>): Promise<RoleRef[]> {
  const seen = new Set(roleIds);
  let frontier = [...seen];
  while (frontier.length) {
    const rows = await db.selectFrom('implied_roles').select('implied_role_id').where('prior_role_id', 'in', frontier).execute();
    frontier = rows.map((r) => r.implied_role_id).filter((id) => !seen.has(id));
    for (const id of frontier) seen.add(id);
  }
  if (!seen.size) return [];
  // OpenStack: domain-specific roles stay out of tokens; the global roles they imply go in.
  return db.selectFrom('roles').select(['id', 'name']).where('id', 'in', [...seen]).where('domain_id', 'is', null).orderBy('name').execute();
}

export async function effectiveRoles(db: Kysely<Database>, userId: string, scope: Scope): Promise<RoleRef[]> {
  return expandImplied(db, await assignedRoleIds(db, userId, scope));
}
