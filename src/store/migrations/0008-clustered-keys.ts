// SQLite: the two link tables written on every port create keep their rows in their primary key
// (WITHOUT ROWID). A rowid table with a composite key is two b-trees, the rows and the key, so
// each insert wrote two pages where one does; PostgreSQL tables are heaps either way (no change).
import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrate.js';

/** Rebuilds `table` from `create` (which makes it as `<table>_clustered`), keeping its rows. */
async function rebuild(db: Kysely<any>, table: string, create: (name: string) => Promise<void>, indexes: [string, string][]): Promise<void> {
  const next = `${table}_clustered`;
  await create(next);
  await sql`insert into ${sql.table(next)} select * from ${sql.table(table)}`.execute(db);
  await db.schema.dropTable(table).execute();
  await db.schema.alterTable(next).renameTo(table).execute();
  for (const [name, column] of indexes) await db.schema.createIndex(name).on(table).column(column).execute();
}

export const m0008: Migration = {
  name: '0008-clustered-keys',
  async up(db, kind) {
    if (kind !== 'sqlite') return;
    const t = 'text' as const;
    await rebuild(db, 'ip_allocations', (name) => db.schema.createTable(name)
      .addColumn('subnet_id', t, (c) => c.notNull().references('subnets.id'))
      .addColumn('ip_key', t, (c) => c.notNull())
      .addColumn('ip_address', t, (c) => c.notNull())
      .addColumn('network_id', t, (c) => c.notNull())
      .addColumn('port_id', t, (c) => c.notNull())
      .addPrimaryKeyConstraint('ip_allocations_pk', ['subnet_id', 'ip_key'])
      .modifyEnd(sql`without rowid`)
      .execute(), [['ip_allocations_port', 'port_id']]);
    await rebuild(db, 'port_security_groups', (name) => db.schema.createTable(name)
      .addColumn('port_id', t, (c) => c.notNull().references('ports.id').onDelete('cascade'))
      .addColumn('security_group_id', t, (c) => c.notNull().references('security_groups.id'))
      .addPrimaryKeyConstraint('port_security_groups_pk', ['port_id', 'security_group_id'])
      .modifyEnd(sql`without rowid`)
      .execute(), [['port_security_groups_sg', 'security_group_id']]);
  },
};
