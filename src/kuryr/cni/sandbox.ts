// A CNI_NETNS path as the dataplane's plugging needs it: a namespace name under /run/netns.
// podman's and containerd's paths are /run/netns/<name> (or /var/run/netns/<name>) already; any
// other (/proc/<pid>/ns/net, a runtime's own bind mount) is attached under a name derived from
// the attachment's port, so DEL and GC find it again to detach it. A path of a container-host
// server's (/proc/<pid>/root/…, nested mode) is always attached: realpath would follow the magic
// link to the host's /run/netns and name a host namespace that happens to share the name.
import { existsSync, realpathSync, statSync, statfsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { attachNetns, detachNetns, netnsExists } from '../../dataplane/index.js';
import { CNI_CODES, CniError } from './errors.js';

const NSFS_MAGIC = 0x6e736673;

/** The name an attachment's namespace is attached under, when its path is not in /run/netns. */
export const attachedName = (portId: string) => `cni-pier-${portId.replaceAll('-', '').slice(0, 16)}`;

/** The /run/netns name `path` already has, if it has one. */
function ownName(path: string): string | undefined {
  let dir: string;
  try { dir = realpathSync(dirname(path)); } catch { return undefined; }
  const name = basename(path);
  return dir === '/run/netns' && netnsExists(name) ? name : undefined;
}

/**
 * The namespace name for `path`, attaching it as `attachedName(portId)` when it has none.
 * Throws the spec's invalid-environment error when `path` is not a network namespace.
 */
export async function openSandbox(path: string, portId: string, foreign = false): Promise<{ name: string; attached: boolean }> {
  let isNs = false;
  try { isNs = existsSync(path) && statfsSync(path).type === NSFS_MAGIC; } catch { /* not there */ }
  if (!isNs) throw new CniError(CNI_CODES.invalidEnvironment, 'CNI_NETNS is not a network namespace', `no network namespace at ${path}`);
  const own = foreign ? undefined : ownName(path);
  if (own) return { name: own, attached: false };
  const name = attachedName(portId);
  await attachNetns(name, path);
  return { name, attached: true };
}

/** The name `path` was given by `openSandbox` (CHECK), or undefined when it has none (any more). */
export function sandboxName(path: string, portId: string, foreign = false): string | undefined {
  const own = foreign ? undefined : ownName(path);
  if (own) return own;
  const name = attachedName(portId);
  try {
    const [a, b] = [statSync(path), statSync(`/run/netns/${name}`)];
    return a.dev === b.dev && a.ino === b.ino ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Detaches the attachment's namespace name, if `openSandbox` made one. */
export async function closeSandbox(portId: string): Promise<void> {
  await detachNetns(attachedName(portId));
}
