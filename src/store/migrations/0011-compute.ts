// Nova: flavors (the m1.* defaults seeded here) and their access lists, keypairs, servers, their
// instance actions, quotas.
import type { Migration } from '../migrate.js';

export const DEFAULT_FLAVORS = [
  { id: '1', name: 'm1.tiny', vcpus: 1, ram: 512, disk: 1 },
  { id: '2', name: 'm1.small', vcpus: 1, ram: 2048, disk: 20 },
  { id: '3', name: 'm1.medium', vcpus: 2, ram: 4096, disk: 40 },
  { id: '4', name: 'm1.large', vcpus: 4, ram: 8192, disk: 80 },
  { id: '5', name: 'm1.xlarge', vcpus: 8, ram: 16384, disk: 160 },
];

export const m0011: Migration = {
  name: '0011-compute',
  async up(db) {
    await db.schema.createTable('flavors')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('vcpus', 'integer', (c) => c.notNull())
      .addColumn('ram', 'integer', (c) => c.notNull())
      .addColumn('disk', 'integer', (c) => c.notNull())
      .addColumn('ephemeral', 'integer', (c) => c.notNull())
      .addColumn('swap', 'integer', (c) => c.notNull())
      .addColumn('rxtx_factor', 'real', (c) => c.notNull())
      .addColumn('is_public', 'integer', (c) => c.notNull())
      .addColumn('disabled', 'integer', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('extra_specs', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createTable('flavor_access')
      .addColumn('flavor_id', 'text', (c) => c.notNull().references('flavors.id').onDelete('cascade'))
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('flavor_access_pk', ['flavor_id', 'project_id'])
      .execute();
    await db.schema.createTable('keypairs')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('keypairs_pk', ['user_id', 'name'])
      .execute();
    await db.schema.createTable('servers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('image_id', 'text', (c) => c.notNull())
      .addColumn('flavor_id', 'text', (c) => c.notNull())
      .addColumn('flavor', 'text', (c) => c.notNull())
      .addColumn('key_name', 'text')
      .addColumn('key_data', 'text')
      .addColumn('user_data', 'text')
      .addColumn('vm_state', 'text', (c) => c.notNull())
      .addColumn('task_state', 'text')
      .addColumn('power_state', 'integer', (c) => c.notNull())
      .addColumn('fault', 'text')
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('security_groups', 'text', (c) => c.notNull())
      .addColumn('access_ipv4', 'text', (c) => c.notNull())
      .addColumn('access_ipv6', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('hostname', 'text', (c) => c.notNull())
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('availability_zone', 'text', (c) => c.notNull())
      .addColumn('config_drive', 'text', (c) => c.notNull())
      .addColumn('reservation_id', 'text', (c) => c.notNull())
      .addColumn('launch_index', 'integer', (c) => c.notNull())
      .addColumn('locked', 'integer', (c) => c.notNull())
      .addColumn('locked_reason', 'text')
      .addColumn('created_ports', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('launched_at', 'text')
      .addColumn('terminated_at', 'text')
      .execute();
    await db.schema.createIndex('servers_project').on('servers').column('project_id').execute();
    await db.schema.createIndex('servers_host').on('servers').column('host').execute();
    await db.schema.createTable('instance_actions')
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('server_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('message', 'text')
      .addColumn('start_time', 'text', (c) => c.notNull())
      .addColumn('finish_time', 'text')
      .addColumn('result', 'text')
      .addPrimaryKeyConstraint('instance_actions_pk', ['server_id', 'request_id'])
      .execute();
    await db.schema.createTable('compute_quotas')
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('resource', 'text', (c) => c.notNull())
      .addColumn('hard_limit', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('compute_quotas_pk', ['project_id', 'resource'])
      .execute();
    const now = new Date().toISOString();
    await db.insertInto('flavors').values(DEFAULT_FLAVORS.map((f) => ({
      ...f, ephemeral: 0, swap: 0, rxtx_factor: 1, is_public: 1, disabled: 0, description: null, extra_specs: '{}', created_at: now,
    }))).execute();
  },
};
