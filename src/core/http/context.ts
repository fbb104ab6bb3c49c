// What a handler knows about its caller: the request id and, once the auth hook has run, who is
// calling with what scope and roles. Produced by identity's token validation; read by everyone.
import type { Credentials } from '../policy/enforcer.js';

export interface AuthContext {
  token: string;
  userId: string;
  userName: string;
  userDomainId: string;
  /** Exactly one scope is set, or none (unscoped). */
  projectId?: string;
  projectName?: string;
  projectDomainId?: string;
  domainId?: string;
  domainName?: string;
  system?: boolean;
  /** Effective role names (implied roles included), lower-case. */
  roles: string[];
  roleIds: string[];
  methods: string[];
  auditId: string;
  issuedAt: string;
  expiresAt: string;
  appCredId?: string;
  isAdmin: boolean;
}

export interface RequestContext {
  requestId: string;
  /** Base URL the client used (scheme://host[:port]), for links. */
  baseUrl: string;
  auth?: AuthContext;
}

/** oslo.policy-style credentials of an authenticated caller. */
export function credentialsOf(auth: AuthContext | undefined): Credentials {
  if (!auth) return { roles: [] };
  return {
    user_id: auth.userId,
    project_id: auth.projectId,
    project_domain_id: auth.projectDomainId,
    domain_id: auth.domainId,
    system_scope: auth.system ? 'all' : undefined,
    roles: auth.roles,
  };
}
