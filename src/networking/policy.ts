// Neutron's default policy as Zed behaves with its packaged defaults: admin does anything,
// owners manage their own resources, network owners control what lives on their networks,
// and provider / sharing / binding details are the admin's. Which rows a caller may see at all
// (own, shared, external, RBAC) is decided by visibility.ts, not here.
import { Enforcer } from '../core/policy/enforcer.js';

const admin = 'rule:context_is_admin';
const adminOrOwner = 'rule:admin_or_owner';
const adminOrNetOwner = 'rule:admin_or_network_owner';

/** Open to everyone for create/get; owner or admin for update/delete. */
const owned = (r: string) => ({
  [`create_${r}`]: '', [`get_${r}`]: '', [`update_${r}`]: adminOrOwner, [`delete_${r}`]: adminOrOwner,
});

export const networkingPolicy = new Enforcer({
  context_is_admin: 'role:admin',
  owner: 'project_id:%(project_id)s',
  admin_or_owner: 'rule:context_is_admin or rule:owner',
  network_owner: 'project_id:%(network:project_id)s',
  admin_or_network_owner: 'rule:context_is_admin or rule:network_owner',
  shared: "'True':%(network:shared)s",
  admin_only: admin,

  ...owned('network'),
  'create_network:shared': admin, 'create_network:router:external': admin, 'create_network:is_default': admin,
  'create_network:provider:network_type': admin, 'create_network:provider:physical_network': admin, 'create_network:provider:segmentation_id': admin,
  'update_network:shared': admin, 'update_network:router:external': admin, 'update_network:is_default': admin,
  'update_network:provider:network_type': admin, 'update_network:provider:physical_network': admin, 'update_network:provider:segmentation_id': admin,
  'get_network:provider:network_type': admin, 'get_network:provider:physical_network': admin, 'get_network:provider:segmentation_id': admin,

  create_subnet: `${adminOrNetOwner} or rule:shared`, get_subnet: '', update_subnet: adminOrNetOwner, delete_subnet: adminOrNetOwner,

  ...owned('port'),
  'create_port:device_owner': `${adminOrNetOwner} or not 'network':%(device_owner_prefix)s`,
  'create_port:mac_address': adminOrNetOwner,
  'create_port:fixed_ips': `${adminOrNetOwner} or rule:shared`,
  'create_port:fixed_ips:ip_address': adminOrNetOwner,
  'create_port:port_security_enabled': adminOrNetOwner,
  'create_port:allowed_address_pairs': adminOrNetOwner,
  'create_port:binding:host_id': admin, 'create_port:binding:profile': admin, 'create_port:binding:vnic_type': '',
  'update_port:device_owner': `${adminOrNetOwner} or not 'network':%(device_owner_prefix)s`,
  'update_port:mac_address': admin,
  'update_port:fixed_ips': `${adminOrNetOwner} or rule:shared`,
  'update_port:fixed_ips:ip_address': adminOrNetOwner,
  'update_port:port_security_enabled': adminOrNetOwner,
  'update_port:allowed_address_pairs': adminOrNetOwner,
  'update_port:binding:host_id': admin, 'update_port:binding:profile': admin, 'update_port:binding:vnic_type': adminOrOwner,
  'get_port:binding:host_id': admin, 'get_port:binding:profile': admin, 'get_port:binding:vif_type': admin, 'get_port:binding:vif_details': admin,

  ...owned('security_group'),
  ...owned('security_group_rule'),

  ...owned('router'),
  'get_router:distributed': admin, 'get_router:ha': admin,
  'create_router:distributed': admin, 'create_router:ha': admin,
  'update_router:distributed': admin, 'update_router:ha': admin,
  'create_router:external_gateway_info:enable_snat': admin,
  'create_router:external_gateway_info:external_fixed_ips': admin,
  'update_router:external_gateway_info:enable_snat': admin,
  'update_router:external_gateway_info:external_fixed_ips': admin,
  add_router_interface: adminOrOwner,
  remove_router_interface: adminOrOwner,

  ...owned('floatingip'),
  'create_floatingip:floating_ip_address': admin,

  ...owned('subnetpool'),
  'create_subnetpool:shared': admin, 'create_subnetpool:is_default': admin,
  'update_subnetpool:shared': admin, 'update_subnetpool:is_default': admin,

  ...owned('address_scope'),
  'create_address_scope:shared': admin, 'update_address_scope:shared': admin,

  ...owned('rbac_policy'),

  get_quota: adminOrOwner, update_quota: admin, delete_quota: admin,
});
