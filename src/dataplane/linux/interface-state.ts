// What the kernel shows of one interface inside a network namespace: MAC, MTU and global
// addresses. Read-only, for callers that check a plugged port against the kernel (CNI CHECK);
// it never changes anything.
import { CommandError, run } from './exec.js';

export interface InterfaceObserved {
  name: string;
  mac: string;
  mtu: number;
  /** Global addresses (no link-local ones). */
  addresses: { ip: string; prefix: number; version: 4 | 6 }[];
}

interface IpAddr { ifname: string; address: string; mtu: number; addr_info?: { family: string; local: string; prefixlen: number; scope: string }[] }

/** `ifname` inside the namespace `netns` (a name under /run/netns), or undefined when it is not there. */
export async function readInterface(netns: string, ifname: string): Promise<InterfaceObserved | undefined> {
  let out: string;
  try {
    out = await run('ip', ['-j', '-n', netns, 'addr', 'show', 'dev', ifname]);
  } catch (err) {
    if (err instanceof CommandError && /does not exist|Cannot find device|No such device/.test(err.stderr)) return undefined;
    throw err;
  }
  const [link] = JSON.parse(out || '[]') as IpAddr[];
  if (!link) return undefined;
  const addresses = (link.addr_info ?? []).filter((a) => a.scope === 'global')
    .map((a) => ({ ip: a.local, prefix: a.prefixlen, version: a.family === 'inet6' ? 6 as const : 4 as const }));
  return { name: link.ifname, mac: link.address, mtu: link.mtu, addresses };
}
