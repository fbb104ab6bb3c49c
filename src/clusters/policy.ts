// Magnum's default policy (magnum/common/policies): readers of a project may look, its members
// may change what the project owns, admins anything; publishing templates is admin's.
import { Enforcer } from '../core/policy/enforcer.js';

const READ = 'rule:context_is_admin or (role:reader and project_id:%(project_id)s)';
const WRITE = 'rule:context_is_admin or (role:member and project_id:%(project_id)s)';

const rules: Record<string, string> = {
  context_is_admin: 'role:admin',
  admin_api: 'rule:context_is_admin',
};
for (const [kind, verbs] of Object.entries({
  clustertemplate: ['get', 'get_all', 'detail', 'create', 'update', 'delete'],
  cluster: ['get', 'get_all', 'detail', 'create', 'update', 'delete', 'resize', 'upgrade', 'update_health_status'],
  nodegroup: ['get', 'get_all', 'create', 'update', 'delete'],
  certificate: ['get', 'create', 'rotate_ca'],
})) {
  for (const v of verbs) rules[`${kind}:${v}`] = ['get', 'get_all', 'detail'].includes(v) ? READ : WRITE;
}
rules['clustertemplate:publish'] = 'rule:admin_api';
rules['cluster:get_all_all_projects'] = 'rule:admin_api';
rules['clustertemplate:get_all_all_projects'] = 'rule:admin_api';
rules['quota:get'] = READ;
rules['quota:get_all'] = 'rule:admin_api';
rules['quota:create'] = 'rule:admin_api';
rules['quota:update'] = 'rule:admin_api';
rules['quota:delete'] = 'rule:admin_api';
rules['magnum-service:get_all'] = 'rule:admin_api';
rules['stats:get_all'] = 'rule:context_is_admin or (role:reader and project_id:%(project_id)s)';

export const magnumPolicy = new Enforcer(rules);
