// Heat's stacks, their resources and events. A stack keeps its owner's identity (user, project,
// roles) so a restarted Pier resumes its work as the same caller; the template, environment
// and files are kept as given (JSON text) for update diffs and `template show`.
import type { Migration } from '../migrate.js';

export const m0009: Migration = {
  name: '0009-orchestration',
  async up(db) {
    await db.schema.createTable('heat_stacks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('parent_id', 'text')
      .addColumn('parent_resource', 'text')
      .addColumn('root_id', 'text')
      .addColumn('nested_depth', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('template', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('files', 'text', (c) => c.notNull())
      .addColumn('parameters', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_reason', 'text', (c) => c.notNull())
      .addColumn('disable_rollback', 'integer', (c) => c.notNull())
      .addColumn('timeout_mins', 'integer')
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('outputs', 'text', (c) => c.notNull())
      .addColumn('previous', 'text')
      .addColumn('engine_id', 'text')
      .addColumn('lease_until', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text')
      .addColumn('deleted_at', 'text')
      .execute();
    await db.schema.createIndex('heat_stacks_project_name').on('heat_stacks').columns(['project_id', 'name']).execute();
    await db.schema.createIndex('heat_stacks_parent').on('heat_stacks').column('parent_id').execute();
    await db.schema.createIndex('heat_stacks_status').on('heat_stacks').column('status').execute();
    await db.schema.createTable('heat_resources')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('stack_id', 'text', (c) => c.notNull().references('heat_stacks.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('physical_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_reason', 'text', (c) => c.notNull())
      .addColumn('properties', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('attributes', 'text', (c) => c.notNull())
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('replaced_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text')
      .execute();
    await db.schema.createIndex('heat_resources_stack').on('heat_resources').columns(['stack_id', 'name']).execute();
    await db.schema.createTable('heat_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('stack_id', 'text', (c) => c.notNull().references('heat_stacks.id').onDelete('cascade'))
      .addColumn('resource_name', 'text', (c) => c.notNull())
      .addColumn('physical_resource_id', 'text')
      .addColumn('resource_type', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_reason', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('heat_events_stack').on('heat_events').columns(['stack_id', 'seq']).execute();
  },
};
