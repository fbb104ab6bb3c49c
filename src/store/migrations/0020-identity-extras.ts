// Keystone's credentials (EC2 ones among them), the policies API's blobs, OAuth1 consumers, trusts,
// domain-specific configuration and endpoint groups.
import type { Migration } from '../migrate.js';

export const m0020: Migration = {
  name: '0020-identity-extras',
  async up(db) {
    const text = 'text' as const;
    await db.schema.createTable('credentials')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('user_id', text, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('project_id', text)
      .addColumn('type', text, (c) => c.notNull())
      .addColumn('blob', text, (c) => c.notNull())
      .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.createIndex('credentials_user').on('credentials').column('user_id').execute();
    await db.schema.createTable('policies')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('type', text, (c) => c.notNull())
      .addColumn('blob', text, (c) => c.notNull())
      .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.createTable('consumers')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('description', text)
      .addColumn('secret_hash', text, (c) => c.notNull())
      .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.createTable('trusts')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('trustor_user_id', text, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('trustee_user_id', text, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('project_id', text)
      .addColumn('impersonation', 'integer', (c) => c.notNull())
      .addColumn('expires_at', text)
      .addColumn('remaining_uses', 'integer')
      .addColumn('allow_redelegation', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('redelegation_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('roles', text, (c) => c.notNull().defaultTo('[]'))
      .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.createTable('domain_configs')
      .addColumn('domain_id', text, (c) => c.primaryKey().references('domains.id').onDelete('cascade'))
      .addColumn('config', text, (c) => c.notNull())
      .execute();
    await db.schema.createTable('endpoint_groups')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('description', text)
      .addColumn('filters', text, (c) => c.notNull())
      .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
      .execute();
  },
};
