// Names, uplinks and the wiring of one port, shared by the Linux drivers. Inside Pier's
// dataplane namespace a name need only be unique there; on the host it carries the instance's
// tag, so two Piers never collide.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { PortObserved, PortSpec } from '../driver.js';
import { ipBatch, ipJson, run } from './exec.js';

export const shortId = (id: string) => id.replaceAll('-', '').slice(0, 11);

/** Four hex characters that name this Pier instance (its dataplane namespace) on the host. */
export const instanceTag = (namespace: string) => createHash('sha1').update(namespace).digest('hex').slice(0, 4);

export const tapName = (portId: string) => `tp-${shortId(portId)}`;
export const uplinkName = (physnet: string) => `up-${physnet.slice(0, 12)}`;
export const hostUplinkName = (tag: string, physnet: string) => `pu${tag}-${physnet.slice(0, 8)}`;
/** A VXLAN device is made on the host under this name (its UDP socket stays there), then moved in. */
export const hostVxlanName = (tag: string, networkId: string) => `pvx${tag}${shortId(networkId).slice(0, 6)}`;

/** A veth from the host (optionally with an address) into the dataplane namespace, for one physical network. */
export async function createUplink(namespace: string, tag: string, physnet: string, hostAddress?: string): Promise<void> {
  const host = hostUplinkName(tag, physnet);
  await run('ip', ['link', 'del', host]).catch(() => {});
  await run('ip', ['link', 'add', host, 'type', 'veth', 'peer', 'name', uplinkName(physnet), 'netns', namespace]);
  await ipBatch(undefined, [...(hostAddress ? [`addr add ${hostAddress} dev ${host}`] : []), `link set ${host} up`]);
  await ipBatch(namespace, [`link set ${uplinkName(physnet)} up`]);
}

/**
 * This instance's links on the host: its uplinks, and any VXLAN device a kill left there before
 * it moved in (it would hold its VNI against the next network given it).
 */
export async function hostLinks(tag: string): Promise<string[]> {
  return (await ipJson<{ ifname: string }[]>(undefined, ['link', 'show'])).map((l) => l.ifname).filter((n) => n.startsWith(`pu${tag}-`) || n.startsWith(`pvx${tag}`));
}

export async function deleteHostLinks(names: string[]): Promise<void> {
  for (const l of names) await run('ip', ['link', 'del', l]).catch(() => {});
}

/** Wires one port with `wire`; on failure its veth goes (nothing half-made stays) and it reports ERROR with why. */
export async function wireOrRemove(namespace: string, p: PortSpec, log: Logger, wire: () => Promise<void>): Promise<PortObserved> {
  try {
    await wire();
    return { status: p.adminUp ? 'ACTIVE' : 'DOWN' };
  } catch (err) {
    log.warn({ err, port: p.id }, 'port wiring failed');
    await ipBatch(namespace, [`link del ${tapName(p.id)}`]).catch(() => {});
    return { status: 'ERROR', reason: (err as Error).message };
  }
}
