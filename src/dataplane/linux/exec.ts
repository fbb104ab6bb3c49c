// The dataplane's kernel tools (over core/exec.ts). Commands are batched (`ip -batch`, `nft -f`) so a
// whole change is a handful of processes, not one per object.
import { run } from '../../core/exec.js';

export { CommandError, run } from '../../core/exec.js';

/** `ip [-n ns] -batch -` over `lines`; nothing to do, nothing run. `force` goes on past failures. */
export async function ipBatch(ns: string | undefined, lines: string[], force = false): Promise<void> {
  if (!lines.length) return;
  await run('ip', [...(ns ? ['-n', ns] : []), ...(force ? ['-force'] : []), '-batch', '-'], `${lines.join('\n')}\n`).catch((err) => { if (!force) throw err; });
}

/** `ip -j [-n ns] …` parsed. */
export async function ipJson<T = any>(ns: string | undefined, args: string[]): Promise<T> {
  const out = await run('ip', ['-j', ...(ns ? ['-n', ns] : []), ...args]);
  return (out.trim() ? JSON.parse(out) : []) as T;
}

/** Runs a command inside a network namespace by path (nsenter keeps /sys and cgroups as they are). */
export function inNetns(ns: string, cmd: string, args: string[], input?: string): Promise<string> {
  return run('nsenter', [`--net=/run/netns/${ns}`, cmd, ...args], input);
}

/** Applies an nft script atomically inside `ns` (or the host namespace). */
export async function nft(ns: string | undefined, script: string): Promise<void> {
  if (!script.trim()) return;
  if (ns) await inNetns(ns, 'nft', ['-f', '-'], script);
  else await run('nft', ['-f', '-'], script);
}

export async function sysctl(ns: string | undefined, key: string, value: string): Promise<void> {
  const path = `/proc/sys/${key.replaceAll('.', '/')}`;
  if (ns) await inNetns(ns, 'sh', ['-c', `echo ${value} > ${path}`]);
  else await run('sh', ['-c', `echo ${value} > ${path}`]);
}
