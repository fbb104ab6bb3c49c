// Nova's policy-in-code defaults as Zed enforces them out of the box (the legacy rules:
// admin, or the owning project / user where Nova names one). Which servers a caller sees at all
// (its project's; every project's for admins) is decided by the queries, not here.
import { Enforcer } from '../core/policy/enforcer.js';

const admin = 'rule:context_is_admin';

export const computePolicy = new Enforcer({
  context_is_admin: 'role:admin',
  admin_or_owner: 'rule:context_is_admin or project_id:%(project_id)s',

  'os_compute_api:servers:index:get_all_tenants': admin,
  'os_compute_api:os-flavor-manage:create': admin,
  'os_compute_api:os-flavor-manage:update': admin,
  'os_compute_api:os-flavor-manage:delete': admin,
  'os_compute_api:os-flavor-extra-specs:create': admin,
  'os_compute_api:os-flavor-extra-specs:update': admin,
  'os_compute_api:os-flavor-extra-specs:delete': admin,
  'os_compute_api:os-flavor-access': admin,
  'os_compute_api:os-flavor-access:add_tenant_access': admin,
  'os_compute_api:os-flavor-access:remove_tenant_access': admin,
  'os_compute_api:os-keypairs:create': 'rule:context_is_admin or user_id:%(user_id)s',
  'os_compute_api:os-quota-sets:show': 'rule:admin_or_owner',
  'os_compute_api:os-quota-sets:update': admin,
  'os_compute_api:os-quota-sets:delete': admin,
});
