// The CNI commands, as kuryr-kubernetes' CNI daemon does them, over Kuryr's container ports:
// ADD makes (or finds) the attachment's port — its id derived from container id + interface, so
// a retry never makes two — plugs it and answers the spec's result; a failed ADD releases what
// it made. DEL releases (idempotently); CHECK compares port, plug and kernel; STATUS says whether
// ADD can work; GC releases this host's ports of the network that no valid attachment names.
import { ApiError } from '../../core/errors.js';
import type { Values } from '../../core/resource/index.js';
import { readInterface, type InterfaceObserved } from '../../dataplane/index.js';
import type { Caller, NetworkingKind } from '../../networking/index.js';
import type { KuryrContext } from '../context.js';
import { containerPortId, DEVICE_OWNER, ensureContainerPort, plugContainerPort, releaseContainerPort } from '../container-ports.js';
import { CNI_CODES, CniError } from './errors.js';
import type { CniRequest } from './request.js';
import { addResult, type AddressInfo, type CniResult } from './result.js';
import { closeSandbox, openSandbox, sandboxName } from './sandbox.js';

const NET_TAG = 'kuryr.cni.net:';
const HOST_TAG = 'kuryr.cni.host:';

/** Runs one command; answers what the plugin prints on success (nothing for all but ADD). */
export async function runCommand(k: KuryrContext, req: CniRequest): Promise<CniResult | undefined> {
  switch (req.command) {
    case 'ADD': return add(k, req);
    case 'DEL': await del(k, req); return undefined;
    case 'CHECK': await check(k, req); return undefined;
    case 'STATUS': await status(k, req); return undefined;
    case 'GC': await gc(k, req); return undefined;
  }
}

async function add(k: KuryrContext, req: CniRequest): Promise<CniResult> {
  const caller = await k.caller();
  const { config } = req;
  const networkId = await findId(k, caller, 'network', config.network!);
  const fixedIps = config.subnet ? [{ subnet_id: await findId(k, caller, 'subnet', config.subnet, { network_id: networkId }) }] : undefined;
  const securityGroups = config.securityGroups && await Promise.all(config.securityGroups.map((g) => findId(k, caller, 'security_group', g)));
  const portId = containerPortId(req.containerId, req.ifname);
  const sandbox = await openSandbox(req.netns, portId);
  try {
    const port = await ensureContainerPort(k, {
      networkId, deviceId: req.containerId, slot: req.ifname, name: portName(req.args), tags: portTags(req, k.host), fixedIps, securityGroups,
    });
    await plugContainerPort(k, portId, sandbox.name, req.ifname).catch((err: unknown) => {
      throw new CniError(CNI_CODES.plugFailed, `could not plug port ${portId} into ${req.netns} as ${req.ifname}`, (err as Error).message);
    });
    // What the dataplane configured, from its own description (reading the kernel back would
    // cost a process per ADD): a driver that configures nothing leaves the subnets' prefixes.
    const side = await k.plugger.containerSide(portId);
    const plugged = { name: req.ifname, ...(side ?? { mac: String(port.mac_address), mtu: 0, addresses: [], routes: [] }) };
    return addResult(req.version, req.netns, plugged, await addressesOf(k, caller, port), config.prevResult);
  } catch (err) {
    await releaseContainerPort(k, portId).catch((e: unknown) => k.log.warn({ err: e, port: portId }, 'releasing the port of a failed CNI ADD failed'));
    if (sandbox.attached) await closeSandbox(portId).catch(() => {});
    throw err;
  }
}

async function del(k: KuryrContext, req: CniRequest): Promise<void> {
  const portId = containerPortId(req.containerId, req.ifname);
  try {
    await releaseContainerPort(k, portId);
  } finally {
    await closeSandbox(portId);
  }
}

async function check(k: KuryrContext, req: CniRequest): Promise<void> {
  const caller = await k.caller();
  const portId = containerPortId(req.containerId, req.ifname);
  const fail = (msg: string, details = '') => new CniError(CNI_CODES.checkFailed, msg, details);
  const port = await k.networking.show(caller, 'port', portId).catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 404) throw fail(`no port for container ${req.containerId} interface ${req.ifname}`, `port ${portId} does not exist`);
    throw err;
  });
  const networkId = await findId(k, caller, 'network', req.config.network!);
  if (port.network_id !== networkId) throw fail(`port ${portId} is on network ${String(port.network_id)}, not on ${req.config.network}`);
  if (port.status === 'ERROR') throw fail(`port ${portId} is in ERROR`);
  const name = sandboxName(req.netns, portId);
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

async function status(k: KuryrContext, req: CniRequest): Promise<void> {
  try {
    await findId(k, await k.caller(), 'network', req.config.network!);
  } catch (err) {
    throw new CniError(CNI_CODES.notAvailable, 'Pier cannot add containers to this network', (err as Error).message + (err instanceof CniError && err.details ? ` (${err.details})` : ''));
  }
}

async function gc(k: KuryrContext, req: CniRequest): Promise<void> {
  const caller = await k.caller();
  const valid = new Set((req.config.validAttachments ?? []).map((a) => containerPortId(a.containerID, a.ifname)));
  const ours = (await k.networking.list(caller, 'port', { device_owner: DEVICE_OWNER }))
    .filter((p) => (p.tags as string[]).includes(`${NET_TAG}${req.config.name}`) && (p.tags as string[]).includes(`${HOST_TAG}${k.host}`));
  const failures: string[] = [];
  for (const p of ours) {
    const id = String(p.id);
    if (valid.has(id)) continue;
    try {
      await releaseContainerPort(k, id);
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

/** The CNI network and host (GC finds its ports by them) and the pod's namespace and name. */
function portTags(req: CniRequest, host: string): string[] {
  const tags = [`${NET_TAG}${req.config.name}`, `${HOST_TAG}${host}`];
  if (req.args.K8S_POD_NAMESPACE) tags.push(`k8s.pod.namespace:${req.args.K8S_POD_NAMESPACE}`);
  if (req.args.K8S_POD_NAME) tags.push(`k8s.pod.name:${req.args.K8S_POD_NAME}`);
  return tags.map((t) => t.slice(0, 255));
}
