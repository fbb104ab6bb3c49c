// Images become root filesystems: an image is unpacked once on this host — a root-filesystem
// tarball as it is; an OCI image layout (or `docker save` archive) layer by layer, whiteouts
// honoured, its config giving the default process — into a read-only lower directory shared by
// every server on it. Each server then gets an overlayfs over it (copy-on-write), or a full copy
// where overlayfs cannot be mounted. Runs tar and mount; never touches the store.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { run } from '../../../core/exec.js';
import type { ContainerProcess } from './oci-spec.js';

export interface UnpackedImage {
  /** The lower directory: the image's files. */
  rootfs: string;
  /** The image's own process (an OCI/docker config's entrypoint, cmd, env, working dir), if it has one. */
  process?: ContainerProcess;
}

interface OciConfig { config?: { Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[] | null; WorkingDir?: string } }

const unpacking = new Map<string, Promise<UnpackedImage>>();

/**
 * Unpacks `image` under `cacheDir` unless done before; concurrent or interrupted unpacks never
 * leave a half image in place. Servers booting together on one image share one unpack.
 */
export function unpackImage(cacheDir: string, image: { id: string; path: string }): Promise<UnpackedImage> {
  const key = join(cacheDir, image.id);
  let p = unpacking.get(key);
  if (!p) {
    p = unpackOnce(cacheDir, image).finally(() => unpacking.delete(key));
    unpacking.set(key, p);
  }
  return p;
}

async function unpackOnce(cacheDir: string, image: { id: string; path: string }): Promise<UnpackedImage> {
  const dir = join(cacheDir, image.id);
  if (!existsSync(join(dir, 'rootfs'))) {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${dir}.unpacking-${process.pid}-${Date.now()}`;
    try {
      mkdirSync(join(tmp, 'archive'), { recursive: true });
      await run('tar', ['-xf', image.path, '-C', join(tmp, 'archive'), '--numeric-owner']);
      const process = await assemble(join(tmp, 'archive'), join(tmp, 'rootfs'));
      if (process) writeFileSync(join(tmp, 'process.json'), JSON.stringify(process));
      rmSync(join(tmp, 'archive'), { recursive: true, force: true });
      if (!existsSync(join(dir, 'rootfs'))) { rmSync(dir, { recursive: true, force: true }); renameSync(tmp, dir); }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  const processFile = join(dir, 'process.json');
  return { rootfs: join(dir, 'rootfs'), process: existsSync(processFile) ? JSON.parse(readFileSync(processFile, 'utf8')) as ContainerProcess : undefined };
}

/** Builds `rootfs` from an unpacked archive: the archive itself, or the layers its manifest names. */
async function assemble(archive: string, rootfs: string): Promise<ContainerProcess | undefined> {
  const layout = imageLayout(archive);
  if (!layout) { renameSync(archive, rootfs); return undefined; }
  mkdirSync(rootfs, { recursive: true });
  for (const layer of layout.layers) await applyLayer(join(archive, layer), rootfs);
  const c = layout.config ? (JSON.parse(readFileSync(join(archive, layout.config), 'utf8')) as OciConfig).config : undefined;
  const args = [...(c?.Entrypoint ?? []), ...(c?.Cmd ?? [])];
  return args.length ? { args, env: c?.Env ?? [], cwd: c?.WorkingDir || '/' } : undefined;
}

/** The layer files (oldest first) and config of an OCI image layout or a `docker save` archive; undefined for a plain rootfs. */
function imageLayout(archive: string): { layers: string[]; config?: string } | undefined {
  const blob = (digest: string) => join('blobs', ...digest.split(':'));
  if (existsSync(join(archive, 'index.json')) && existsSync(join(archive, 'oci-layout'))) {
    let manifest = JSON.parse(readFileSync(join(archive, 'index.json'), 'utf8')) as { manifests?: { digest: string }[]; layers?: { digest: string }[]; config?: { digest: string } };
    // An index may point at another index (multi-platform) before a manifest.
    for (let depth = 0; manifest.manifests?.length && depth < 3; depth++) manifest = JSON.parse(readFileSync(join(archive, blob(manifest.manifests[0]!.digest)), 'utf8'));
    return { layers: (manifest.layers ?? []).map((l) => blob(l.digest)), config: manifest.config && blob(manifest.config.digest) };
  }
  if (existsSync(join(archive, 'manifest.json'))) {
    const [m] = JSON.parse(readFileSync(join(archive, 'manifest.json'), 'utf8')) as { Config?: string; Layers?: string[] }[];
    if (m?.Layers) return { layers: m.Layers, config: m.Config };
  }
  return undefined;
}

/** Applies one layer tarball (gzip or plain): its whiteouts remove what lower layers had, then its files land. */
async function applyLayer(layer: string, rootfs: string): Promise<void> {
  const names = (await run('tar', ['-tf', layer])).split('\n').filter(Boolean).map((n) => n.replace(/^\.?\//, ''));
  for (const name of names) {
    const base = basename(name);
    if (!base.startsWith('.wh.')) continue;
    const parent = join(rootfs, dirname(name));
    if (base === '.wh..wh..opq') {
      if (existsSync(parent)) for (const entry of readdirSync(parent)) rmSync(join(parent, entry), { recursive: true, force: true });
    } else {
      rmSync(join(parent, base.slice(4)), { recursive: true, force: true });
    }
  }
  await run('tar', ['-xf', layer, '-C', rootfs, '--numeric-owner', '--exclude=.wh.*', '--exclude=*/.wh.*']);
}

/** Mounts `lower` copy-on-write at `<dir>/rootfs` (upper and work beside it); copies it where overlayfs is unavailable. Returns how. */
export async function mountRootfs(lower: string, dir: string): Promise<'overlay' | 'copy'> {
  const [upper, work, rootfs] = ['upper', 'work', 'rootfs'].map((d) => join(dir, d)) as [string, string, string];
  for (const d of [upper, work, rootfs]) mkdirSync(d, { recursive: true });
  if (isMounted(rootfs)) return 'overlay';
  if (existsSync(join(dir, 'copied'))) return 'copy';
  try {
    await run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, rootfs]);
    return 'overlay';
  } catch {
    await run('cp', ['-a', `${lower}/.`, rootfs]);
    writeFileSync(join(dir, 'copied'), '');
    return 'copy';
  }
}

/** Mounts a volume's file system (boot from volume) at `<dir>/rootfs`; the device is kept beside it for a restart. */
export async function mountRootDevice(device: string, dir: string): Promise<'overlay'> {
  const rootfs = join(dir, 'rootfs');
  mkdirSync(rootfs, { recursive: true });
  writeFileSync(join(dir, 'root-device'), device);
  if (!isMounted(rootfs)) await run('mount', [device, rootfs]);
  return 'overlay';
}

export async function unmountRootfs(dir: string): Promise<void> {
  const rootfs = join(dir, 'rootfs');
  if (isMounted(rootfs)) await run('umount', ['-l', rootfs]);
}

function isMounted(path: string): boolean {
  return readFileSync('/proc/self/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === path);
}
