// Volumes in a runc server: the bundle's `mnt` directory is the container's /mnt, bind-mounted
// into it as a slave of a shared mount on the host, so a file system mounted on the host at
// <bundle>/mnt/<name> appears in the running container at /mnt/<name> (and an unmount
// disappears from it) without entering the container. Runs mount and umount only.
import { existsSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../../core/exec.js';

/** The host side of a server's /mnt. */
export const volumesDir = (bundle: string) => join(bundle, 'mnt');

/** Mount points (host paths) as the kernel lists them, decoded. */
function mountPoints(): string[] {
  return readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => (l.split(' ')[1] ?? '').replace(/\\040/g, ' ')).filter(Boolean);
}

/** Makes <bundle>/mnt a shared mount of its own (before the container starts); done already is success. */
export async function shareVolumesDir(bundle: string): Promise<void> {
  const dir = volumesDir(bundle);
  mkdirSync(dir, { recursive: true });
  if (!mountPoints().includes(dir)) await run('mount', ['--bind', dir, dir]);
  await run('mount', ['--make-shared', dir]);
}

export async function mountVolume(bundle: string, name: string, device: string, readonly: boolean): Promise<void> {
  const target = join(volumesDir(bundle), name);
  if (mountPoints().includes(target)) return;
  if (!mountPoints().includes(volumesDir(bundle))) throw new Error('the server has no shared /mnt (it was made before volumes could be attached): reboot it');
  mkdirSync(target, { recursive: true });
  await run('mount', [...(readonly ? ['-o', 'ro'] : []), device, target]);
}

export async function unmountVolume(bundle: string, name: string): Promise<void> {
  const target = join(volumesDir(bundle), name);
  if (mountPoints().includes(target)) {
    // A process in the container may hold a file open: detached now, freed when it lets go.
    await run('umount', [target]).catch(() => run('umount', ['-l', target]));
  }
  if (existsSync(target)) { try { rmdirSync(target); } catch { /* not empty: not a mount point of ours */ } }
}

export function mountedVolumes(bundle: string): string[] {
  const prefix = `${volumesDir(bundle)}/`;
  return mountPoints().filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/')).map((p) => p.slice(prefix.length));
}

/** Unmounts every volume and the shared /mnt itself (before the bundle is removed). */
export async function unmountVolumesDir(bundle: string): Promise<void> {
  for (const name of mountedVolumes(bundle)) await unmountVolume(bundle, name);
  const dir = volumesDir(bundle);
  while (mountPoints().includes(dir)) await run('umount', ['-l', dir]);
}
