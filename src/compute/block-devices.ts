// block_device_mapping_v2 on server create: the volumes a server boots from (boot_index 0, an
// existing bootable volume: the container's root file system is that volume) and those it gets
// attached besides, checked before anything is made. Image-to-volume mappings are refused by
// name (Pier does not create volumes for servers yet).
import { BadRequest } from '../core/errors.js';
import type { ComputeContext, NovaCaller } from './context.js';
import { ValidationError } from './errors.js';

/** The device a server boots from (Nova's root_device_name). */
export const ROOT_DEVICE = '/dev/vda';

export interface BlockDevicePlan {
  /** The volume the server boots from. */
  root?: { volumeId: string; deleteOnTermination: boolean };
  extras: { volumeId: string; device: string | null; tag: string | null; deleteOnTermination: boolean }[];
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export async function planBlockDevices(ctx: ComputeContext, caller: NovaCaller, raw: unknown): Promise<BlockDevicePlan> {
  if (raw === undefined) return { extras: [] };
  if (!ctx.volumes) throw new BadRequest('Booting from volume is not supported by this cloud: no Block Storage service.');
  if (!Array.isArray(raw)) throw new ValidationError('block_device_mapping_v2', raw, `${JSON.stringify(raw)} is not of type 'array'`);
  const plan: BlockDevicePlan = { extras: [] };
  for (const m of raw as Record<string, unknown>[]) {
    if (!m || typeof m !== 'object') throw new ValidationError('block_device_mapping_v2', m, "is not of type 'object'");
    const source = m['source_type'];
    const dest = m['destination_type'] ?? 'volume';
    const boot = m['boot_index'] === 0 || m['boot_index'] === '0';
    const dot = m['delete_on_termination'] === true || m['delete_on_termination'] === 'True' || m['delete_on_termination'] === 'true';
    if (source === 'image' && !boot && dest === 'local') continue; // the image itself: the default root
    if (source !== 'volume' || dest !== 'volume') {
      throw new BadRequest(`Block Device Mapping is Invalid: source_type ${String(source)} with destination_type ${String(dest)} is not supported by this cloud (attach an existing volume).`);
    }
    const id = m['uuid'];
    if (typeof id !== 'string' || !UUID.test(id)) throw new ValidationError('block_device_mapping_v2/uuid', id, `'${String(id)}' is not a 'uuid'`);
    const vol = await ctx.volumes.api.findVolume(caller, id).catch(() => { throw new BadRequest(`Block Device Mapping is Invalid: failed to get volume ${id}.`); });
    if (vol.status !== 'available') throw new BadRequest(`Invalid volume: volume ${id} status must be available, but the current status is ${vol.status}.`);
    if (boot) {
      if (plan.root) throw new BadRequest('Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.');
      if (!vol.bootable) throw new BadRequest(`Block Device ${id} is not bootable.`);
      plan.root = { volumeId: id, deleteOnTermination: dot };
    } else {
      const device = typeof m['device_name'] === 'string' ? m['device_name'] : null;
      plan.extras.push({ volumeId: id, device, tag: typeof m['tag'] === 'string' ? m['tag'] : null, deleteOnTermination: dot });
    }
  }
  return plan;
}
