// Container images without a registry: a `docker save`-format archive (manifest.json, image
// config, one layer) around Debian's static busybox, which `ctr images import` reads as is.
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

const APPLETS = ['sh', 'sleep', 'echo', 'cat', 'id', 'hostname', 'ls', 'ip', 'wget', 'nc', 'ping', 'grep', 'uname', 'httpd', 'mkdir', 'ps', 'env', 'head', 'tail'];

export interface ImageSpec {
  /** e.g. pier.test/busybox:1 */
  ref: string;
  cmd: string[];
  /** Default PATH=/bin */
  env?: string[];
}

/**
 * A `docker save` archive at `out` (its parts in `dir`): one layer, the tree at `root`, under
 * every image in `images`. Hashing the layer reads it once; that is its diff id.
 */
export function dockerArchive(root: string, dir: string, out: string, images: ImageSpec[]): string {
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['--numeric-owner', '-cf', join(dir, 'layer.tar'), '-C', root, '.']);
  const diffId = `sha256:${createHash('sha256').update(readFileSync(join(dir, 'layer.tar'))).digest('hex')}`;
  const manifest = images.map((img, i) => {
    const config = {
      architecture: 'amd64', os: 'linux',
      config: { Cmd: img.cmd, Env: img.env ?? ['PATH=/bin'], WorkingDir: '/' },
      rootfs: { type: 'layers', diff_ids: [diffId] },
    };
    writeFileSync(join(dir, `config-${i}.json`), JSON.stringify(config));
    return { Config: `config-${i}.json`, RepoTags: [img.ref], Layers: ['layer.tar'] };
  });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  execFileSync('tar', ['-cf', out, '-C', dir, '.']);
  return out;
}

/** One archive holding every image in `images`, all on the same busybox layer. */
export function busyboxArchive(work: string, images: ImageSpec[]): string {
  const root = join(work, 'image-rootfs');
  for (const d of ['bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'root', 'var/run', 'www']) mkdirSync(join(root, d), { recursive: true });
  copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
  chmodSync(join(root, 'bin/busybox'), 0o755);
  for (const a of APPLETS) symlinkSync('busybox', join(root, 'bin', a));
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\n');
  return dockerArchive(root, join(work, 'image-archive'), join(work, 'images.tar'), images);
}
