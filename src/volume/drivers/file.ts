// The `file` volume driver: a sparse file per volume under <dataDir>/volumes, attached through a
// loop device. Snapshots and clones are reflinks where the file system has them (btrfs, xfs),
// a sparse copy otherwise; an image is written as an ext4 file system made from its unpacked
// root filesystem (mkfs.ext4 -d: no device or mount needed). Runs losetup, mkfs and cp; never
// touches the store.
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../core/exec.js';
import type { VolumeDriver, VolumeObserved, VolumeSource } from '../driver.js';

const GIB = 1024 ** 3;
const MKFS = ['-q', '-F', '-E', 'nodiscard,lazy_itable_init=1,lazy_journal_init=1'];

export class FileDriver implements VolumeDriver {
  readonly name = 'file';
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'volumes');
  }

  volumePath = (id: string) => join(this.dir, `volume-${id}`);
  snapshotPath = (id: string) => join(this.dir, `snapshot-${id}`);

  async create(id: string, sizeGb: number, source: VolumeSource): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const file = this.volumePath(id);
    if (existsSync(file)) return;
    // Made under a temporary name and renamed: a crash never leaves a half volume under its own.
    const tmp = `${file}.creating`;
    rmSync(tmp, { force: true });
    try {
      if (source.kind === 'snapshot') await copy(this.snapshotPath(source.snapshotId), tmp);
      else if (source.kind === 'volume') await copy(this.volumePath(source.volumeId), tmp);
      else writeFileSync(tmp, '');
      if (statSync(tmp).size < sizeGb * GIB) truncateSync(tmp, sizeGb * GIB);
      if (source.kind === 'image') await writeImage(source.path, tmp);
      else if (source.kind !== 'blank') await growFilesystem(tmp);
      await renameSync(tmp, file);
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  async delete(id: string): Promise<void> {
    await this.detach(id);
    rmSync(this.volumePath(id), { force: true });
  }

  async extend(id: string, sizeGb: number): Promise<void> {
    const file = this.volumePath(id);
    if (statSync(file).size < sizeGb * GIB) truncateSync(file, sizeGb * GIB);
    const device = (await loopsOf(file))[0];
    if (device) await run('losetup', ['-c', device]);
    await growFilesystem(device ?? file);
  }

  async snapshot(volumeId: string, snapshotId: string): Promise<void> {
    const target = this.snapshotPath(snapshotId);
    if (existsSync(target)) return;
    // An attached volume's file system may hold dirty pages: written out before the copy.
    if ((await loopsOf(this.volumePath(volumeId))).length) await run('sync', []);
    const tmp = `${target}.creating`;
    try {
      await copy(this.volumePath(volumeId), tmp);
      renameSync(tmp, target);
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  async deleteSnapshot(snapshotId: string): Promise<void> {
    rmSync(this.snapshotPath(snapshotId), { force: true });
  }

  async revert(volumeId: string, snapshotId: string): Promise<void> {
    const file = this.volumePath(volumeId);
    const tmp = `${file}.reverting`;
    try {
      await copy(this.snapshotPath(snapshotId), tmp);
      // A volume extended after its snapshot keeps its size (Cinder's revert does).
      const size = statSync(file).size;
      if (statSync(tmp).size < size) { truncateSync(tmp, size); await growFilesystem(tmp); }
      await renameSync(tmp, file);
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  async attach(id: string): Promise<string> {
    const file = this.volumePath(id);
    if (!existsSync(file)) throw new Error(`volume ${id} has no backing file`);
    let device = (await loopsOf(file))[0];
    if (!device) device = (await run('losetup', ['--show', '-f', file])).trim();
    // A blank volume (nothing ever written at its start) gets a file system on its first attach;
    // anything else there is never formatted over.
    if (isBlank(file)) await run('mkfs.ext4', [...MKFS, device]);
    return device;
  }

  async exportFilesystem(id: string, tarball: string): Promise<void> {
    const device = await this.attach(id);
    const dir = mkdtempSync(join(this.dir, 'export-'));
    try {
      await run('mount', ['-o', 'ro', device, dir]);
      try {
        await run('tar', ['-cf', tarball, '-C', dir, '--numeric-owner', '--exclude=./lost+found', '.']);
      } finally {
        await run('umount', [dir]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await this.detach(id);
    }
  }

  async detach(id: string): Promise<void> {
    for (const d of await loopsOf(this.volumePath(id))) await run('losetup', ['-d', d]).catch(() => {});
  }

  async observe(): Promise<VolumeObserved> {
    const names = existsSync(this.dir) ? readdirSync(this.dir) : [];
    const attached = new Map<string, string>();
    for (const l of await loops()) {
      if (!l.file.startsWith(`${this.dir}/volume-`)) continue;
      attached.set(l.file.slice(this.dir.length + 8), l.device);
    }
    return {
      volumes: names.filter((n) => /^volume-[0-9a-f-]{36}$/.test(n)).map((n) => n.slice(7)),
      snapshots: names.filter((n) => /^snapshot-[0-9a-f-]{36}$/.test(n)).map((n) => n.slice(9)),
      attached,
    };
  }
}

/** A copy that shares blocks where it can (reflink) and keeps holes where it cannot. */
const copy = (from: string, to: string) => run('cp', ['--reflink=auto', '--sparse=always', from, to]);

/** Whether the first 64 KiB of `path` are all zeros (read in-process: no probe per attach). */
function isBlank(path: string): boolean {
  const head = Buffer.alloc(65536);
  const fd = openSync(path, 'r');
  try {
    const n = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n).every((b) => b === 0);
  } finally {
    closeSync(fd);
  }
}

/** Whether `path` holds an ext4 (ext2/3/4) file system: its superblock's magic 0xEF53 at byte 1080. */
function isExt(path: string): boolean {
  const magic = Buffer.alloc(2);
  const fd = openSync(path, 'r');
  try { readSync(fd, magic, 0, 2, 1080); } finally { closeSync(fd); }
  return magic.readUInt16LE(0) === 0xef53;
}

/** Grows an ext4 file system (on a file or a device) to fill it; none there is nothing to grow. */
async function growFilesystem(target: string): Promise<void> {
  if (isExt(target)) await run('resize2fs', ['-f', target]).catch(async () => run('resize2fs', [target]));
}

/** Unpacks a root-filesystem tarball and makes it the volume's ext4 file system. */
async function writeImage(tarball: string, file: string): Promise<void> {
  const tmp = mkdtempSync(`${file}.image-`);
  try {
    await run('tar', ['-xf', tarball, '-C', tmp, '--numeric-owner']);
    await run('mkfs.ext4', [...MKFS, '-d', tmp, file]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

interface Loop { device: string; file: string }

/** Every loop device on the host and its backing file (read from sysfs: no process per look). */
async function loops(): Promise<Loop[]> {
  const out: Loop[] = [];
  const names = existsSync('/sys/block') ? readdirSync('/sys/block').filter((n) => /^loop\d+$/.test(n)) : [];
  for (const n of names) {
    try {
      const file = readFileSync(`/sys/block/${n}/loop/backing_file`, 'utf8').trim();
      if (file) out.push({ device: `/dev/${n}`, file: file.replace(/ \(deleted\)$/, '') });
    } catch { /* not bound to a file */ }
  }
  return out;
}

async function loopsOf(file: string): Promise<string[]> {
  return (await loops()).filter((l) => l.file === file).map((l) => l.device);
}
