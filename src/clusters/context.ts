// What Magnum's service functions share: the store and the services it builds on (in-process),
// and the caller as every one of them sees it.
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { credentialsOf } from '../core/http/context.js';
import type { ComputeService } from '../compute/index.js';
import type { Caller, NetworkingService } from '../networking/index.js';
import type { Engine } from '../orchestration/index.js';
import type { Store } from '../store/index.js';
import { Forbidden } from './errors.js';
import { magnumPolicy } from './policy.js';

export interface Magnum {
  readonly store: Store;
  readonly networking: NetworkingService;
  readonly compute: ComputeService;
  readonly engine: Engine;
  readonly logger: Logger;
  /** Wakes the cluster controller for a cluster (after its stack was started or changed). */
  kick(clusterId: string): void;
}

export const callerOf = (req: FastifyRequest): Caller => {
  const auth = req.ctx.auth!;
  return { auth, isAdmin: auth.isAdmin, projectId: auth.projectId ?? '' };
};

/** Magnum's PolicyNotAuthorized unless `rule` allows the caller on `target`. */
export function authorize(caller: Caller, rule: string, target: Record<string, unknown> = { project_id: caller.projectId }): void {
  magnumPolicy.authorize(rule, credentialsOf(caller.auth), target, () => new Forbidden(`Policy doesn't allow ${rule} to be performed.`, 'PolicyNotAuthorized'));
}

/** Magnum's timestamps: `2026-12-02T14:00:00+00:00`. */
export const stamp = (): string => new Date().toISOString().slice(0, 19) + '+00:00';
