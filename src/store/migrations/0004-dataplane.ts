// Which ports are plugged into which network namespace on which host (the dataplane's desired
// attachments; the kernel state itself is never stored).
import type { Migration } from '../migrate.js';

export const m0004: Migration = {
  name: '0004-dataplane',
  async up(db) {
    await db.schema.createTable('port_plugs')
      .addColumn('port_id', 'text', (c) => c.primaryKey().references('ports.id').onDelete('cascade'))
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('netns', 'text', (c) => c.notNull())
      .addColumn('ifname', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('port_plugs_host').on('port_plugs').column('host').execute();
  },
};
