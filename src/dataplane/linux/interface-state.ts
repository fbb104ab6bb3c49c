// What the kernel shows of one interface inside a network namespace: MAC, MTU, addresses and the
// routes through it (not the kernel's own connected routes). Read-only, for callers that report
// or check a plugged port (CNI results and CHECK); it never changes anything.
import { CommandError, run } from './exec.js';

export interface InterfaceObserved {
  name: string;
  mac: string;
  mtu: number;
  /** Global addresses (no link-local ones). */
  addresses: { ip: string; prefix: number; version: 4 | 6 }[];
  /** Routes out of this interface that something configured: `dst` in CIDR form, `gateway` when via one. */
  routes: { dst: string; gateway?: string }[];
}

interface IpAddr { ifname: string; address: string; mtu: number; addr_info?: { family: string; local: string; prefixlen: number; scope: string }[] }
interface IpRoute { dst: string; gateway?: string; protocol?: string; type?: string }

/** `ifname` inside the namespace `netns` (a name under /run/netns), or undefined when it is not there. */
export async function readInterface(netns: string, ifname: string): Promise<InterfaceObserved | undefined> {
  let lines: string[];
  try {
    lines = (await run('ip', ['-j', '-n', netns, '-batch', '-'], `addr show dev ${ifname}\nroute show dev ${ifname}\n`)).split('\n').filter(Boolean);
  } catch (err) {
    if (err instanceof CommandError && /does not exist|Cannot find device|No such device/.test(err.stderr)) return undefined;
    throw err;
  }
  const [link] = JSON.parse(lines[0] ?? '[]') as IpAddr[];
  if (!link) return undefined;
  const addresses = (link.addr_info ?? []).filter((a) => a.scope === 'global')
    .map((a) => ({ ip: a.local, prefix: a.prefixlen, version: a.family === 'inet6' ? 6 as const : 4 as const }));
  const routes = JSON.parse(lines[1] ?? '[]') as IpRoute[];
  if (addresses.some((a) => a.version === 6)) routes.push(...JSON.parse((await run('ip', ['-j', '-6', '-n', netns, 'route', 'show', 'dev', ifname])) || '[]') as IpRoute[]);
  return {
    name: link.ifname, mac: link.address, mtu: link.mtu, addresses,
    routes: routes.filter((r) => r.protocol !== 'kernel' && (r.type ?? 'unicast') === 'unicast').map((r) => ({
      dst: r.dst === 'default' ? (r.gateway?.includes(':') ? '::/0' : '0.0.0.0/0') : r.dst.includes('/') ? r.dst : `${r.dst}/${r.dst.includes(':') ? 128 : 32}`,
      ...(r.gateway ? { gateway: r.gateway } : {}),
    })),
  };
}
