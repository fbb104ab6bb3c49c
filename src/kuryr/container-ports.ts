// A container's port: created through Networking as Kuryr's caller (device_owner compute:kuryr,
// device_id the container or endpoint), plugged into the container's namespace through the
// dataplane, and released (unplugged, deleted) — each step idempotent, because Docker and CNI
// runtimes retry, and a port's id is derived from its device so a retried create finds it.
import { createHash } from 'node:crypto';
import { ApiError } from '../core/errors.js';
import type { Values } from '../core/resource/index.js';
import type { KuryrContext } from './context.js';

export const DEVICE_OWNER = 'compute:kuryr';

export interface ContainerPortRequest {
  /** The port's id when the adapter derives it otherwise (Docker: from the network and MAC, known before the endpoint); default from `deviceId` and `slot`. */
  id?: string;
  networkId: string;
  /** The project the port belongs to, when not the caller's (a nested pod's: its node's). */
  projectId?: string;
  /** The container (CNI) or endpoint (Docker) the port is for: its `device_id`. */
  deviceId: string;
  /** Distinguishes several ports of one device (a CNI container's interfaces); part of the id. */
  slot?: string;
  name?: string;
  mac?: string;
  fixedIps?: { subnet_id?: string; ip_address?: string }[];
  securityGroups?: string[];
  tags?: string[];
}

/** A UUID derived from `key`: the same on every retry, so what an adapter made is found, never made twice. */
export function derivedUuid(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The port id a device's request gets: the same on every retry, so a create never happens twice. */
export function containerPortId(deviceId: string, slot = ''): string {
  return derivedUuid(`kuryr:${deviceId}:${slot}`);
}

/** Creates the port, or returns it when a previous try already made it. */
export async function ensureContainerPort(k: KuryrContext, req: ContainerPortRequest): Promise<Values> {
  const caller = await k.caller();
  const id = req.id ?? containerPortId(req.deviceId, req.slot);
  const existing = await k.networking.show(caller, 'port', id).catch(notFound);
  if (existing) return existing;
  const body: Record<string, unknown> = {
    network_id: req.networkId, device_owner: DEVICE_OWNER, device_id: req.deviceId,
    ...(req.projectId ? { project_id: req.projectId } : {}),
    ...(req.name !== undefined ? { name: req.name } : {}),
    ...(req.mac ? { mac_address: req.mac } : {}),
    ...(req.fixedIps ? { fixed_ips: req.fixedIps } : {}),
    ...(req.securityGroups ? { security_groups: req.securityGroups } : {}),
  };
  let port: Values;
  try {
    port = await k.networking.create(caller, 'port', body, id);
  } catch (err) {
    // Two tries at once: the other one made it.
    const again = await k.networking.show(caller, 'port', id).catch(notFound);
    if (again) return again;
    throw err;
  }
  if (req.tags?.length) port.tags = await k.networking.setTags(caller, 'port', id, req.tags);
  return port;
}

/**
 * Plugs the port into `netns` (a name under /run/netns) as `ifname` — nested on `parent`'s
 * interface when given; plugged there already is success.
 */
export async function plugContainerPort(k: KuryrContext, portId: string, netns: string, ifname: string, parent?: string): Promise<void> {
  await k.plugger.plug(portId, netns, ifname, parent);
}

/** Unplugs and deletes a port Kuryr made; gone already is success. */
export async function releaseContainerPort(k: KuryrContext, portId: string): Promise<void> {
  await k.plugger.unplug(portId);
  const caller = await k.caller();
  await k.networking.delete(caller, 'port', portId).catch(notFound);
}

/** For `.catch`: a 404 (gone already, or never there) is undefined; any other error is rethrown. */
export function notFound(err: unknown): undefined {
  if (err instanceof ApiError && err.status === 404) return undefined;
  throw err;
}
