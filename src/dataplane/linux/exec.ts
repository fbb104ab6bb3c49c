// The only place that runs kernel tools. Commands are batched (`ip -batch`, `nft -f`) so a
// whole change is a handful of processes, not one per object.
import { spawn } from 'node:child_process';

export class CommandError extends Error {
  constructor(readonly command: string, readonly code: number | null, readonly stderr: string) {
    super(`${command} failed (${code}): ${stderr.trim().split('\n').slice(0, 3).join(' | ')}`);
  }
}

/** Runs `cmd args` with `input` on stdin; resolves stdout, rejects with CommandError. */
export function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    child.on('error', (e) => reject(new CommandError(`${cmd} ${args.join(' ')}`, null, e.message)));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new CommandError(`${cmd} ${args.join(' ')}`, code, err))));
    child.stdin.on('error', () => { /* the tool exited before reading its input; its exit code tells */ });
    child.stdin.end(input ?? '');
  });
}

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
