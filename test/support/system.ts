// Root-only system tests: each builds its topology in namespaces of its own (named with a
// random prefix) and removes them afterwards. Traffic goes only to those namespaces.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';

/** Fails the suite (never skips) when not root on Linux: system tests must run in CI. */
export function requireRoot(): void {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) throw new Error('system tests need root on Linux');
}

export const uniquePrefix = () => `pt${randomBytes(3).toString('hex')}`;

export function sh(cmd: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(cmd, args, { timeout: 30_000 }, (e, stdout, stderr) => done({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout, stderr }));
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Runs a command inside netns `ns` (nsenter: /sys and cgroups stay as they are). */
export const inNs = (ns: string, cmd: string, ...args: string[]) => sh('nsenter', [`--net=/run/netns/${ns}`, cmd, ...args]);

export async function pings(ns: string, ip: string, count = 1): Promise<boolean> {
  return (await inNs(ns, 'ping', '-c', String(count), '-W', '1', '-i', '0.2', ip)).code === 0;
}

/** True when a TCP connection from `ns` to ip:port is accepted (a listener must be running). */
export async function connects(ns: string, ip: string, port: number): Promise<boolean> {
  return (await inNs(ns, 'nc', '-z', '-w', '1', ip, String(port))).code === 0;
}

/** Starts `nc -lk` on `port` in `ns`; returns a stop function. */
export function listen(ns: string, port: number): () => void {
  const child = spawn('nsenter', [`--net=/run/netns/${ns}`, 'nc', '-lk', String(port)], { stdio: 'ignore' });
  return () => child.kill();
}

export class Namespaces {
  readonly made: string[] = [];
  constructor(readonly prefix: string) {}
  async add(name: string): Promise<string> {
    const full = `${this.prefix}-${name}`;
    await sh('ip', ['netns', 'add', full]);
    await inNs(full, 'ip', 'link', 'set', 'lo', 'up');
    this.made.push(full);
    return full;
  }
  async cleanup(): Promise<void> {
    for (const n of this.made.splice(0)) await sh('ip', ['netns', 'del', n]);
  }
}

/** Network namespaces whose names start with `prefix`. */
export const netnsWith = (prefix: string) => (existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith(prefix)) : []);

/** Host links whose names start with `prefix`. */
export async function hostLinksWith(prefix: string): Promise<string[]> {
  const out = JSON.parse((await sh('ip', ['-j', 'link', 'show'])).stdout) as { ifname: string }[];
  return out.map((l) => l.ifname).filter((n) => n.startsWith(prefix));
}

export async function waitFor(what: string, check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
