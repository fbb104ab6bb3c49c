// The image every new Pier has: `busybox`, a root-filesystem tarball built here from Debian's
// busybox-static (/bin/busybox and its applet links, /etc/passwd …; nothing downloaded),
// registered once, public, owned by the admin project. A deleted one stays deleted.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { isoSeconds, newUuid } from '../core/ids.js';
import { isUniqueViolation, type Store } from '../store/index.js';
import { removeImageFile, writeImageFile } from './data.js';
import { tarChunks, type TarEntry } from './tar.js';

const BUSYBOX = '/bin/busybox';
export const SEED_NAME = 'busybox';

function rootfsEntries(binary: Buffer, applets: string[]): TarEntry[] {
  const dirs = ['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'etc', 'root', 'home', 'tmp', 'proc', 'sys', 'dev', 'run', 'var', 'var/log', 'root/.ssh'];
  const entries: TarEntry[] = dirs.map((path) => ({ kind: 'dir', path, mode: path === 'tmp' ? 0o1777 : path.startsWith('root') ? 0o700 : 0o755 }));
  entries.push({ kind: 'file', path: 'bin/busybox', data: binary, mode: 0o755 });
  for (const a of applets) if (a !== 'bin/busybox') entries.push({ kind: 'symlink', path: a, target: '/bin/busybox' });
  const text = (path: string, s: string): TarEntry => ({ kind: 'file', path, data: Buffer.from(s) });
  entries.push(
    text('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n'),
    text('etc/group', 'root:x:0:\nnogroup:x:65534:\n'),
    text('etc/shadow', 'root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n'),
    text('etc/os-release', 'NAME="Pier busybox"\nID=busybox\nPRETTY_NAME="Pier busybox (Debian busybox-static)"\n'),
    text('etc/hosts', '127.0.0.1 localhost\n::1 localhost\n'),
  );
  return entries;
}

/** The busybox root filesystem as a tarball (also what `docker import` takes); undefined without busybox-static. */
export function busyboxRootfs(): Readable | undefined {
  if (!existsSync(BUSYBOX)) return undefined;
  const applets = execFileSync(BUSYBOX, ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  return Readable.from(tarChunks(rootfsEntries(readFileSync(BUSYBOX), applets)));
}

/** Registers the busybox image unless it was registered before (by any process on this store). */
export async function seedBusybox(store: Store, dataDir: string, logger: Logger): Promise<void> {
  if (await store.db.selectFrom('image_seeds').select('name').where('name', '=', SEED_NAME).executeTakeFirst()) return;
  const rootfs = busyboxRootfs();
  if (!rootfs) {
    logger.warn(`${BUSYBOX} not found (Debian package busybox-static): no busybox image registered`);
    return;
  }
  const id = newUuid();
  const data = await writeImageFile(dataDir, id, rootfs);
  const admin = await store.db.selectFrom('projects').select('id').where('name', '=', 'admin').executeTakeFirst();
  const now = isoSeconds();
  try {
    await store.tx(async (tx) => {
      await tx.db.insertInto('image_seeds').values({ name: SEED_NAME, image_id: id, created_at: now }).execute();
      await tx.db.insertInto('images').values({
        id, name: SEED_NAME, status: 'active', visibility: 'public', protected: 0, os_hidden: 0,
        checksum: data.checksum, os_hash_algo: 'sha512', os_hash_value: data.os_hash_value, size: data.size, virtual_size: null,
        min_disk: 0, min_ram: 0, disk_format: 'raw', container_format: 'bare', owner: admin?.id ?? null,
        properties: JSON.stringify({ os_type: 'linux', os_distro: 'busybox', hw_architecture: process.arch === 'x64' ? 'x86_64' : process.arch }),
        tags: '[]', created_at: now, updated_at: now,
      }).execute();
      await tx.emit({ resource: 'image', id, action: 'create', projectId: admin?.id ?? null });
    });
  } catch (err) {
    removeImageFile(dataDir, id);
    if (!isUniqueViolation(err)) throw err; // another process seeded it meanwhile
  }
}
