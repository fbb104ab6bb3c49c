// A leaner outbox: every committed change writes one events row, so every index on it is a page
// written per transaction. The created_at index goes (pruning walks ids, which grow with time),
// and on SQLite so does AUTOINCREMENT (it updates sqlite_sequence on every insert; the ids need
// only be unique and growing, which a plain rowid primary key is).
import { sql } from 'kysely';
import type { Migration } from '../migrate.js';

export const m0007: Migration = {
  name: '0007-lean-events',
  async up(db, kind) {
    await db.schema.dropIndex('events_created_at').execute();
    if (kind !== 'sqlite') return;
    await db.schema.createTable('events_lean')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('resource', 'text', (c) => c.notNull())
      .addColumn('resource_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await sql`insert into events_lean select id, resource, resource_id, action, project_id, created_at from events`.execute(db);
    await db.schema.dropTable('events').execute();
    await db.schema.alterTable('events_lean').renameTo('events').execute();
    await sql`delete from sqlite_sequence where name = 'events'`.execute(db);
  },
};
