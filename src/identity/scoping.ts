// Where a new project, user or group goes when the body names no domain (Keystone: the token's
// domain when domain-scoped, else the default domain), and checks that it exists.
import type { FastifyRequest } from 'fastify';
import type { Tx } from '../store/index.js';
import { EntityNotFound, ValidationError } from './errors.js';

export async function resolveDomainId(tx: Tx, req: FastifyRequest, given: unknown, missing: 'invalid' | 'not-found' = 'invalid'): Promise<string> {
  const domainId = typeof given === 'string' ? given : req.ctx.auth?.domainId ?? 'default';
  const row = await tx.db.selectFrom('domains').select('id').where('id', '=', domainId).executeTakeFirst();
  // OpenStack: a user's or group's missing domain is DomainNotFound (404); a project's a 400.
  if (!row && missing === 'not-found') throw new EntityNotFound('domain', domainId);
  if (!row) throw new ValidationError(`Could not find domain: ${domainId}.`);
  return domainId;
}
