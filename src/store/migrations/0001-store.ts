// The outbox.
import type { Migration } from '../migrate.js';

export const m0001: Migration = {
  name: '0001-store',
  async up(db, kind) {
    await db.schema.createTable('events')
      .addColumn('id', kind === 'postgres' ? 'bigserial' : 'integer',
        (c) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('resource', 'text', (c) => c.notNull())
      .addColumn('resource_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('events_created_at').on('events').column('created_at').execute();
  },
};
