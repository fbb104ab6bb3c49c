// A nested port's far end, as both Linux drivers wire it: a veth from the parent's namespace (a
// container-host server's) to the pod's, the pod end with the port's MAC and its addresses alone
// (/32, /128) behind the parent as next hop; the parent's namespace routes each address to the
// veth and answers ARP for them on its own interface (proxy ARP; proxy NDP for IPv6). So a pod's
// traffic passes through its node's namespace — kube-proxy's rules and the node's own reach to
// its pods work as for any CNI — and reaches the network from the parent's interface, with the
// parent's MAC: the dataplane sees it at the parent's host end, admits it by the parent's allowed
// address pairs and tells the pod apart by its addresses.
import type { FarEndSpec, PortSpec } from '../driver.js';
import { LINK_LOCAL_GW, LINK_LOCAL_GW6, renderFarEnd, routedFarEnd } from '../far-end.js';
import { CommandError, inNetns, ipBatch, ipJson } from './exec.js';
import { shortId } from './uplinks.js';

export type NestedAttachment = Extract<PortSpec['attachment'], { kind: 'nested' }>;

/** `ports` with the nested ones last: they hang from their parents' namespaces, so those are wired first. */
export const nestedLast = (ports: readonly PortSpec[]) => [...ports].sort((a, b) => Number(a.attachment.kind === 'nested') - Number(b.attachment.kind === 'nested'));

/** The veth's end in the parent's namespace (unique per port, ≤ 15 characters). */
export const nestedHostName = (portId: string) => `pv-${shortId(portId)}`;
/** The pod end's name until it is renamed in the pod's namespace. */
const nestedTmpName = (portId: string) => `nv-${shortId(portId)}`;

/** How a nested port's pod end is configured, on any dataplane: its addresses alone, the parent as next hop. */
export const nestedFarEnd = (p: PortSpec): FarEndSpec => routedFarEnd(p.addresses);

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
 * Makes (or finds, when a veth with the port's MAC is there already) the port's interface in its
 * namespace, configures it, and routes its addresses in the parent's namespace. Throws when the
 * parent's interface is missing or the name is taken by another link; whatever this call made
 * is gone again then.
 */
export async function ensureNested(p: PortSpec, a: NestedAttachment): Promise<void> {
  if (!a.parent) throw new Error(`port ${p.id} is nested on a port that is not plugged into a network namespace on this host`);
  const parent = a.parent;
  const seen = await readLink(a.netns, a.ifname);
  if (seen && (seen.linkinfo?.info_kind !== 'veth' || seen.address?.toLowerCase() !== p.mac.toLowerCase())) {
    throw new Error(`${a.ifname} already exists in network namespace ${a.netns}`);
  }
  const host = nestedHostName(p.id);
  const far = nestedFarEnd(p);
  try {
    if (!seen || !(await readLink(parent.netns, host))) {
      const tmp = nestedTmpName(p.id);
      await ipBatch(parent.netns, [`link del ${host}`], true); // a try cut short left it behind
      await ipBatch(a.netns, [`link del ${a.ifname}`, `link del ${tmp}`], true);
      await ipBatch(parent.netns, [`link add ${host} mtu ${p.mtu} type veth peer name ${tmp} address ${p.mac} mtu ${p.mtu} netns ${a.netns}`]);
      await ipBatch(a.netns, [`link set ${tmp} name ${a.ifname}`]);
    }
    await ipBatch(a.netns, ['link set lo up', `link set ${a.ifname} mtu ${p.mtu} ${p.adminUp ? 'up' : 'down'}`, ...renderFarEnd(a.ifname, far, true)]);
    // The parent's side: the pod's addresses on the veth, answered for on the parent's interface.
    const v6 = p.addresses.filter((x) => x.version === 6);
    await ipBatch(parent.netns, [
      `link set ${host} up`,
      ...p.addresses.map((x) => `route replace ${x.ip}/${x.version === 4 ? 32 : 128} dev ${host}`),
      ...v6.map((x) => `neigh replace proxy ${x.ip} dev ${parent.ifname}`),
    ]);
    const sysctls = [
      'net.ipv4.ip_forward=1', `net.ipv4.conf.${parent.ifname}.proxy_arp=1`, `net.ipv4.conf.${host}.proxy_arp=1`,
      ...(v6.length ? ['net.ipv6.conf.all.forwarding=1', `net.ipv6.conf.${parent.ifname}.proxy_ndp=1`] : []),
    ];
    await inNetns(parent.netns, 'sh', ['-c', sysctls.map((s) => { const [k, v] = s.split('='); return `echo ${v} > /proc/sys/${k!.replaceAll('.', '/')}`; }).join(' && ')]);
    // The pod's next hop: its subnet's gateway is answered for by proxy ARP; a link-local stand-in is the parent's end's own.
    await ipBatch(parent.netns, far.onLink.flatMap((g) => (g === LINK_LOCAL_GW ? [`addr replace ${g}/32 dev ${host} noprefixroute`] : g === LINK_LOCAL_GW6 ? [`addr replace ${g}/64 dev ${host} nodad`] : [])));
  } catch (err) {
    await removeNested({ netns: a.netns, ifname: a.ifname, parentNetns: parent.netns, host, proxied: [] });
    throw err;
  }
}

/** What to remove of a nested port: its veth (both ends) and the parent's proxy entries. */
export interface NestedWiring { netns: string; ifname: string; parentNetns: string; host: string; proxied: { ip: string; dev: string }[] }

/** Removes a nested port's veth and proxy entries; gone already (or the namespaces) is success. */
export async function removeNested(w: NestedWiring): Promise<void> {
  await ipBatch(w.parentNetns, [`link del ${w.host}`, ...w.proxied.map((x) => `neigh del proxy ${x.ip} dev ${x.dev}`)], true);
  await ipBatch(w.netns, [`link del ${w.ifname}`], true);
}

/** What a Linux driver remembers of a port it wired: where, as what, and (nested) what to remove. */
export interface WiredPort { place: string; fingerprint: string; nested?: NestedWiring }

/** Wires a nested port unless `wired` says this process made it as it is now and `exists` says it is still there. */
export async function wireNested(wired: Map<string, WiredPort>, p: PortSpec, a: NestedAttachment, exists: boolean): Promise<void> {
  const place = `${a.netns} ${a.ifname} on ${a.parent?.port}`;
  const fingerprint = JSON.stringify([p.mac, p.mtu, p.adminUp, p.addresses]);
  const done = wired.get(p.id);
  if (exists && done?.place === place && done.fingerprint === fingerprint) return;
  if (done && done.place !== place) await forgetWired(wired, p.id);
  await ensureNested(p, a);
  wired.set(p.id, {
    place, fingerprint,
    nested: {
      netns: a.netns, ifname: a.ifname, parentNetns: a.parent!.netns, host: nestedHostName(p.id),
      proxied: p.addresses.filter((x) => x.version === 6).map((x) => ({ ip: x.ip, dev: a.parent!.ifname })),
    },
  });
}

/** Forgets a port this process wired; a nested one's veth goes with it (a dataplane veth is the caller's). */
export async function forgetWired(wired: Map<string, WiredPort>, id: string): Promise<void> {
  const nested = wired.get(id)?.nested;
  wired.delete(id);
  if (nested) await removeNested(nested);
}
