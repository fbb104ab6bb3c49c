// Per-project usage counters for networking quotas, kept by triggers on every counted table, so
// a quota check reads one row instead of counting the project's rows (a count grows with them).
// Triggers, not application code: rows are also made and removed by cascades and internal paths
// (default security groups, router and floating IP ports), and every one of them must count.
import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrate.js';

/** Quota resource name → its table. Every table has a not-null project_id. */
export const COUNTED: Readonly<Record<string, string>> = {
  network: 'networks', subnet: 'subnets', port: 'ports', router: 'routers', floatingip: 'floatingips',
  security_group: 'security_groups', security_group_rule: 'security_group_rules', subnetpool: 'subnetpools', rbac_policy: 'rbac_policies',
};

const up1 = (resource: string, row: 'NEW' | 'OLD') => sql.raw(`insert into quota_usages (project_id, resource, in_use) values (${row}.project_id, '${resource}', 1)
  on conflict (project_id, resource) do update set in_use = quota_usages.in_use + 1`);
const down1 = (resource: string, row: 'NEW' | 'OLD') => sql.raw(`update quota_usages set in_use = in_use - 1 where project_id = ${row}.project_id and resource = '${resource}'`);

async function sqliteTriggers(db: Kysely<any>, resource: string, table: string): Promise<void> {
  const name = (what: string) => sql.raw(`quota_usage_${table}_${what}`);
  const t = sql.raw(table);
  await sql`create trigger ${name('insert')} after insert on ${t} begin ${up1(resource, 'NEW')}; end`.execute(db);
  await sql`create trigger ${name('delete')} after delete on ${t} begin ${down1(resource, 'OLD')}; end`.execute(db);
  await sql`create trigger ${name('update')} after update of project_id on ${t} when OLD.project_id is not NEW.project_id
    begin ${down1(resource, 'OLD')}; ${up1(resource, 'NEW')}; end`.execute(db);
}

async function postgresTriggers(db: Kysely<any>, resource: string, table: string): Promise<void> {
  await sql`create trigger ${sql.raw(`quota_usage_${table}`)} after insert or delete or update of project_id on ${sql.raw(table)}
    for each row execute function pier_quota_usage(${sql.lit(resource)})`.execute(db);
}

export const m0006: Migration = {
  name: '0006-quota-usages',
  async up(db, kind) {
    await db.schema.createTable('quota_usages')
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('resource', 'text', (c) => c.notNull())
      .addColumn('in_use', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('quota_usages_pk', ['project_id', 'resource'])
      .execute();
    if (kind === 'postgres') {
      // One function for every table; the trigger passes its resource name.
      await sql`create or replace function pier_quota_usage() returns trigger language plpgsql as $$
        begin
          if tg_op <> 'INSERT' then
            update quota_usages set in_use = in_use - 1 where project_id = old.project_id and resource = tg_argv[0];
          end if;
          if tg_op <> 'DELETE' then
            insert into quota_usages (project_id, resource, in_use) values (new.project_id, tg_argv[0], 1)
              on conflict (project_id, resource) do update set in_use = quota_usages.in_use + 1;
          end if;
          return null;
        end $$`.execute(db);
    }
    for (const [resource, table] of Object.entries(COUNTED)) {
      await sql`insert into quota_usages (project_id, resource, in_use)
        select project_id, ${sql.lit(resource)}, count(*) from ${sql.raw(table)} group by project_id`.execute(db);
      await (kind === 'postgres' ? postgresTriggers : sqliteTriggers)(db, resource, table);
    }
  },
};
