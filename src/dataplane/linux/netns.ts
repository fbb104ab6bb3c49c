// Network namespaces by name (/run/netns), as `ip netns` manages them.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
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

/** Deletes the namespace; gone already (or meanwhile, by another pass) is success. */
export async function deleteNetns(name: string): Promise<void> {
  if (!netnsExists(name)) return;
  await run('ip', ['netns', 'del', name]).catch((err: unknown) => { if (netnsExists(name)) throw err; });
}

/**
 * Makes the namespace at `path` (a /proc/PID/ns/net, a runtime's own bind mount) reachable as
 * `name` under /run/netns by a bind mount, as `ip netns attach` does. Attached there already is
 * success; `detachNetns` undoes it. The namespace lives on while its processes (or mounts) do.
 */
export async function attachNetns(name: string, path: string): Promise<void> {
  const target = `/run/netns/${name}`;
  if (netnsExists(name)) {
    const [a, b] = [statSync(path), statSync(target)];
    if (a.dev === b.dev && a.ino === b.ino) return;
    await deleteNetns(name);
  }
  mkdirSync('/run/netns', { recursive: true });
  closeSync(openSync(target, 'a'));
  // Not canonicalized: mount(8) would resolve a /proc/PID/root/… path to the host's own view of it.
  await run('mount', ['--no-canonicalize', '--bind', path, target]).catch(async (err) => {
    await run('rm', ['-f', target]);
    throw err;
  });
}

/** Undoes `attachNetns` (the namespace itself stays while anything else holds it). */
export const detachNetns = deleteNetns;
