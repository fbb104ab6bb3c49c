// Indexes for the dataplane's reads: router ports by owner, bound ports by host, ports by status.
import type { Migration } from '../migrate.js';

export const m0005: Migration = {
  name: '0005-port-indexes',
  async up(db) {
    await db.schema.createIndex('ports_device_owner').on('ports').column('device_owner').execute();
    await db.schema.createIndex('ports_binding_host').on('ports').column('binding:host_id').execute();
    await db.schema.createIndex('ports_status').on('ports').column('status').execute();
  },
};
