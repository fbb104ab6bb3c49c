// Keystone's default policy, as it behaves in Zed with scope enforcement off (the packaged
// default): `admin` on any scope administers the cloud; users manage their own password,
// application credentials and tokens; a member reads its own project and domain.
import { Enforcer } from '../core/policy/enforcer.js';

const admin = 'rule:admin_required';
const adminOrOwner = 'rule:admin_required or user_id:%(target.user.id)s';
const trustorOrTrustee = 'user_id:%(target.trust.trustor_user_id)s or user_id:%(target.trust.trustee_user_id)s';
const adminOrCredentialOwner = 'rule:admin_required or user_id:%(target.credential.user_id)s';

const crud = (kind: string, read = admin, write = admin, plural = `${kind}s`) => ({
  [`identity:get_${kind}`]: read,
  [`identity:list_${plural}`]: read,
  [`identity:create_${kind}`]: write,
  [`identity:update_${kind}`]: write,
  [`identity:delete_${kind}`]: write,
});

export const identityPolicy = new Enforcer({
  admin_required: 'role:admin',
  service_role: 'role:service',
  service_or_admin: 'rule:admin_required or rule:service_role',
  token_subject: 'user_id:%(target.token.user_id)s',

  ...crud('domain'),
  'identity:get_domain': `${admin} or domain_id:%(target.domain.id)s or project_domain_id:%(target.domain.id)s`,
  ...crud('project'),
  'identity:get_project': `${admin} or project_id:%(target.project.id)s`,
  'identity:list_user_projects': adminOrOwner,
  'identity:list_project_tags': `${admin} or project_id:%(target.project.id)s`,
  'identity:get_project_tag': `${admin} or project_id:%(target.project.id)s`,
  'identity:update_project_tags': admin,
  'identity:create_project_tag': admin,
  'identity:delete_project_tag': admin,
  'identity:delete_project_tags': admin,
  ...crud('user'),
  'identity:get_user': adminOrOwner,
  ...crud('group'),
  'identity:list_groups_for_user': adminOrOwner,
  'identity:list_users_in_group': admin,
  'identity:add_user_to_group': admin,
  'identity:remove_user_from_group': admin,
  'identity:check_user_in_group': admin,
  ...crud('role'),
  'identity:list_implied_roles': admin,
  'identity:get_implied_role': admin,
  'identity:create_implied_role': admin,
  'identity:delete_implied_role': admin,
  'identity:list_role_inference_rules': admin,
  'identity:check_implied_role': admin,
  'identity:list_role_assignments': admin,
  'identity:list_grants': admin,
  'identity:check_grant': admin,
  'identity:create_grant': admin,
  'identity:revoke_grant': admin,
  'identity:list_system_grants': admin,
  ...crud('region', ''),
  ...crud('service'),
  ...crud('endpoint'),
  ...crud('application_credential', adminOrOwner, adminOrOwner),
  ...crud('credential', adminOrCredentialOwner, adminOrCredentialOwner),
  // Any user may list; one who may not list everyone's sees only its own.
  'identity:list_credentials': '',
  'identity:list_credentials_all': admin,
  'identity:ec2_create_credential': adminOrCredentialOwner,
  'identity:ec2_list_credentials': adminOrCredentialOwner,
  'identity:ec2_get_credential': adminOrCredentialOwner,
  'identity:ec2_delete_credential': adminOrCredentialOwner,
  ...crud('policy', admin, admin, 'policies'),
  ...crud('consumer'),
  'identity:create_trust': 'user_id:%(target.trust.trustor_user_id)s',
  'identity:list_trusts': admin,
  'identity:list_trusts_for_trustor': `${admin} or user_id:%(target.trust.trustor_user_id)s`,
  'identity:list_trusts_for_trustee': `${admin} or user_id:%(target.trust.trustee_user_id)s`,
  'identity:get_trust': `${admin} or ${trustorOrTrustee}`,
  'identity:list_roles_for_trust': `${admin} or ${trustorOrTrustee}`,
  'identity:get_role_for_trust': `${admin} or ${trustorOrTrustee}`,
  'identity:delete_trust': `${admin} or user_id:%(target.trust.trustor_user_id)s`,
  'identity:validate_token': 'rule:service_or_admin or rule:token_subject',
  'identity:check_token': 'rule:service_or_admin or rule:token_subject',
  'identity:revoke_token': `${admin} or rule:token_subject`,
});
