// Heat's software configuration API: configs (immutable scripts / cloud-config with their
// inputs and outputs) and the deployments that apply one to a server.
import type { Migration } from '../migrate.js';

export const m0041: Migration = {
  name: '0041-software-config',
  async up(db) {
    await db.schema.createTable('heat_software_configs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('group', 'text', (c) => c.notNull())
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('inputs', 'text', (c) => c.notNull())
      .addColumn('outputs', 'text', (c) => c.notNull())
      .addColumn('options', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createTable('heat_software_deployments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('config_id', 'text', (c) => c.notNull().references('heat_software_configs.id'))
      .addColumn('server_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_reason', 'text', (c) => c.notNull())
      .addColumn('input_values', 'text', (c) => c.notNull())
      .addColumn('output_values', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text')
      .execute();
    await db.schema.createIndex('heat_software_deployments_server').on('heat_software_deployments').column('server_id').execute();
  },
};
