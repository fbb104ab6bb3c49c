// The caller as the networking service sees it, and the shared state its functions use.
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../core/http/context.js';
import type { Store } from '../store/index.js';
import type { NetworkingConfig } from './config.js';

export interface Caller {
  auth: AuthContext;
  isAdmin: boolean;
  /** The project resources are created in and scoped to (the token's project). */
  projectId: string;
}

export interface Networking {
  store: Store;
  config: NetworkingConfig;
}

export function callerOf(req: FastifyRequest): Caller {
  const auth = req.ctx.auth!;
  return { auth, isAdmin: auth.isAdmin, projectId: auth.projectId ?? '' };
}

/** The caller with admin rights, for work the service does on its own behalf (Neutron's context.elevated()). */
export function elevated(caller: Caller): Caller {
  return { ...caller, isAdmin: true, auth: { ...caller.auth, roles: [...new Set([...caller.auth.roles, 'admin'])], isAdmin: true } };
}
