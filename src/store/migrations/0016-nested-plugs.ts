// A plug may be nested: the port's far end hangs from another port's namespace, behind that port
// — a pod's port inside a container-host server, behind its node's port (Kuryr's nested mode).
import type { Migration } from '../migrate.js';

export const m0016: Migration = {
  name: '0016-nested-plugs',
  async up(db) {
    await db.schema.alterTable('port_plugs').addColumn('parent_port_id', 'text').execute();
    await db.schema.createIndex('port_plugs_parent').on('port_plugs').column('parent_port_id').execute();
  },
};
