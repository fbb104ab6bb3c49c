// OS::Cinder::VolumeType — a volume type (admin; Heat's resources/openstack/cinder/volume_type.py):
// extra specs from `metadata`, private with `is_public: false` and the `projects` given access.
import type { JsonMap } from '../template/index.js';
import { cinderOf } from './cinder.js';
import { unlessGone } from './nova.js';
import type { ResourcePlugin } from './types.js';

const specsOf = (m: unknown) => Object.fromEntries(Object.entries((m ?? {}) as JsonMap).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));

export const osCinderVolumeType: ResourcePlugin = {
  type: 'OS::Cinder::VolumeType',
  description: 'A resource for creating cinder volume types.',
  properties: {
    name: { type: 'string', description: 'Name of the volume type.', required: true, update_allowed: true },
    metadata: { type: 'map', description: 'The extra specs key and value pairs of the volume type.', update_allowed: true },
    is_public: { type: 'boolean', description: 'Whether the volume type is accessible to the public.', default: true, update_allowed: true },
    description: { type: 'string', description: 'Description of the volume type.', update_allowed: true },
    projects: { type: 'list', description: 'Projects to add volume type access to. NOTE: This option is only supported since Cinder API V2.', default: [] },
  },
  attributes: { show: { description: 'Detailed information about resource.', type: 'map' } },
  async create(ctx, props) {
    const t = await cinderOf(ctx).createType(ctx.caller, {
      name: props['name'], is_public: props['is_public'] !== false, ...(props['description'] != null ? { description: props['description'] } : {}),
      extra_specs: specsOf(props['metadata']),
    }, (props['projects'] as string[] | undefined) ?? []);
    return String(t['id']);
  },
  exists: (ctx, id) => unlessGone(async () => { await cinderOf(ctx).showType(ctx.caller, id); return true; }, false),
  async update(ctx, id, props, _previous, changed) {
    const body: Record<string, unknown> = {};
    for (const k of ['name', 'description', 'is_public']) if (changed.includes(k)) body[k] = props[k] ?? null;
    await cinderOf(ctx).updateType(ctx.caller, id!, body, changed.includes('metadata') ? specsOf(props['metadata']) : undefined);
  },
  async delete(ctx, id) {
    if (!id) return;
    await unlessGone(() => cinderOf(ctx).deleteType(ctx.caller, id), undefined);
  },
  async resolve(ctx, id, attr) {
    if (!id || attr !== 'show') return null;
    return unlessGone(() => cinderOf(ctx).showType(ctx.caller, id), null) as never;
  },
};
