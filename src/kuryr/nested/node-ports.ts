// The container-host server's side of a nested attachment (Kuryr's nested mode): the server's
// port its pods ride on, where a path of the server's (a pod's CNI_NETNS) is on the host, and
// the pods' ports a server leaves behind when it goes.
import { readdirSync, statSync } from 'node:fs';
import type { Values } from '../../core/resource/index.js';
import type { Caller } from '../../networking/index.js';
import { CNI_CODES, CniError } from '../cni/errors.js';
import type { KuryrContext } from '../context.js';
import { DEVICE_OWNER, notFound, releaseContainerPort } from '../container-ports.js';
import { updatePairs, type AddressPair } from './address-pairs.js';
import { inNode } from './node-root.js';

/** The tag a pod's port carries with its node server's id (the node's GC and its deletion find the port by it). */
export const NODE_TAG = 'kuryr.cni.node:';

/** What Kuryr needs of the compute runtime for nested mode. */
export interface NodeRuntime {
  /** The host pid of the server's container's first process while it runs. */
  initPid(serverId: string): number | undefined;
}

/**
 * The server's port the pod rides on: its port on `networkId`, or (none given) its first one —
 * plugged into its namespace on this host either way.
 */
export async function nodePort(k: KuryrContext, caller: Caller, serverId: string, networkId?: string): Promise<Values> {
  const ports = await k.networking.list(caller, 'port', { device_id: serverId, ...(networkId ? { network_id: networkId } : {}) });
  const plugged = (await Promise.all(ports.map(async (p) => ({ p, plug: await k.plugger.plugOf(String(p.id)) }))))
    .filter((x) => x.plug).sort((a, b) => a.plug!.ifname.localeCompare(b.plug!.ifname, 'en', { numeric: true }));
  if (!plugged.length) {
    throw new CniError(CNI_CODES.invalidConfig, `server ${serverId} has no port plugged on this host${networkId ? ` on network ${networkId}` : ''}`, 'a nested pod rides on its node server\'s port on the pod\'s network');
  }
  return plugged[0]!.p;
}

/** `path` of the server's (its mount namespace's view) as the host reaches it. */
export function nodePath(k: KuryrContext, serverId: string, path: string): string {
  const pid = k.nodes?.initPid(serverId);
  if (!pid) throw new CniError(CNI_CODES.tryAgainLater, `server ${serverId} is not running on this host`, 'its container has no process');
  return inNode(pid, path);
}

/**
 * Checks that the namespace attached as `name` for a node's pod is one of the node's own: what
 * the node's path shows now (a node that swapped a symlink between the resolution and the
 * attach would otherwise hand Pier a namespace of the host's), and none of the host's known
 * ones (the host's own, and any other under /run/netns: servers', routers', the dataplane's).
 */
export function checkNodeNamespace(k: KuryrContext, serverId: string, path: string, name: string): void {
  const id = (p: string) => { try { const st = statSync(p); return `${st.dev}:${st.ino}`; } catch { return undefined; } };
  const attached = id(`/run/netns/${name}`);
  const known = [id('/proc/1/ns/net'), ...readdirSync('/run/netns').filter((n) => n !== name).map((n) => id(`/run/netns/${n}`))];
  if (!attached || attached !== id(nodePath(k, serverId, path)) || known.includes(attached)) {
    throw new CniError(CNI_CODES.invalidEnvironment, 'CNI_NETNS is not a network namespace of this server\'s own', path);
  }
}

/** The pairs a pod's port needs on its node's port: each of its addresses, with the node port's MAC (the pod's traffic is routed by the node). */
export const pairsOf = (pod: Values, node: Values): AddressPair[] =>
  (pod.fixed_ips as { ip_address: string }[]).map((f) => ({ ip_address: f.ip_address, mac_address: String(node.mac_address) }));

/** Takes a pod port's pairs off every port of its node server (any of them may carry them). */
export async function dropPairs(k: KuryrContext, caller: Caller, serverId: string, pod: Values): Promise<void> {
  for (const p of await k.networking.list(caller, 'port', { device_id: serverId })) {
    await updatePairs(k.networking, caller, String(p.id), [], pairsOf(pod, p));
  }
}

/** Releases a nested pod's port: its pairs on the node's ports, its plug, the port; gone already is success. */
export async function releaseNestedPort(k: KuryrContext, caller: Caller, serverId: string, portId: string): Promise<void> {
  const pod = await k.networking.show(caller, 'port', portId).catch(notFound);
  if (pod) await dropPairs(k, caller, serverId, pod);
  await releaseContainerPort(k, portId);
}

/** The pods' ports of server `serverId` on this host. */
export async function nodePodPorts(k: KuryrContext, caller: Caller, serverId?: string): Promise<Values[]> {
  const ports = await k.networking.list(caller, 'port', { device_owner: DEVICE_OWNER });
  return ports.filter((p) => (p.tags as string[]).some((t) => (serverId ? t === `${NODE_TAG}${serverId}` : t.startsWith(NODE_TAG))));
}
