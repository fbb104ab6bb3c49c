// Neutron's router flags (dvr's `distributed`, l3-ha's `ha`) and ports' extra_dhcp_opts.
import type { Migration } from '../migrate.js';

export const m0021: Migration = {
  name: '0021-networking-extras',
  async up(db) {
    await db.schema.alterTable('routers').addColumn('distributed', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('routers').addColumn('ha', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('ports').addColumn('extra_dhcp_opts', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  },
};
