// A nested port's far end, as both Linux drivers wire it: a macvlan (bridge mode, the port's own
// MAC) of the parent port's interface, made in the parent's namespace and moved into the pod's
// as its interface, then configured in the driver's far-end style. Nothing of it lives in the
// dataplane namespace: its frames ride the parent's veth, so the parent's host end (bridge port
// or routed tap) is where the dataplane sees and filters them.
import type { FarEndSpec, PortSpec } from '../driver.js';
import { renderFarEnd } from '../far-end.js';
import { CommandError, ipBatch, ipJson } from './exec.js';
import { shortId } from './uplinks.js';

export type NestedAttachment = Extract<PortSpec['attachment'], { kind: 'nested' }>;

/** `ports` with the nested ones last: they hang from their parents' far ends, so those are wired first. */
export const nestedLast = (ports: readonly PortSpec[]) => [...ports].sort((a, b) => Number(a.attachment.kind === 'nested') - Number(b.attachment.kind === 'nested'));

/** The macvlan's name in the parent's namespace, before it moves (unique per port, ≤ 15 characters). */
export const nestedTmpName = (portId: string) => `nv-${shortId(portId)}`;

interface LinkInfo { ifname: string; address?: string; linkinfo?: { info_kind?: string } }

async function readLink(netns: string, ifname: string): Promise<LinkInfo | undefined> {
  try {
    return (await ipJson<LinkInfo[]>(netns, ['-d', 'link', 'show', 'dev', ifname]))[0];
  } catch (err) {
    if (err instanceof CommandError && /does not exist|Cannot find device|No such device/.test(err.stderr)) return undefined;
    throw err;
  }
}

/**
 * Makes (or finds, when a macvlan with the port's MAC is there already) the port's interface in
 * its namespace and configures it as `far` says. Throws when the parent's interface is missing
 * or the name is taken by another link; whatever this call made is gone again then.
 */
export async function ensureNested(p: PortSpec, a: NestedAttachment, far: FarEndSpec): Promise<void> {
  if (!a.parent) throw new Error(`port ${p.id} is nested on a port that is not plugged into a network namespace on this host`);
  const seen = await readLink(a.netns, a.ifname);
  if (seen && (seen.linkinfo?.info_kind !== 'macvlan' || seen.address?.toLowerCase() !== p.mac.toLowerCase())) {
    throw new Error(`${a.ifname} already exists in network namespace ${a.netns}`);
  }
  let made = false;
  if (!seen) {
    const tmp = nestedTmpName(p.id);
    await ipBatch(a.parent.netns, [`link del ${tmp}`], true); // a try cut short left it behind
    await ipBatch(a.parent.netns, [`link add link ${a.parent.ifname} name ${tmp} address ${p.mac} mtu ${p.mtu} type macvlan mode bridge`]);
    try {
      await ipBatch(a.parent.netns, [`link set ${tmp} netns ${a.netns}`]);
    } catch (err) {
      await ipBatch(a.parent.netns, [`link del ${tmp}`], true);
      throw err;
    }
    await ipBatch(a.netns, [`link set ${tmp} name ${a.ifname}`]).catch(async (err) => {
      await ipBatch(a.netns, [`link del ${tmp}`], true);
      throw err;
    });
    made = true;
  }
  try {
    await ipBatch(a.netns, ['link set lo up', `link set ${a.ifname} mtu ${p.mtu} ${p.adminUp ? 'up' : 'down'}`, ...renderFarEnd(a.ifname, far, true)]);
  } catch (err) {
    if (made) await removeNested(a.netns, a.ifname);
    throw err;
  }
}

/** What a Linux driver remembers of a port it wired: where, as what, and (nested) the sub-interface to remove. */
export interface WiredPort { place: string; fingerprint: string; nested?: { netns: string; ifname: string } }

/** Wires a nested port unless `wired` says this process made it as it is now and `exists` says it is still there. */
export async function wireNested(wired: Map<string, WiredPort>, p: PortSpec, a: NestedAttachment, far: FarEndSpec, exists: boolean): Promise<void> {
  const place = `${a.netns} ${a.ifname} on ${a.parent?.port}`;
  const fingerprint = JSON.stringify([p.mac, p.mtu, p.adminUp, p.addresses]);
  const done = wired.get(p.id);
  if (exists && done?.place === place && done.fingerprint === fingerprint) return;
  if (done && done.place !== place) await forgetWired(wired, p.id);
  await ensureNested(p, a, far);
  wired.set(p.id, { place, fingerprint, nested: { netns: a.netns, ifname: a.ifname } });
}

/** Forgets a port this process wired; a nested one's sub-interface goes with it (a veth is the caller's). */
export async function forgetWired(wired: Map<string, WiredPort>, id: string): Promise<void> {
  const nested = wired.get(id)?.nested;
  wired.delete(id);
  if (nested) await removeNested(nested.netns, nested.ifname);
}

/** Removes a nested port's interface from its namespace; gone already (or the namespace) is success. */
export async function removeNested(netns: string, ifname: string): Promise<void> {
  await ipBatch(netns, [`link del ${ifname}`], true);
}
