// Keystone's tables. Names are unique per domain; role names per domain, where global roles
// (domain_id null) are unique among themselves through the coalesce index.
import { sql } from 'kysely';
import type { Migration } from '../migrate.js';

export const m0002: Migration = {
  name: '0002-identity',
  async up(db) {
    const text = 'text' as const;
    await db.schema.createTable('domains')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('name', text, (c) => c.notNull().unique())
      .addColumn('description', text)
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('tags', text, (c) => c.notNull().defaultTo('[]'))
      .addColumn('options', text, (c) => c.notNull().defaultTo('{}'))
      .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.createTable('projects')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('domain_id', text, (c) => c.notNull().references('domains.id'))
      .addColumn('parent_id', text, (c) => c.references('projects.id'))
      .addColumn('description', text)
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('tags', text, (c) => c.notNull().defaultTo('[]'))
      .addColumn('options', text, (c) => c.notNull().defaultTo('{}'))
      .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
      .addUniqueConstraint('projects_domain_name', ['domain_id', 'name'])
      .execute();
    await db.schema.createTable('users')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('domain_id', text, (c) => c.notNull().references('domains.id'))
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('default_project_id', text)
      .addColumn('description', text)
      .addColumn('password_hash', text)
      .addColumn('password_created_at', text)
      .addColumn('options', text, (c) => c.notNull().defaultTo('{}'))
      .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', text, (c) => c.notNull())
      .addUniqueConstraint('users_domain_name', ['domain_id', 'name'])
      .execute();
    await db.schema.createTable('groups')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('domain_id', text, (c) => c.notNull().references('domains.id'))
      .addColumn('description', text)
      .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
      .addUniqueConstraint('groups_domain_name', ['domain_id', 'name'])
      .execute();
    await db.schema.createTable('user_groups')
      .addColumn('user_id', text, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('group_id', text, (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('user_groups_pk', ['user_id', 'group_id'])
      .execute();
    await db.schema.createTable('roles')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('domain_id', text)
      .addColumn('description', text)
      .addColumn('options', text, (c) => c.notNull().defaultTo('{}'))
      .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
      .execute();
    await sql`create unique index roles_domain_name on roles (name, coalesce(domain_id, ''))`.execute(db);
    await db.schema.createTable('implied_roles')
      .addColumn('prior_role_id', text, (c) => c.notNull().references('roles.id').onDelete('cascade'))
      .addColumn('implied_role_id', text, (c) => c.notNull().references('roles.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('implied_roles_pk', ['prior_role_id', 'implied_role_id'])
      .execute();
    await db.schema.createTable('assignments')
      .addColumn('actor_type', text, (c) => c.notNull())
      .addColumn('actor_id', text, (c) => c.notNull())
      .addColumn('target_type', text, (c) => c.notNull())
      .addColumn('target_id', text, (c) => c.notNull())
      .addColumn('role_id', text, (c) => c.notNull().references('roles.id').onDelete('cascade'))
      .addColumn('inherited', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('assignments_pk', ['actor_type', 'actor_id', 'target_type', 'target_id', 'role_id', 'inherited'])
      .execute();
    await db.schema.createIndex('assignments_target').on('assignments').columns(['target_type', 'target_id']).execute();
    await db.schema.createTable('regions')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('description', text)
      .addColumn('parent_region_id', text, (c) => c.references('regions.id'))
      .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.createTable('services')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('type', text, (c) => c.notNull())
      .addColumn('name', text, (c) => c.notNull().defaultTo(''))
      .addColumn('description', text)
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.createTable('endpoints')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('service_id', text, (c) => c.notNull().references('services.id'))
      .addColumn('interface', text, (c) => c.notNull())
      .addColumn('region_id', text, (c) => c.references('regions.id'))
      .addColumn('url', text, (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.createTable('application_credentials')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('user_id', text, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('project_id', text, (c) => c.notNull())
      .addColumn('secret_hash', text, (c) => c.notNull())
      .addColumn('description', text)
      .addColumn('expires_at', text)
      .addColumn('unrestricted', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('roles', text, (c) => c.notNull().defaultTo('[]'))
      .addColumn('access_rules', text, (c) => c.notNull().defaultTo('[]'))
      .addColumn('created_at', text, (c) => c.notNull())
      .addUniqueConstraint('app_creds_user_name', ['user_id', 'name'])
      .execute();
    await db.schema.createTable('revocation_events')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('audit_id', text)
      .addColumn('user_id', text)
      .addColumn('project_id', text)
      .addColumn('domain_id', text)
      .addColumn('app_cred_id', text)
      .addColumn('issued_before', text, (c) => c.notNull())
      .addColumn('created_at', text, (c) => c.notNull())
      .execute();
    await db.schema.createTable('token_keys')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('secret', text, (c) => c.notNull())
      .addColumn('created_at', text, (c) => c.notNull())
      .execute();
  },
};
