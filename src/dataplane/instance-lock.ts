// One Pier per dataplane namespace on a host: the namespace's lock file under /run/pier names the
// process (and data dir) that owns it, so a second instance refuses to start instead of removing
// the first one's bridges, routers and ports in its startup diff-sync.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

export const LOCK_DIR = '/run/pier';

export interface InstanceLock { release(): void }

/** Takes `namespace`'s lock for this process; throws a one-line reason when a live process holds it. */
export function lockNamespace(namespace: string, dataDir: string, dir = LOCK_DIR): InstanceLock {
  mkdirSync(dir, { recursive: true });
  const path = `${dir}/dataplane-${namespace}.lock`;
  const mine = JSON.stringify({ pid: process.pid, dataDir });
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, mine);
      closeSync(fd);
      return { release: () => { if (holder(path)?.pid === process.pid) rmSync(path, { force: true }); } };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw err;
    }
    const other = holder(path);
    if (other && alive(other.pid)) {
      throw new Error(`the dataplane namespace ${namespace} belongs to another Pier (pid ${other.pid}, data dir ${other.dataDir}); give this one its own with --dataplane-namespace`);
    }
    rmSync(path, { force: true }); // a crashed Pier's lock
  }
}

function holder(path: string): { pid: number; dataDir: string } | undefined {
  try { return JSON.parse(readFileSync(path, 'utf8')) as { pid: number; dataDir: string }; } catch { return undefined; }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}
