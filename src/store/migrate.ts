// Versioned migrations, applied in order on start, each in its own transaction, recorded in
// `pier_migrations`. A migration is written once for both databases (Kysely's schema builder);
// `kind` is there for the rare column type that differs.
import { sql, type Kysely } from 'kysely';
import type { StoreKind } from './store.js';
import { migrations } from './migrations/index.js';

export interface Migration {
  readonly name: string;
  up(db: Kysely<any>, kind: StoreKind): Promise<void>;
}

export async function migrate(db: Kysely<any>, kind: StoreKind): Promise<string[]> {
  await db.schema.createTable('pier_migrations').ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .execute();
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await db.selectFrom('pier_migrations').select('name').where('name', '=', m.name).executeTakeFirst();
    if (done) continue;
    await db.transaction().execute(async (trx) => {
      // Two processes starting together on one PostgreSQL: the lock makes the second wait, then skip.
      if (kind === 'postgres') await sql`lock table pier_migrations in exclusive mode`.execute(trx);
      const again = await trx.selectFrom('pier_migrations').select('name').where('name', '=', m.name).executeTakeFirst();
      if (again) return;
      await m.up(trx, kind);
      await trx.insertInto('pier_migrations').values({ name: m.name, applied_at: new Date().toISOString() }).execute();
      applied.push(m.name);
    });
  }
  return applied;
}
