// The cgroup v1 layout a container host is given, and taking it away: one path, the same in
// every hierarchy (kubelet's cgroupfs driver uses one path for all), under this process's memory
// cgroup (where the machine accounts Pier's memory), so the node's pods nest under the server's
// limits. Removing it kills whatever is still in the subtree and removes the cgroups its pods
// made below, children first, in the v1 hierarchies and the hybrid layout's unified one.
import { existsSync, readFileSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';

/** Mounted cgroup hierarchies under /sys/fs/cgroup (v1 ones, and the v2 `unified` one when mounted). */
export function cgroupHierarchies(): string[] {
  return readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' '))
    .filter((f) => (f[2] === 'cgroup' || f[2] === 'cgroup2') && f[1]!.startsWith(`${ROOT}/`))
    .map((f) => f[1]!.slice(ROOT.length + 1));
}

/** This process's memory cgroup ('/' when there is none). */
export function ownMemoryCgroup(): string {
  const line = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.split(':')[1] === 'memory');
  return line?.split(':')[2] || '/';
}

/** The cgroupsPath of server `id` when it is a container host. */
export const containerHostCgroup = (id: string) => join(ownMemoryCgroup(), `pier-srv-${id}`);

function pidsUnder(dir: string): number[] {
  if (!existsSync(dir)) return [];
  const own = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  return [...own, ...readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).flatMap((e) => pidsUnder(join(dir, e.name)))];
}

function rmTree(dir: string, problems: string[]): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) rmTree(join(dir, e.name), problems);
  try { rmdirSync(dir); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') problems.push(`${dir}: ${(e as Error).message}`); }
}

/** Kills every process left under `path` and removes its cgroups everywhere; returns what could not be removed. */
export async function removeCgroupTree(path: string): Promise<string[]> {
  const dirs = cgroupHierarchies().map((h) => join(ROOT, h, path));
  for (let round = 0; round < 50; round++) {
    const pids = dirs.flatMap(pidsUnder);
    if (!pids.length) break;
    for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone already */ } }
    await new Promise((r) => setTimeout(r, 100));
  }
  const problems: string[] = [];
  for (const d of dirs) rmTree(d, problems);
  return problems;
}
