// Container images without a registry: a `docker save`-format archive (manifest.json, image
// config, one layer) around Debian's static busybox, which `ctr images import` reads as is.
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

const APPLETS = ['sh', 'sleep', 'echo', 'cat', 'id', 'hostname', 'ls', 'ip', 'wget', 'nc', 'ping', 'grep', 'uname'];

export interface ImageSpec {
  /** e.g. pier.test/busybox:1 */
  ref: string;
  cmd: string[];
}

/** One archive holding every image in `images`, all on the same busybox layer. */
export function busyboxArchive(work: string, images: ImageSpec[]): string {
  const root = join(work, 'image-rootfs');
  for (const d of ['bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'root', 'var/run']) mkdirSync(join(root, d), { recursive: true });
  copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
  chmodSync(join(root, 'bin/busybox'), 0o755);
  for (const a of APPLETS) symlinkSync('busybox', join(root, 'bin', a));
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\n');
  const dir = join(work, 'image-archive');
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['--numeric-owner', '-cf', join(dir, 'layer.tar'), '-C', root, '.']);
  const diffId = `sha256:${createHash('sha256').update(readFileSync(join(dir, 'layer.tar'))).digest('hex')}`;
  const manifest = images.map((img, i) => {
    const config = {
      architecture: 'amd64', os: 'linux',
      config: { Cmd: img.cmd, Env: ['PATH=/bin'], WorkingDir: '/' },
      rootfs: { type: 'layers', diff_ids: [diffId] },
    };
    writeFileSync(join(dir, `config-${i}.json`), JSON.stringify(config));
    return { Config: `config-${i}.json`, RepoTags: [img.ref], Layers: ['layer.tar'] };
  });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  const out = join(work, 'images.tar');
  execFileSync('tar', ['-cf', out, '-C', dir, '.']);
  return out;
}
