// Nova's admin-side records: the compute services of each host (os-services, os-hypervisors),
// host aggregates with their hosts and metadata, and server groups with their members.
import type { Migration } from '../migrate.js';

export const m0040: Migration = {
  name: '0040-compute-admin',
  async up(db) {
    await db.schema.createTable('compute_services')
      .addColumn('uuid', 'text', (c) => c.primaryKey())
      .addColumn('id', 'integer', (c) => c.notNull().unique())
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('binary', 'text', (c) => c.notNull())
      .addColumn('disabled', 'integer', (c) => c.notNull())
      .addColumn('disabled_reason', 'text')
      .addColumn('forced_down', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('compute_services_host_binary', ['host', 'binary'])
      .execute();
    await db.schema.createTable('aggregates')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('uuid', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('availability_zone', 'text')
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text')
      .execute();
    await db.schema.createTable('aggregate_hosts')
      .addColumn('aggregate_id', 'integer', (c) => c.notNull().references('aggregates.id').onDelete('cascade'))
      .addColumn('host', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('aggregate_hosts_pk', ['aggregate_id', 'host'])
      .execute();
    await db.schema.createTable('server_groups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('rules', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createTable('server_group_members')
      .addColumn('group_id', 'text', (c) => c.notNull().references('server_groups.id').onDelete('cascade'))
      .addColumn('server_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('server_group_members_pk', ['group_id', 'server_id'])
      .execute();
  },
};
