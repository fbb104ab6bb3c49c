// OS::Cinder::Volume — a Cinder volume (Heat's resources/openstack/cinder/volume.py): blank, or
// from an image, a snapshot or another volume; done when available. Name, description,
// metadata, read_only and a bigger size update in place.
import type { Json, JsonMap } from '../template/index.js';
import { cinderOf, volumeReached } from './cinder.js';
import { unlessGone } from './nova.js';
import type { ResourcePlugin } from './types.js';

const ATTRIBUTES = ['availability_zone', 'size', 'snapshot_id', 'display_name', 'display_description', 'volume_type', 'metadata',
  'metadata_values', 'source_volid', 'status', 'created_at', 'bootable', 'encrypted', 'attachments', 'attachments_list', 'multiattach'];

export const osCinderVolume: ResourcePlugin = {
  type: 'OS::Cinder::Volume',
  description: 'A resource that implements Cinder volumes.',
  properties: {
    size: { type: 'integer', description: 'The size of the volume in GB. On update only increase in size is supported.', update_allowed: true, constraints: [{ range: { min: 1 } }] },
    snapshot_id: { type: 'string', description: 'If specified, the snapshot to create the volume from.' },
    backup_id: { type: 'string', description: 'If specified, the backup to create the volume from.' },
    name: { type: 'string', description: 'A name used to distinguish the volume.', update_allowed: true },
    description: { type: 'string', description: 'A description of the volume.', update_allowed: true },
    volume_type: { type: 'string', description: 'If specified, the type of volume to use, mapping to a specific backend.' },
    metadata: { type: 'map', description: 'Key/value pairs to associate with the volume.', update_allowed: true, default: {} },
    image: { type: 'string', description: 'If specified, the name or ID of the image to create the volume from.', constraints: [{ custom_constraint: 'glance.image' }] },
    source_volid: { type: 'string', description: 'If specified, the volume to use as source.', constraints: [{ custom_constraint: 'cinder.volume' }] },
    availability_zone: { type: 'string', description: 'The availability zone in which the volume will be created.' },
    scheduler_hints: { type: 'map', description: 'Arbitrary key-value pairs specified by the client to help the Cinder scheduler creating a volume.' },
    read_only: { type: 'boolean', description: 'Enables or disables read-only access mode of volume.', update_allowed: true },
    multiattach: { type: 'boolean', description: 'Whether allow the volume to be attached more than once.' },
  },
  attributes: Object.fromEntries([...ATTRIBUTES, 'show'].map((a) => [a, { description: `The volume's ${a}.` }])),
  async create(ctx, props) {
    const body: Record<string, unknown> = { name: props['name'] ?? ctx.physicalName };
    for (const k of ['size', 'snapshot_id', 'description', 'volume_type', 'source_volid', 'availability_zone', 'multiattach', 'backup_id']) if (props[k] != null) body[k] = props[k];
    if (props['metadata']) body['metadata'] = Object.fromEntries(Object.entries(props['metadata'] as JsonMap).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    if (props['image'] != null) body['imageRef'] = (await ctx.compute.findImage(ctx.caller, String(props['image']))) ?? props['image'];
    const v = await cinderOf(ctx).createVolume(ctx.caller, body, ctx.plannedId);
    if (props['read_only'] === true) ctx.data['read_only'] = true;
    return String(v['id']);
  },
  async checkCreate(ctx, id) {
    if (!(await volumeReached(ctx, id!, 'available'))) return false;
    // OpenStack: Heat sets the read-only flag once the volume is available.
    if (ctx.data['read_only'] === true) { await cinderOf(ctx).setReadonly(ctx.caller, id!, true); delete ctx.data['read_only']; }
    return true;
  },
  exists: (ctx, id) => unlessGone(async () => { await cinderOf(ctx).showVolume(ctx.caller, id); return true; }, false),
  async update(ctx, id, props, previous, changed) {
    const c = cinderOf(ctx);
    const body: Record<string, unknown> = {};
    if (changed.includes('name')) body['name'] = props['name'] ?? ctx.physicalName;
    if (changed.includes('description')) body['description'] = props['description'] ?? null;
    if (changed.includes('metadata')) body['metadata'] = props['metadata'] ?? {};
    if (Object.keys(body).length) await c.updateVolume(ctx.caller, id!, body);
    if (changed.includes('read_only')) await c.setReadonly(ctx.caller, id!, props['read_only'] === true);
    if (changed.includes('size') && props['size'] != null) {
      if (Number(props['size']) < Number(previous['size'] ?? 0)) throw new Error(`The new size ${String(props['size'])} must be bigger than the current size ${String(previous['size'])}.`);
      await c.extendVolume(ctx.caller, id!, Number(props['size']));
    }
  },
  checkUpdate: (ctx, id) => volumeReached(ctx, id!, ['available', 'in-use']),
  async delete(ctx, id) {
    if (!id) return;
    await unlessGone(() => cinderOf(ctx).deleteVolume(ctx.caller, id), undefined);
  },
  checkDelete: (ctx, id) => (id ? volumeReached(ctx, id, 'gone') : Promise.resolve(true)),
  async resolve(ctx, id, attr) {
    if (!id) return null;
    const v = await unlessGone(() => cinderOf(ctx).showVolume(ctx.caller, id), null);
    if (!v) return null;
    if (attr === 'show') return v as Json;
    if (attr === 'display_name') return (v['name'] ?? null) as Json;
    if (attr === 'display_description') return (v['description'] ?? null) as Json;
    if (attr === 'metadata_values') return (v['metadata'] ?? {}) as Json;
    if (attr === 'metadata') return JSON.stringify(v['metadata'] ?? {});
    if (attr === 'attachments') return JSON.stringify(v['attachments'] ?? []);
    if (attr === 'attachments_list') return (v['attachments'] ?? []) as Json;
    return (v[attr] ?? null) as Json;
  },
};
