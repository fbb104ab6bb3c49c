// Magnum: cluster templates, clusters, their nodegroups, each cluster's CA (keys kept here, as
// Magnum's x509keypair store) and per-project quotas.
import type { CreateTableBuilder } from 'kysely';
import type { Migration } from '../migrate.js';

type Table = CreateTableBuilder<any, any>;
/** Nullable text columns, one per name. */
const texts = (t: Table, names: string[]): Table => names.reduce((b, n) => b.addColumn(n, 'text'), t);

export const m0014: Migration = {
  name: '0014-clusters',
  async up(db) {
    await texts(db.schema.createTable('magnum_cluster_templates').addColumn('uuid', 'text', (c) => c.primaryKey()), [
      'name', 'project_id', 'user_id', 'coe', 'image_id', 'flavor_id', 'master_flavor_id', 'keypair_id', 'external_network_id',
      'fixed_network', 'fixed_subnet', 'network_driver', 'volume_driver', 'dns_nameserver', 'docker_storage_driver', 'cluster_distro',
      'http_proxy', 'https_proxy', 'no_proxy', 'insecure_registry', 'labels', 'server_type', 'tags', 'driver', 'created_at', 'updated_at',
    ])
      .addColumn('apiserver_port', 'integer').addColumn('docker_volume_size', 'integer')
      .addColumn('tls_disabled', 'integer').addColumn('public', 'integer').addColumn('hidden', 'integer')
      .addColumn('master_lb_enabled', 'integer').addColumn('floating_ip_enabled', 'integer').addColumn('registry_enabled', 'integer')
      .execute();
    await db.schema.createIndex('magnum_cluster_templates_project').on('magnum_cluster_templates').column('project_id').execute();
    await texts(db.schema.createTable('magnum_clusters').addColumn('uuid', 'text', (c) => c.primaryKey()), [
      'name', 'project_id', 'user_id', 'cluster_template_id', 'keypair', 'labels', 'master_flavor_id', 'flavor_id', 'stack_id',
      'status', 'status_reason', 'health_status', 'health_status_reason', 'discovery_url', 'api_address', 'coe_version',
      'container_version', 'fixed_network', 'fixed_subnet', 'faults', 'bootstrap_token', 'created_at', 'updated_at',
    ])
      .addColumn('docker_volume_size', 'integer').addColumn('create_timeout', 'integer')
      .addColumn('floating_ip_enabled', 'integer').addColumn('master_lb_enabled', 'integer')
      .execute();
    await db.schema.createIndex('magnum_clusters_project').on('magnum_clusters').column('project_id').execute();
    await db.schema.createIndex('magnum_clusters_template').on('magnum_clusters').column('cluster_template_id').execute();
    await db.schema.createIndex('magnum_clusters_stack').on('magnum_clusters').column('stack_id').execute();
    await texts(db.schema.createTable('magnum_nodegroups').addColumn('uuid', 'text', (c) => c.primaryKey()), [
      'name', 'project_id', 'role', 'flavor_id', 'image_id', 'labels', 'node_addresses', 'stack_id', 'status', 'status_reason',
      'version', 'node_labels', 'node_taints', 'created_at', 'updated_at',
    ])
      .addColumn('cluster_id', 'text', (c) => c.notNull().references('magnum_clusters.uuid').onDelete('cascade'))
      .addColumn('docker_volume_size', 'integer').addColumn('node_count', 'integer', (c) => c.notNull())
      .addColumn('min_node_count', 'integer', (c) => c.notNull()).addColumn('max_node_count', 'integer')
      .addColumn('is_default', 'integer', (c) => c.notNull())
      .addUniqueConstraint('magnum_nodegroups_name', ['cluster_id', 'name'])
      .execute();
    await db.schema.createTable('magnum_cluster_cas')
      .addColumn('cluster_id', 'text', (c) => c.primaryKey().references('magnum_clusters.uuid').onDelete('cascade'))
      .addColumn('ca_cert', 'text', (c) => c.notNull())
      .addColumn('ca_key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createTable('magnum_quotas')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('resource', 'text', (c) => c.notNull())
      .addColumn('hard_limit', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text')
      .addUniqueConstraint('magnum_quotas_project_resource', ['project_id', 'resource'])
      .execute();
  },
};
