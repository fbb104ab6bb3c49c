// Neutron's tables. Column names are the attribute names (`router:external`, `binding:host_id`).
// Uniqueness that matters is the database's: an IP per subnet, a MAC per network, a segment id
// per type and physical network, one default security group per project, no duplicate rule.
import { sql, type CreateTableBuilder } from 'kysely';
import type { Migration } from '../migrate.js';

const t = 'text' as const;
const i = 'integer' as const;

/** id, project_id, name, description, created_at, updated_at, revision_number. */
function standard<N extends string>(b: CreateTableBuilder<N, never>, withName = true) {
  let q = b.addColumn('id', t, (c) => c.primaryKey()).addColumn('project_id', t, (c) => c.notNull().defaultTo(''));
  if (withName) q = q.addColumn('name', t, (c) => c.notNull().defaultTo(''));
  return q.addColumn('description', t)
    .addColumn('created_at', t, (c) => c.notNull())
    .addColumn('updated_at', t, (c) => c.notNull())
    .addColumn('revision_number', i, (c) => c.notNull().defaultTo(0));
}

export const m0003: Migration = {
  name: '0003-networking',
  async up(db) {
    await standard(db.schema.createTable('networks'))
      .addColumn('admin_state_up', i, (c) => c.notNull())
      .addColumn('status', t, (c) => c.notNull())
      .addColumn('shared', i, (c) => c.notNull())
      .addColumn('router:external', i, (c) => c.notNull())
      .addColumn('is_default', i, (c) => c.notNull())
      .addColumn('mtu', i, (c) => c.notNull())
      .addColumn('port_security_enabled', i, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('networks_project').on('networks').column('project_id').execute();

    await db.schema.createTable('network_segments')
      .addColumn('id', t, (c) => c.primaryKey())
      .addColumn('network_id', t, (c) => c.notNull().references('networks.id').onDelete('cascade'))
      .addColumn('network_type', t, (c) => c.notNull())
      .addColumn('physical_network', t)
      .addColumn('segmentation_id', i)
      .execute();
    await db.schema.createIndex('network_segments_network').on('network_segments').column('network_id').execute();
    await sql`create unique index network_segments_unique on network_segments
      (network_type, coalesce(physical_network, ''), coalesce(segmentation_id, -1)) where network_type <> 'local'`.execute(db);

    await standard(db.schema.createTable('subnets'))
      .addColumn('network_id', t, (c) => c.notNull().references('networks.id'))
      .addColumn('ip_version', i, (c) => c.notNull())
      .addColumn('cidr', t, (c) => c.notNull())
      .addColumn('subnetpool_id', t)
      .addColumn('gateway_ip', t)
      .addColumn('allocation_pools', t, (c) => c.notNull())
      .addColumn('dns_nameservers', t, (c) => c.notNull())
      .addColumn('host_routes', t, (c) => c.notNull())
      .addColumn('enable_dhcp', i, (c) => c.notNull())
      .addColumn('ipv6_ra_mode', t)
      .addColumn('ipv6_address_mode', t)
      .addColumn('service_types', t, (c) => c.notNull().defaultTo('[]'))
      .execute();
    await db.schema.createIndex('subnets_network').on('subnets').column('network_id').execute();
    await db.schema.createIndex('subnets_subnetpool').on('subnets').column('subnetpool_id').execute();

    // IPAM: per-subnet cursor and count (allocation never scans the used set), and the
    // allocations keyed by a fixed-width hex form of the address so ranges sort numerically.
    await db.schema.createTable('ipam_subnets')
      .addColumn('subnet_id', t, (c) => c.primaryKey().references('subnets.id').onDelete('cascade'))
      .addColumn('cursor', t, (c) => c.notNull())
      .addColumn('allocated', i, (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createTable('ip_allocations')
      .addColumn('subnet_id', t, (c) => c.notNull().references('subnets.id'))
      .addColumn('ip_key', t, (c) => c.notNull())
      .addColumn('ip_address', t, (c) => c.notNull())
      .addColumn('network_id', t, (c) => c.notNull())
      .addColumn('port_id', t, (c) => c.notNull())
      .addPrimaryKeyConstraint('ip_allocations_pk', ['subnet_id', 'ip_key'])
      .execute();
    await db.schema.createIndex('ip_allocations_port').on('ip_allocations').column('port_id').execute();

    await standard(db.schema.createTable('ports'))
      .addColumn('network_id', t, (c) => c.notNull().references('networks.id'))
      .addColumn('admin_state_up', i, (c) => c.notNull())
      .addColumn('mac_address', t, (c) => c.notNull())
      .addColumn('device_id', t, (c) => c.notNull())
      .addColumn('device_owner', t, (c) => c.notNull())
      .addColumn('status', t, (c) => c.notNull())
      .addColumn('port_security_enabled', i, (c) => c.notNull())
      .addColumn('allowed_address_pairs', t, (c) => c.notNull())
      .addColumn('binding:host_id', t, (c) => c.notNull())
      .addColumn('binding:profile', t, (c) => c.notNull())
      .addColumn('binding:vnic_type', t, (c) => c.notNull())
      .addColumn('binding:vif_type', t, (c) => c.notNull())
      .addColumn('binding:vif_details', t, (c) => c.notNull())
      .addUniqueConstraint('ports_network_mac', ['network_id', 'mac_address'])
      .execute();
    await db.schema.createIndex('ports_network_id').on('ports').columns(['network_id', 'id']).execute();
    await db.schema.createIndex('ports_project').on('ports').column('project_id').execute();
    await db.schema.createIndex('ports_device').on('ports').column('device_id').execute();

    await standard(db.schema.createTable('security_groups'))
      .addColumn('stateful', i, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('security_groups_project').on('security_groups').column('project_id').execute();
    await db.schema.createTable('default_security_groups')
      .addColumn('project_id', t, (c) => c.primaryKey())
      .addColumn('security_group_id', t, (c) => c.notNull().references('security_groups.id').onDelete('cascade'))
      .execute();
    await standard(db.schema.createTable('security_group_rules'), false)
      .addColumn('security_group_id', t, (c) => c.notNull().references('security_groups.id').onDelete('cascade'))
      .addColumn('direction', t, (c) => c.notNull())
      .addColumn('ethertype', t, (c) => c.notNull())
      .addColumn('protocol', t)
      .addColumn('port_range_min', i)
      .addColumn('port_range_max', i)
      .addColumn('remote_ip_prefix', t)
      .addColumn('remote_group_id', t)
      .execute();
    await sql`create unique index security_group_rules_unique on security_group_rules
      (security_group_id, direction, ethertype, coalesce(protocol, ''), coalesce(port_range_min, -1),
       coalesce(port_range_max, -1), coalesce(remote_ip_prefix, ''), coalesce(remote_group_id, ''))`.execute(db);
    await db.schema.createIndex('security_group_rules_remote').on('security_group_rules').column('remote_group_id').execute();
    await db.schema.createTable('port_security_groups')
      .addColumn('port_id', t, (c) => c.notNull().references('ports.id').onDelete('cascade'))
      .addColumn('security_group_id', t, (c) => c.notNull().references('security_groups.id'))
      .addPrimaryKeyConstraint('port_security_groups_pk', ['port_id', 'security_group_id'])
      .execute();
    await db.schema.createIndex('port_security_groups_sg').on('port_security_groups').column('security_group_id').execute();

    await standard(db.schema.createTable('routers'))
      .addColumn('admin_state_up', i, (c) => c.notNull())
      .addColumn('status', t, (c) => c.notNull())
      .addColumn('gw_network_id', t)
      .addColumn('gw_port_id', t)
      .addColumn('enable_snat', i, (c) => c.notNull().defaultTo(1))
      .addColumn('routes', t, (c) => c.notNull().defaultTo('[]'))
      .execute();

    await standard(db.schema.createTable('floatingips'), false)
      .addColumn('floating_network_id', t, (c) => c.notNull().references('networks.id'))
      .addColumn('floating_ip_address', t, (c) => c.notNull())
      .addColumn('floating_port_id', t, (c) => c.notNull())
      .addColumn('port_id', t)
      .addColumn('fixed_ip_address', t)
      .addColumn('router_id', t)
      .addColumn('status', t, (c) => c.notNull())
      .execute();
    await sql`create unique index floatingips_fixed on floatingips (port_id, fixed_ip_address) where port_id is not null`.execute(db);

    await db.schema.createTable('address_scopes')
      .addColumn('id', t, (c) => c.primaryKey())
      .addColumn('project_id', t, (c) => c.notNull())
      .addColumn('name', t, (c) => c.notNull())
      .addColumn('description', t)
      .addColumn('created_at', t, (c) => c.notNull())
      .addColumn('updated_at', t, (c) => c.notNull())
      .addColumn('revision_number', i, (c) => c.notNull().defaultTo(0))
      .addColumn('ip_version', i, (c) => c.notNull())
      .addColumn('shared', i, (c) => c.notNull())
      .execute();
    await standard(db.schema.createTable('subnetpools'))
      .addColumn('prefixes', t, (c) => c.notNull())
      .addColumn('default_prefixlen', i, (c) => c.notNull())
      .addColumn('min_prefixlen', i, (c) => c.notNull())
      .addColumn('max_prefixlen', i, (c) => c.notNull())
      .addColumn('default_quota', i)
      .addColumn('shared', i, (c) => c.notNull())
      .addColumn('is_default', i, (c) => c.notNull())
      .addColumn('ip_version', i, (c) => c.notNull())
      .addColumn('address_scope_id', t)
      .execute();

    await db.schema.createTable('rbac_policies')
      .addColumn('id', t, (c) => c.primaryKey())
      .addColumn('project_id', t, (c) => c.notNull())
      .addColumn('object_type', t, (c) => c.notNull())
      .addColumn('object_id', t, (c) => c.notNull())
      .addColumn('action', t, (c) => c.notNull())
      .addColumn('target_tenant', t, (c) => c.notNull())
      .addUniqueConstraint('rbac_policies_unique', ['object_type', 'object_id', 'action', 'target_tenant'])
      .execute();
    await db.schema.createIndex('rbac_policies_object').on('rbac_policies').columns(['object_id', 'target_tenant']).execute();

    await db.schema.createTable('quotas')
      .addColumn('project_id', t, (c) => c.notNull())
      .addColumn('resource', t, (c) => c.notNull())
      .addColumn('hard_limit', i, (c) => c.notNull())
      .addPrimaryKeyConstraint('quotas_pk', ['project_id', 'resource'])
      .execute();

    await db.schema.createTable('tags')
      .addColumn('resource_type', t, (c) => c.notNull())
      .addColumn('resource_id', t, (c) => c.notNull())
      .addColumn('tag', t, (c) => c.notNull())
      .addPrimaryKeyConstraint('tags_pk', ['resource_type', 'resource_id', 'tag'])
      .execute();
    await db.schema.createIndex('tags_tag').on('tags').columns(['resource_type', 'tag']).execute();
  },
};
