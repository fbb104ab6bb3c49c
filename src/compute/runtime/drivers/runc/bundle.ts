// A server's bundle on disk: the image unpacked once per image (shared, read-only lower layer),
// the server's copy-on-write layer over it (overlayfs; a full copy where overlayfs cannot mount),
// and the files that carry the server's identity in: hostname, hosts, the keypair's public key,
// user data and a config-drive-like meta_data.json.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ServerSpec } from '../../driver.js';

const run = promisify(execFile);

/** Unpacks in flight, per image: servers booting together from one image share one unpack. */
const unpacking = new Map<string, Promise<string>>();

/**
 * Unpacks an image tarball into `<imagesDir>/<id>` once (into a temp dir, then renamed): a
 * lower layer, once there, is never replaced — servers' overlays sit on it.
 */
export function unpackImage(imagesDir: string, spec: ServerSpec['image']): Promise<string> {
  const key = join(imagesDir, spec.id);
  let p = unpacking.get(key);
  if (!p) {
    p = unpackOnce(imagesDir, spec).finally(() => unpacking.delete(key));
    unpacking.set(key, p);
  }
  return p;
}

async function unpackOnce(imagesDir: string, spec: ServerSpec['image']): Promise<string> {
  const dir = join(imagesDir, spec.id);
  if (existsSync(join(dir, '.ready'))) return join(dir, 'rootfs');
  if (spec.containerFormat === 'docker' || spec.containerFormat === 'oci') {
    throw new Error(`Image ${spec.id}: OCI image layouts (container_format ${spec.containerFormat}) are not supported by the runc runtime yet; use a root filesystem tarball (bare)`);
  }
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(join(tmp, 'rootfs'), { recursive: true });
  try {
    await run('tar', ['-xpf', spec.path, '-C', join(tmp, 'rootfs'), '--numeric-owner'], { maxBuffer: 1 << 20 });
    if (!existsSync(join(tmp, 'rootfs', 'bin', 'sh'))) throw new Error(`Image ${spec.id} has no /bin/sh: it is not a root filesystem Pier can start`);
    writeFileSync(join(tmp, '.ready'), '');
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    const e = err as { stderr?: string; message: string };
    throw new Error(e.stderr ? `Image ${spec.id} could not be unpacked: ${e.stderr.trim().split('\n')[0]}` : e.message);
  }
  return join(dir, 'rootfs');
}

async function isMounted(path: string): Promise<boolean> {
  return (await run('mountpoint', ['-q', path]).then(() => true, () => false));
}

/** Mounts (or copies) the server's rootfs; returns a warning when copy-on-write was unavailable. */
export async function prepareRootfs(bundle: string, lower: string): Promise<string | undefined> {
  const rootfs = join(bundle, 'rootfs');
  for (const d of ['upper', 'work', 'rootfs']) mkdirSync(join(bundle, d), { recursive: true });
  if (await isMounted(rootfs)) return undefined;
  if (existsSync(join(bundle, '.copied'))) return undefined;
  try {
    await run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${join(bundle, 'upper')},workdir=${join(bundle, 'work')}`, rootfs]);
    return undefined;
  } catch (err) {
    await run('cp', ['-a', `${lower}/.`, `${rootfs}/`]);
    writeFileSync(join(bundle, '.copied'), '');
    return `overlayfs unavailable (${((err as { stderr?: string }).stderr ?? '').trim() || 'mount failed'}): the rootfs is a full copy`;
  }
}

export async function releaseRootfs(bundle: string): Promise<void> {
  const rootfs = join(bundle, 'rootfs');
  if (existsSync(rootfs) && (await isMounted(rootfs))) await run('umount', ['-l', rootfs]).catch(() => {});
  rmSync(bundle, { recursive: true, force: true });
}

/** Writes the server's identity into its rootfs (idempotent). */
export function personalize(rootfs: string, spec: ServerSpec): void {
  const put = (path: string, text: string, mode = 0o644) => {
    const full = join(rootfs, path);
    mkdirSync(join(full, '..'), { recursive: true });
    rmSync(full, { force: true }); // an image's symlink here must not redirect the write
    writeFileSync(full, text, { mode });
    chmodSync(full, mode);
  };
  put('etc/hostname', `${spec.hostname}\n`);
  const ips = spec.ports.flatMap((p) => p.ips.map((i) => i.address));
  put('etc/hosts', `127.0.0.1 localhost\n::1 localhost\n${ips.map((ip) => `${ip} ${spec.hostname}`).join('\n')}\n`);
  if (spec.keyData) {
    mkdirSync(join(rootfs, 'root/.ssh'), { recursive: true, mode: 0o700 });
    put('root/.ssh/authorized_keys', `${spec.keyData.trim()}\n`, 0o600);
  }
  put('var/lib/pier/meta_data.json', JSON.stringify({
    uuid: spec.id, name: spec.hostname, hostname: spec.hostname, meta: spec.metadata,
    public_keys: spec.keyData ? { default: spec.keyData } : {},
  }, null, 1));
  if (spec.userData) put('var/lib/pier/user_data', Buffer.from(spec.userData, 'base64').toString(), 0o755);
}
