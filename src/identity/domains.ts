// Domains: a domain must be disabled before it is deleted, and deleting it deletes what it owns.
import type { FastifyInstance } from 'fastify';
import { Forbidden } from '../core/errors.js';
import type { Tx } from '../store/index.js';
import { registerCrud } from './crud.js';
import { domain } from './definitions/domain.js';
import type { IdentityState } from './state.js';

export const DEFAULT_DOMAIN_ID = 'default';

export function domainRoutes(scope: FastifyInstance, state: IdentityState): void {
  registerCrud(scope, state, domain, {
    duplicate: (v) => `Duplicate entry found with name ${String(v.name)}`,
    async beforeDelete(tx, current) {
      if (current.enabled) throw new Forbidden('Cannot delete a domain that is enabled, please disable it first.', 'ForbiddenNotSecurity');
      await deleteDomainContents(tx, String(current.id));
    },
  });
}

async function deleteDomainContents(tx: Tx, domainId: string): Promise<void> {
  const owned = (table: 'projects' | 'users' | 'groups') => tx.db.selectFrom(table).select('id').where('domain_id', '=', domainId);
  await tx.db.deleteFrom('assignments').where((eb) => eb.or([
    eb('target_id', 'in', owned('projects')), eb('actor_id', 'in', owned('users')), eb('actor_id', 'in', owned('groups')),
    eb.and([eb('target_type', '=', 'domain'), eb('target_id', '=', domainId)]),
  ])).execute();
  // Children before parents: clear parent links, then delete.
  await tx.db.updateTable('projects').set({ parent_id: null }).where('domain_id', '=', domainId).execute();
  for (const table of ['projects', 'users', 'groups'] as const) await tx.db.deleteFrom(table).where('domain_id', '=', domainId).execute();
  await tx.db.deleteFrom('roles').where('domain_id', '=', domainId).execute();
}
