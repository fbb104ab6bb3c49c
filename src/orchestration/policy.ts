// Heat's policy-in-code defaults as Zed enforces them out of the box, for the rules Pier's Heat
// can reach. That a stack belongs to the caller's project is the tenant check of lookup.ts.
import { credentialsOf, type AuthContext } from '../core/http/context.js';
import { Forbidden } from '../core/errors.js';
import { Enforcer } from '../core/policy/enforcer.js';

export const orchestrationPolicy = new Enforcer({
  context_is_admin: 'role:admin',
  deny_everybody: '!',
  // Listing every project's stacks (`global_tenant`, `openstack stack list --all-projects`).
  'stacks:global_index': 'rule:deny_everybody',
});

/** Checks one of Heat's rules: Heat's 403 when refused. */
export function authorize(auth: AuthContext, rule: string): void {
  orchestrationPolicy.authorize(rule, credentialsOf(auth), { project_id: auth.projectId }, () => new Forbidden('You are not authorized to complete this action.', 'Forbidden'));
}
