// Glance's policy-in-code defaults as Zed enforces them out of the box: most actions are open
// (`rule:default`), making an image public is the admin's. Who may change which image (its
// owner, or an admin) and what a caller sees (visibility, membership) are Glance's domain rules,
// in images.ts and image-list.ts, as in Glance.
import { credentialsOf } from '../core/http/context.js';
import { Enforcer } from '../core/policy/enforcer.js';
import { PolicyForbidden } from './errors.js';
import type { ImageCaller } from './images.js';

export const imagePolicy = new Enforcer({
  context_is_admin: 'role:admin',
  default: '',
  publicize_image: 'rule:context_is_admin',
  communitize_image: 'rule:default',
});

/** Checks one of Glance's rules: Glance's 403 naming the action when refused. */
export function authorize(caller: ImageCaller, rule: string): void {
  imagePolicy.authorize(rule, credentialsOf(caller.auth), { project_id: caller.projectId }, () => new PolicyForbidden(rule));
}
