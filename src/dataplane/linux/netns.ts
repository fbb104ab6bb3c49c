// Network namespaces by name (/run/netns), as `ip netns` manages them.
import { existsSync, readdirSync } from 'node:fs';
import { run } from './exec.js';

/** The host namespace (Pier's own) as `ip`'s `netns` argument, for a handed-off far end. */
export const hostNetnsArg = () => String(process.pid);

export const netnsExists = (name: string) => /^[A-Za-z0-9_.-]+$/.test(name) && existsSync(`/run/netns/${name}`);

export function listNetns(): string[] {
  try { return readdirSync('/run/netns'); } catch { return []; }
}

export async function ensureNetns(name: string): Promise<void> {
  if (!netnsExists(name)) await run('ip', ['netns', 'add', name]);
}

export async function deleteNetns(name: string): Promise<void> {
  if (netnsExists(name)) await run('ip', ['netns', 'del', name]);
}
