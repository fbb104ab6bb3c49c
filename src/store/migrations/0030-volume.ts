// Cinder: volumes, snapshots, volume types (with the `__DEFAULT__` type seeded) and their access
// lists, attachments, per-project quotas and user messages.
import type { Migration } from '../migrate.js';

export const DEFAULT_VOLUME_TYPE_ID = '5f7f6a22-6c71-4a5e-9c8f-5b3e6bde0001';

export const m0030: Migration = {
  name: '0030-volume',
  async up(db) {
    await db.schema.createTable('volume_types')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text')
      .addColumn('is_public', 'integer', (c) => c.notNull())
      .addColumn('extra_specs', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text')
      .execute();
    await db.schema.createTable('volume_type_access')
      .addColumn('volume_type_id', 'text', (c) => c.notNull().references('volume_types.id').onDelete('cascade'))
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('volume_type_access_pk', ['volume_type_id', 'project_id'])
      .execute();
    await db.insertInto('volume_types').values({
      id: DEFAULT_VOLUME_TYPE_ID, name: '__DEFAULT__', description: 'Default Volume Type', is_public: 1, extra_specs: '{}',
      created_at: new Date().toISOString().slice(0, 19) + '.000000', updated_at: null,
    }).execute();
    let volumes = db.schema.createTable('volumes').addColumn('id', 'text', (c) => c.primaryKey());
    for (const c of ['project_id', 'user_id', 'status', 'attach_status', 'availability_zone', 'host', 'volume_type_id', 'metadata', 'created_at']) {
      volumes = volumes.addColumn(c, 'text', (b) => b.notNull());
    }
    for (const c of ['name', 'description', 'snapshot_id', 'source_volid', 'image_id', 'image_metadata', 'previous_status', 'upload_image_id', 'updated_at', 'launched_at']) volumes = volumes.addColumn(c, 'text');
    for (const c of ['size', 'bootable', 'readonly', 'multiattach']) volumes = volumes.addColumn(c, 'integer', (b) => b.notNull());
    await volumes.addColumn('new_size', 'integer').execute();
    await db.schema.createIndex('volumes_project').on('volumes').columns(['project_id', 'created_at']).execute();
    let snaps = db.schema.createTable('volume_snapshots').addColumn('id', 'text', (c) => c.primaryKey());
    for (const c of ['volume_id', 'project_id', 'user_id', 'status', 'metadata', 'created_at']) snaps = snaps.addColumn(c, 'text', (b) => b.notNull());
    for (const c of ['name', 'description', 'updated_at']) snaps = snaps.addColumn(c, 'text');
    await snaps.addColumn('size', 'integer', (b) => b.notNull()).execute();
    await db.schema.createIndex('volume_snapshots_volume').on('volume_snapshots').column('volume_id').execute();
    let att = db.schema.createTable('volume_attachments').addColumn('id', 'text', (c) => c.primaryKey());
    for (const c of ['volume_id', 'project_id', 'attach_status', 'attach_mode', 'created_at']) att = att.addColumn(c, 'text', (b) => b.notNull());
    for (const c of ['instance_uuid', 'attached_host', 'mountpoint', 'connector', 'tag', 'attach_time', 'detach_time', 'updated_at']) att = att.addColumn(c, 'text');
    await att.addColumn('delete_on_termination', 'integer', (b) => b.notNull()).execute();
    await db.schema.createIndex('volume_attachments_volume').on('volume_attachments').column('volume_id').execute();
    await db.schema.createIndex('volume_attachments_instance').on('volume_attachments').column('instance_uuid').execute();
    await db.schema.createTable('volume_quotas')
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('resource', 'text', (c) => c.notNull())
      .addColumn('hard_limit', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('volume_quotas_pk', ['project_id', 'resource'])
      .execute();
    let msgs = db.schema.createTable('volume_messages').addColumn('id', 'text', (c) => c.primaryKey());
    for (const c of ['project_id', 'request_id', 'resource_type', 'event_id', 'message_level', 'user_message', 'created_at', 'expires_at']) msgs = msgs.addColumn(c, 'text', (b) => b.notNull());
    await msgs.addColumn('resource_uuid', 'text').execute();
  },
};
