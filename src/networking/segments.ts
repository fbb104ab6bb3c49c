// Network segments (provider attributes): validation of a requested segment and allocation of
// segmentation ids from the configured pools. The database's unique index is the final word:
// two processes picking the same id make one transaction fail and retry.
import { BadRequest } from '../core/errors.js';
import { newUuid } from '../core/ids.js';
import type { Tx } from '../store/index.js';
import type { NetworkingConfig } from './config.js';
import { InvalidInput, NoNetworkAvailable, SegmentationIdInUse } from './errors.js';

export interface Segment { network_type: string; physical_network: string | null; segmentation_id: number | null }

/** The segment a network asks for (provider attributes) or gets by default, checked but not yet allocated. */
export function requestedSegment(values: Record<string, unknown>, config: NetworkingConfig): Segment {
  const type = values['provider:network_type'] as string | undefined;
  const physnet = (values['provider:physical_network'] ?? null) as string | null;
  const segId = (values['provider:segmentation_id'] ?? null) as number | null;
  if (type === undefined) {
    if (physnet !== null || segId !== null) throw new InvalidInput('provider:physical_network specified without provider:network_type');
    return { network_type: config.tenantNetworkType, physical_network: null, segmentation_id: null };
  }
  switch (type) {
    case 'flat':
      if (!physnet) throw new InvalidInput('provider:physical_network required for flat provider network');
      if (segId !== null) throw new InvalidInput('provider:segmentation_id prohibited for flat provider network');
      if (!config.flatNetworks.includes('*') && !config.flatNetworks.includes(physnet)) throw new InvalidInput(`physical_network '${physnet}' unknown for flat provider network`);
      return { network_type: 'flat', physical_network: physnet, segmentation_id: null };
    case 'vlan':
      if (!physnet) throw new InvalidInput('provider:physical_network required for VLAN provider network');
      if (segId !== null && (segId < 1 || segId > 4094)) throw new InvalidInput(`provider:segmentation_id out of range (1 through 4094)`);
      if (segId === null && !config.vlanRanges[physnet]) throw new InvalidInput(`physical_network '${physnet}' unknown for VLAN provider network`);
      return { network_type: 'vlan', physical_network: physnet, segmentation_id: segId };
    case 'vxlan':
      if (physnet !== null) throw new InvalidInput('provider:physical_network specified for vxlan network');
      return { network_type: 'vxlan', physical_network: null, segmentation_id: segId };
    case 'local':
      if (physnet !== null || segId !== null) throw new InvalidInput('provider:physical_network and provider:segmentation_id prohibited for local provider network');
      return { network_type: 'local', physical_network: null, segmentation_id: null };
    default:
      throw new BadRequest(`Invalid input for operation: network_type value '${type}' not supported.`, 'InvalidInput');
  }
}

/** Inserts the network's segment, allocating a segmentation id when it needs one and has none. */
export async function allocateSegment(tx: Tx, networkId: string, seg: Segment, config: NetworkingConfig): Promise<Segment> {
  const used = (ids: number[]) => tx.db.selectFrom('network_segments').select('segmentation_id')
    .where('network_type', '=', seg.network_type).where((eb) => (seg.physical_network === null ? eb('physical_network', 'is', null) : eb('physical_network', '=', seg.physical_network)))
    .where('segmentation_id', 'in', ids).execute();
  let segmentation_id = seg.segmentation_id;
  if (seg.network_type === 'flat') {
    const taken = await tx.db.selectFrom('network_segments').select('id').where('network_type', '=', 'flat').where('physical_network', '=', seg.physical_network).executeTakeFirst();
    if (taken) throw new SegmentationIdInUse(`Unable to create the flat network. Physical network ${seg.physical_network} is in use.`, 'FlatNetworkInUse');
  } else if (seg.network_type === 'vlan' || seg.network_type === 'vxlan') {
    if (segmentation_id !== null) {
      if ((await used([segmentation_id])).length) {
        throw seg.network_type === 'vlan'
          ? new SegmentationIdInUse(`Unable to create the network. The VLAN ${segmentation_id} on physical network ${seg.physical_network} is in use.`, 'VlanIdInUse')
          : new SegmentationIdInUse(`Unable to create the network. The tunnel ID ${segmentation_id} is in use.`, 'TunnelIdInUse');
      }
    } else {
      const [lo, hi] = seg.network_type === 'vxlan' ? config.vxlanRange : config.vlanRanges[seg.physical_network!]!;
      segmentation_id = await pickFree(lo, hi, used);
      if (segmentation_id === null) throw new NoNetworkAvailable();
    }
  }
  const row = { id: newUuid(), network_id: networkId, network_type: seg.network_type, physical_network: seg.physical_network, segmentation_id };
  await tx.db.insertInto('network_segments').values(row).execute();
  return row;
}

/** A free id in [lo, hi]: random probes first (cheap while the pool is sparse), then a full scan. */
async function pickFree(lo: number, hi: number, used: (ids: number[]) => Promise<{ segmentation_id: number | null }[]>): Promise<number | null> {
  const size = hi - lo + 1;
  const probe = Array.from({ length: Math.min(16, size) }, () => lo + Math.floor(Math.random() * size));
  const taken = new Set((await used(probe)).map((r) => r.segmentation_id));
  const free = probe.find((id) => !taken.has(id));
  if (free !== undefined) return free;
  for (let start = lo; start <= hi; start += 1024) {
    const chunk = Array.from({ length: Math.min(1024, hi - start + 1) }, (_, i) => start + i);
    const busy = new Set((await used(chunk)).map((r) => r.segmentation_id));
    const id = chunk.find((x) => !busy.has(x));
    if (id !== undefined) return id;
  }
  return null;
}
