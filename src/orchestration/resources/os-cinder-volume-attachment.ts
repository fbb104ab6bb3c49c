// OS::Cinder::VolumeAttachment — a volume attached to a server through Nova (Heat's
// resources/openstack/cinder/volume.py CinderVolumeAttachment): done when the volume is in-use,
// deleted when it is available again. The physical id is Nova's attachment id (the volume id).
import { cinderOf, volumeReached } from './cinder.js';
import { isGone, unlessGone } from './nova.js';
import type { ResourcePlugin } from './types.js';

export const osCinderVolumeAttachment: ResourcePlugin = {
  type: 'OS::Cinder::VolumeAttachment',
  description: 'Resource for associating volume to instance.',
  properties: {
    instance_uuid: { type: 'string', description: 'The ID of the server to which the volume attaches.', required: true },
    volume_id: { type: 'string', description: 'The ID of the volume to be attached.', required: true, constraints: [{ custom_constraint: 'cinder.volume' }] },
    mountpoint: { type: 'string', description: 'The location where the volume is exposed on the instance. This assignment may not be honored and it is advised that the path /dev/disk/by-id/virtio-<VolumeId> be used instead.' },
  },
  attributes: {},
  async create(ctx, props) {
    const volume = (await cinderOf(ctx).lookupVolume(ctx.caller, String(props['volume_id']))) ?? String(props['volume_id']);
    ctx.data['server'] = String(props['instance_uuid']);
    ctx.data['volume'] = volume;
    const a = await ctx.compute.attachVolume(ctx.caller, String(props['instance_uuid']), volume, (props['mountpoint'] as string | undefined) ?? null);
    return String(a['id']);
  },
  checkCreate: (ctx, id) => volumeReached(ctx, id!, 'in-use'),
  async delete(ctx, id) {
    if (!id) return;
    try {
      await ctx.compute.detachVolume(ctx.caller, String(ctx.data['server']), id);
    } catch (e) {
      if (!isGone(e)) throw e;
    }
  },
  async checkDelete(ctx, id) {
    if (!id) return true;
    const v = await unlessGone(() => cinderOf(ctx).showVolume(ctx.caller, id), null);
    return !v || !(v['attachments'] as { server_id: string }[]).some((a) => a.server_id === ctx.data['server']) && v['status'] !== 'detaching';
  },
  resolve: async () => null,
};
