// The lists that page in SQL (servers, images, stacks) read their default order — newest first
// within a project — from an index instead of sorting the whole table for every page.
import type { Migration } from '../migrate.js';

export const m0013: Migration = {
  name: '0013-list-indexes',
  async up(db) {
    await db.schema.dropIndex('servers_project').execute();
    await db.schema.createIndex('servers_project_created').on('servers').columns(['project_id', 'created_at', 'id']).execute();
    await db.schema.createIndex('images_created').on('images').columns(['created_at', 'id']).execute();
    await db.schema.createIndex('heat_stacks_project_created').on('heat_stacks').columns(['project_id', 'created_at', 'id']).execute();
  },
};
