// Cinder's default policy as Zed ships it, in short: readers of a project look, its members
// change what the project owns, admins anything; types, quotas, services, status resets and
// force deletes are admin's.
import { Enforcer } from '../core/policy/enforcer.js';

const READ = 'rule:admin_api or (role:reader and project_id:%(project_id)s)';
const WRITE = 'rule:admin_api or (role:member and project_id:%(project_id)s)';
const ADMIN = 'rule:admin_api';

const rules: Record<string, string> = { admin_api: 'role:admin', context_is_admin: 'role:admin' };
const set = (rule: string, names: string[]) => { for (const n of names) rules[n] = rule; };

set(READ, [
  'volume:get', 'volume:get_all', 'volume:get_volume_metadata', 'volume_extension:volume_image_metadata:show',
  'volume:get_snapshot', 'volume:get_all_snapshots', 'volume:get_snapshot_metadata',
  'volume:attachment_get', 'volume:attachment_get_all', 'volume_extension:quotas:show', 'limits_extension:used_limits',
  'message:get', 'message:get_all', 'volume_extension:type_get', 'volume_extension:type_get_all',
  'volume_extension:volume_type_access', 'volume_extension:availability_zone_list',
]);
set(WRITE, [
  'volume:create', 'volume:create_from_image', 'volume:update', 'volume:delete', 'volume:extend', 'volume:extend_attached_volume',
  'volume:update_readonly_flag', 'volume_extension:volume_actions:upload_image', 'volume:revert_to_snapshot', 'volume:create_volume_metadata',
  'volume:update_volume_metadata', 'volume:delete_volume_metadata', 'volume_extension:volume_actions:reserve', 'volume_extension:volume_actions:unreserve',
  'volume_extension:volume_actions:initialize_connection', 'volume_extension:volume_actions:terminate_connection', 'volume_extension:volume_actions:attach',
  'volume_extension:volume_actions:detach', 'volume_extension:volume_actions:begin_detaching', 'volume_extension:volume_actions:roll_detaching',
  'volume:create_snapshot', 'volume:update_snapshot', 'volume:delete_snapshot', 'volume:update_snapshot_metadata', 'volume:delete_snapshot_metadata',
  'volume:attachment_create', 'volume:attachment_update', 'volume:attachment_delete', 'volume:attachment_complete', 'message:delete',
  'volume_extension:volume_actions:set_bootable',
]);
set(ADMIN, [
  'volume_extension:volume_admin_actions:reset_status', 'volume_extension:snapshot_admin_actions:reset_status',
  'volume_extension:volume_admin_actions:force_delete', 'volume_extension:snapshot_admin_actions:force_delete',
  'volume_extension:types_manage', 'volume_extension:types_extra_specs:create', 'volume_extension:types_extra_specs:update',
  'volume_extension:types_extra_specs:delete', 'volume_extension:volume_type_access:addProjectAccess',
  'volume_extension:volume_type_access:removeProjectAccess', 'volume_extension:quotas:update', 'volume_extension:quotas:delete',
  'volume_extension:services:index', 'volume_extension:services:update', 'volume:get_all_admin',
  'volume_extension:volume_host_attribute', 'volume_extension:volume_mig_status_attribute', 'volume_extension:types_extra_specs:read_sensitive',
]);
rules['volume_extension:types_extra_specs:index'] = READ;
rules['volume_extension:types_extra_specs:show'] = READ;

export const cinderPolicy = new Enforcer(rules);
