// What every Cinder handler shares: the store, this host's volume backend name, the
// controller's kick, and who is calling (with Cinder's default policy roles).
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../core/http/context.js';
import { credentialsOf } from '../core/http/context.js';
import { isoMicro } from '../core/ids.js';
import type { Target } from '../core/policy/enforcer.js';
import type { Store } from '../store/index.js';
import { PolicyNotAuthorized } from './errors.js';
import { cinderPolicy } from './policy.js';

export interface Cinder {
  store: Store;
  dataDir: string;
  /** This host's cinder-volume service: `<host>@<backend>` (a volume's `os-vol-host-attr:host`). */
  backendHost: string;
  /** The host name alone (the scheduler's and os-services' host). */
  host: string;
  /** Asks the volume controller to converge one volume (`v`) or snapshot (`s`) now. */
  kick(kind: 'volume' | 'snapshot', id: string): void;
}

export interface CinderCaller { auth: AuthContext; isAdmin: boolean; projectId: string; userId: string }

export function cinderCaller(req: FastifyRequest): CinderCaller {
  const auth = req.ctx.auth!;
  return { auth, isAdmin: auth.isAdmin, projectId: auth.projectId ?? '', userId: auth.userId };
}

/** Checks one of Cinder's rules (policy.ts): a Forbidden naming it when refused. */
export function authorize(caller: CinderCaller, rule: string, target: Target = { project_id: caller.projectId }): void {
  cinderPolicy.authorize(rule, credentialsOf(caller.auth), target, () => new PolicyNotAuthorized(rule));
}

export const isAllowed = (caller: CinderCaller, rule: string, target: Target = { project_id: caller.projectId }): boolean =>
  cinderPolicy.check(rule, credentialsOf(caller.auth), target);

/** Cinder's timestamps: `2026-12-02T14:00:00.000000` (microseconds, no zone). */
export const stamp = (ms: number = Date.now()): string => isoMicro(ms, false);

/** The default availability zone (Cinder's storage_availability_zone). */
export const ZONE = 'nova';
