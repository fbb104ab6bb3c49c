// Glance: images, their members, and the record of images Pier seeded on first start.
import type { Migration } from '../migrate.js';

export const m0010: Migration = {
  name: '0010-image',
  async up(db) {
    await db.schema.createTable('images')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('visibility', 'text', (c) => c.notNull())
      .addColumn('protected', 'integer', (c) => c.notNull())
      .addColumn('os_hidden', 'integer', (c) => c.notNull())
      .addColumn('checksum', 'text')
      .addColumn('os_hash_algo', 'text')
      .addColumn('os_hash_value', 'text')
      .addColumn('size', 'bigint')
      .addColumn('virtual_size', 'bigint')
      .addColumn('min_disk', 'integer', (c) => c.notNull())
      .addColumn('min_ram', 'integer', (c) => c.notNull())
      .addColumn('disk_format', 'text')
      .addColumn('container_format', 'text')
      .addColumn('owner', 'text')
      .addColumn('properties', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('images_owner').on('images').column('owner').execute();
    await db.schema.createTable('image_members')
      .addColumn('image_id', 'text', (c) => c.notNull().references('images.id').onDelete('cascade'))
      .addColumn('member_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('image_members_pk', ['image_id', 'member_id'])
      .execute();
    await db.schema.createIndex('image_members_member').on('image_members').column('member_id').execute();
    await db.schema.createTable('image_seeds')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('image_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
};
