// The CNI commands, as kuryr-kubernetes' CNI daemon does them, over Kuryr's container ports:
// ADD makes (or finds) the attachment's port — its id derived from container id + interface, so
// a retry never makes two — plugs it and answers the spec's result; a failed ADD releases what
// it made. DEL releases (idempotently); CHECK compares port, plug and kernel; STATUS says whether
// ADD can work; GC releases this host's ports of the network that no valid attachment names.
// Nested (a call from a container-host server's socket, `node` its id): the port is the node's
// project's, on its port's network; that port carries the pod's address pair, the pod's
// interface hangs from the node's namespace (a veth it routes), and CNI_NETNS is a path of the node's.
import { ApiError } from '../../core/errors.js';
import type { Values } from '../../core/resource/index.js';
import { readInterface, type InterfaceObserved } from '../../dataplane/index.js';
import type { Caller, NetworkingKind } from '../../networking/index.js';
import type { KuryrContext } from '../context.js';
import { containerPortId, DEVICE_OWNER, ensureContainerPort, plugContainerPort, releaseContainerPort } from '../container-ports.js';
import { updatePairs } from '../nested/address-pairs.js';
import { checkNodeNamespace, NODE_TAG, nodePath, nodePort, pairsOf, releaseNestedPort } from '../nested/node-ports.js';
import { CNI_CODES, CniError } from './errors.js';
import type { CniRequest } from './request.js';
import { addResult, type AddressInfo, type CniResult } from './result.js';
import { closeSandbox, openSandbox, sandboxName } from './sandbox.js';

const NET_TAG = 'kuryr.cni.net:';
export const HOST_TAG = 'kuryr.cni.host:';

/** Runs one command; answers what the plugin prints on success (nothing for all but ADD). `node`: the calling container-host server (nested). */
export async function runCommand(k: KuryrContext, req: CniRequest, node?: string): Promise<CniResult | undefined> {
  switch (req.command) {
    case 'ADD': return add(k, req, node);
    case 'DEL': await del(k, req, node); return undefined;
    case 'CHECK': await check(k, req, node); return undefined;
    case 'STATUS': await status(k, req, node); return undefined;
    case 'GC': await gc(k, req, node); return undefined;
  }
}

/** An attachment's port id: from container and interface (and, nested, the node: two nodes' containers never share one). */
export const attachmentPortId = (containerId: string, ifname: string, node?: string) => containerPortId(containerId, node ? `${ifname}@${node}` : ifname);

/** The attachment's namespace path as the host reaches it. */
const sandboxPath = (k: KuryrContext, req: CniRequest, node?: string) => (node ? nodePath(k, node, req.netns) : req.netns);

/** The attachment's network, and (nested) the node's port it rides on. */
async function placement(k: KuryrContext, caller: Caller, req: CniRequest, node?: string): Promise<{ networkId: string; parent?: Values }> {
  const named = req.config.network ? await findId(k, caller, 'network', req.config.network) : undefined;
  if (!node) return { networkId: named! };
  const parent = await nodePort(k, caller, node, named);
  return { networkId: String(parent.network_id), parent };
}

async function add(k: KuryrContext, req: CniRequest, node?: string): Promise<CniResult> {
  const caller = await k.caller();
  const { config } = req;
  const { networkId, parent } = await placement(k, caller, req, node);
  // A nested pod's port is its node's project's: names of groups are looked up there.
  const projectId = parent ? String(parent.project_id) : undefined;
  const fixedIps = config.subnet ? [{ subnet_id: await findId(k, caller, 'subnet', config.subnet, { network_id: networkId }) }] : undefined;
  const securityGroups = config.securityGroups && await Promise.all(config.securityGroups.map((g) => findId(k, caller, 'security_group', g, projectId ? { project_id: projectId } : {})));
  const portId = attachmentPortId(req.containerId, req.ifname, node);
  const sandbox = await openSandbox(sandboxPath(k, req, node), portId, node !== undefined);
  try {
    if (node) checkNodeNamespace(k, node, req.netns, sandbox.name);
    const port = await ensureContainerPort(k, {
      id: portId, networkId, projectId, deviceId: req.containerId, name: portName(req.args), tags: portTags(req, k.host, node), fixedIps, securityGroups,
    });
    // The pod's traffic leaves through the node's port: it must let the pod's addresses through first.
    if (parent) await updatePairs(k.networking, caller, String(parent.id), pairsOf(port, parent));
    await plugContainerPort(k, portId, sandbox.name, req.ifname, parent && String(parent.id)).catch((err: unknown) => {
      throw new CniError(CNI_CODES.plugFailed, `could not plug port ${portId} into ${req.netns} as ${req.ifname}`, (err as Error).message);
    });
    // What the dataplane configured, from its own description (reading the kernel back would
    // cost a process per ADD): a driver that configures nothing leaves the subnets' prefixes.
    const side = await k.plugger.containerSide(portId);
    const plugged = { name: req.ifname, ...(side ?? { mac: String(port.mac_address), mtu: 0, addresses: [], routes: [] }) };
    return addResult(req.version, req.netns, plugged, await addressesOf(k, caller, port), config.prevResult);
  } catch (err) {
    await release(k, caller, portId, node).catch((e: unknown) => k.log.warn({ err: e, port: portId }, 'releasing the port of a failed CNI ADD failed'));
    if (sandbox.attached) await closeSandbox(portId).catch(() => {});
    throw err;
  }
}

/** Unplugs and deletes an attachment's port (nested: its pairs first); gone already is success. */
async function release(k: KuryrContext, caller: Caller, portId: string, node?: string): Promise<void> {
  if (node) await releaseNestedPort(k, caller, node, portId);
  else await releaseContainerPort(k, portId);
}

async function del(k: KuryrContext, req: CniRequest, node?: string): Promise<void> {
  const portId = attachmentPortId(req.containerId, req.ifname, node);
  try {
    await release(k, await k.caller(), portId, node);
  } finally {
    await closeSandbox(portId);
  }
}

async function check(k: KuryrContext, req: CniRequest, node?: string): Promise<void> {
  const caller = await k.caller();
  const portId = attachmentPortId(req.containerId, req.ifname, node);
  const fail = (msg: string, details = '') => new CniError(CNI_CODES.checkFailed, msg, details);
  const port = await k.networking.show(caller, 'port', portId).catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 404) throw fail(`no port for container ${req.containerId} interface ${req.ifname}`, `port ${portId} does not exist`);
    throw err;
  });
  const { networkId } = await placement(k, caller, req, node);
  if (port.network_id !== networkId) throw fail(`port ${portId} is on network ${String(port.network_id)}, not on ${req.config.network ?? networkId}`);
  if (port.status === 'ERROR') throw fail(`port ${portId} is in ERROR`);
  const name = sandboxName(sandboxPath(k, req, node), portId, node !== undefined);
  if (!name || !(await k.plugger.plugged(name)).some((p) => p.port === portId && p.ifname === req.ifname)) {
    throw fail(`port ${portId} is not plugged into ${req.netns} as ${req.ifname}`);
  }
  const seen = await readInterface(name, req.ifname);
  if (!seen) throw fail(`${req.ifname} is missing from ${req.netns}`);
  if (seen.mac.toLowerCase() !== String(port.mac_address).toLowerCase()) throw fail(`${req.ifname} has MAC ${seen.mac}, port ${portId} has ${String(port.mac_address)}`);
  const want = (port.fixed_ips as { ip_address: string }[]).map((f) => f.ip_address);
  const expected = [...want, ...prevAddresses(req, seen)];
  const missing = expected.filter((ip) => !seen.addresses.some((a) => a.ip === ip));
  if (missing.length) throw fail(`${req.ifname} in ${req.netns} lacks ${missing.join(', ')}`, `it holds ${seen.addresses.map((a) => `${a.ip}/${a.prefix}`).join(', ') || 'no address'}`);
}

/** The addresses the previous result gave this attachment's interface. */
function prevAddresses(req: CniRequest, seen: InterfaceObserved): string[] {
  const prev = req.config.prevResult as Partial<CniResult> | undefined;
  if (!prev) return [];
  const interfaces = prev.interfaces ?? [];
  return (prev.ips ?? []).filter((ip) => {
    const i = ip.interface !== undefined ? interfaces[ip.interface] : undefined;
    return i?.name === seen.name && (i.sandbox ?? '') === req.netns;
  }).map((ip) => ip.address.split('/')[0]!);
}

async function status(k: KuryrContext, req: CniRequest, node?: string): Promise<void> {
  try {
    await placement(k, await k.caller(), req, node);
  } catch (err) {
    throw new CniError(CNI_CODES.notAvailable, 'Pier cannot add containers to this network', (err as Error).message + (err instanceof CniError && err.details ? ` (${err.details})` : ''));
  }
}

async function gc(k: KuryrContext, req: CniRequest, node?: string): Promise<void> {
  const caller = await k.caller();
  const valid = new Set((req.config.validAttachments ?? []).map((a) => attachmentPortId(a.containerID, a.ifname, node)));
  // A node's GC speaks for its own pods only; the host's for the host's containers only.
  const ours = (await k.networking.list(caller, 'port', { device_owner: DEVICE_OWNER })).filter((p) => {
    const tags = p.tags as string[];
    return tags.includes(`${NET_TAG}${req.config.name}`) && tags.includes(`${HOST_TAG}${k.host}`)
      && (node ? tags.includes(`${NODE_TAG}${node}`) : !tags.some((t) => t.startsWith(NODE_TAG)));
  });
  const failures: string[] = [];
  for (const p of ours) {
    const id = String(p.id);
    if (valid.has(id)) continue;
    try {
      await release(k, caller, id, node);
      await closeSandbox(id);
    } catch (err) {
      failures.push(`port ${id}: ${(err as Error).message}`);
    }
  }
  if (failures.length) throw new CniError(CNI_CODES.networkingRefused, `could not release ${failures.length} stale port(s)`, failures.join('; '));
}

/** A Networking resource by id, or by a name that only one visible resource has. */
async function findId(k: KuryrContext, caller: Caller, kind: NetworkingKind, nameOrId: string, within: Record<string, string> = {}): Promise<string> {
  const label = kind.replace('_', ' ');
  try {
    const shown = await k.networking.show(caller, kind, nameOrId);
    if (Object.entries(within).every(([key, v]) => shown[key] === v)) return String(shown.id);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
  }
  const found = await k.networking.list(caller, kind, { ...within, name: nameOrId });
  if (found.length === 1) return String(found[0]!.id);
  const where = within.network_id ? ` on network ${within.network_id}` : '';
  if (found.length > 1) throw new CniError(CNI_CODES.invalidConfig, `more than one ${label} is named '${nameOrId}'${where}`, 'name it by id');
  throw new CniError(CNI_CODES.invalidConfig, `${label} '${nameOrId}' not found${where}`, `no ${label} with that name or id is visible to project ${caller.projectId}`);
}

/** Each of the port's addresses with its subnet's prefix, gateway and DNS servers. */
async function addressesOf(k: KuryrContext, caller: Caller, port: Values): Promise<AddressInfo[]> {
  const fixed = port.fixed_ips as { subnet_id: string; ip_address: string }[];
  const subnets = new Map(await Promise.all([...new Set(fixed.map((f) => f.subnet_id))].map(async (id) => [id, await k.networking.show(caller, 'subnet', id)] as const)));
  return fixed.map((f) => {
    const s = subnets.get(f.subnet_id)!;
    return { ip: f.ip_address, prefix: Number(String(s.cidr).split('/')[1]), gateway: (s.gateway_ip as string | null) ?? null, nameservers: (s.dns_nameservers as string[] | undefined) ?? [] };
  });
}

/** kuryr-kubernetes names a pod's port namespace/name; podman sends the container's name as K8S_POD_NAME. */
function portName(args: Record<string, string>): string {
  const [ns, pod] = [args.K8S_POD_NAMESPACE, args.K8S_POD_NAME];
  return (ns && pod ? `${ns}/${pod}` : pod ?? '').slice(0, 255);
}

/** The CNI network, host and node (GC finds its ports by them) and the pod's namespace and name. */
function portTags(req: CniRequest, host: string, node?: string): string[] {
  const tags = [`${NET_TAG}${req.config.name}`, `${HOST_TAG}${host}`, ...(node ? [`${NODE_TAG}${node}`] : [])];
  if (req.args.K8S_POD_NAMESPACE) tags.push(`k8s.pod.namespace:${req.args.K8S_POD_NAMESPACE}`);
  if (req.args.K8S_POD_NAME) tags.push(`k8s.pod.name:${req.args.K8S_POD_NAME}`);
  return tags.map((t) => t.slice(0, 255));
}
