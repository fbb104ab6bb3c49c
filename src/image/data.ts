// Image data: uploads stream to `<dataDir>/images/<id>.part` while md5 and sha512 are computed,
// then move into place and the image turns active in one transaction; a failed upload removes
// the partial file and puts the image back to `queued`. Downloads stream the file.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BadRequest, Conflict } from '../core/errors.js';
import { isoSeconds } from '../core/ids.js';
import type { Store } from '../store/index.js';
import { ImageDataMissing, InvalidStatusTransition, PolicyForbidden } from './errors.js';
import { loadImage, mayModify, type ImageCaller, type ImageRow } from './images.js';

export const imageDir = (dataDir: string) => join(dataDir, 'images');
export const imagePath = (dataDir: string, id: string) => join(imageDir(dataDir), id);

export interface StoredData { size: number; checksum: string; os_hash_value: string }

/** Streams `body` to the image's file, hashing as it goes; the file is complete or absent. */
export async function writeImageFile(dataDir: string, id: string, body: Readable): Promise<StoredData> {
  mkdirSync(imageDir(dataDir), { recursive: true });
  const part = `${imagePath(dataDir, id)}.part`;
  const md5 = createHash('md5');
  const sha512 = createHash('sha512');
  let size = 0;
  const hash = new Transform({
    transform(chunk: Buffer, _enc, done) { md5.update(chunk); sha512.update(chunk); size += chunk.length; done(null, chunk); },
  });
  try {
    await pipeline(body, hash, createWriteStream(part));
    renameSync(part, imagePath(dataDir, id));
  } catch (err) {
    rmSync(part, { force: true });
    throw err;
  }
  return { size, checksum: md5.digest('hex'), os_hash_value: sha512.digest('hex') };
}

/** `PUT /v2/images/{id}/file`: queued → saving → active, or back to queued on failure. */
export async function uploadImage(store: Store, dataDir: string, caller: ImageCaller, id: string, body: Readable): Promise<void> {
  await store.tx(async (tx) => {
    const row = await loadImage(tx, caller, id);
    if (!mayModify(caller, row)) throw new PolicyForbidden('upload_image');
    if (row.status !== 'queued') throw new InvalidStatusTransition(row.status, 'saving');
    if (!row.disk_format || !row.container_format) throw new BadRequest('Properties disk_format, container_format must be set prior to saving data.');
    await tx.db.updateTable('images').set({ status: 'saving', updated_at: isoSeconds() }).where('id', '=', id).execute();
    await tx.emit({ resource: 'image', id, action: 'update', projectId: row.owner });
  });
  let data: StoredData;
  try {
    data = await writeImageFile(dataDir, id, body);
  } catch (err) {
    await store.tx(async (tx) => {
      await tx.db.updateTable('images').set({ status: 'queued', updated_at: isoSeconds() }).where('id', '=', id).where('status', '=', 'saving').execute();
      await tx.emit({ resource: 'image', id, action: 'update' });
    });
    throw new BadRequest(`Error in store configuration or the upload was interrupted: ${(err as Error).message}`);
  }
  const activated = await store.tx(async (tx) => {
    const r = await tx.db.updateTable('images')
      .set({ status: 'active', size: data.size, virtual_size: null, checksum: data.checksum, os_hash_algo: 'sha512', os_hash_value: data.os_hash_value, updated_at: isoSeconds() })
      .where('id', '=', id).where('status', '=', 'saving').executeTakeFirst();
    await tx.emit({ resource: 'image', id, action: 'update' });
    return Number(r.numUpdatedRows) === 1;
  });
  // Deleted while uploading: its data goes too.
  if (!activated) {
    rmSync(imagePath(dataDir, id), { force: true });
    throw new Conflict(`Image ${id} could not be found after upload. The image may have been deleted during the upload.`);
  }
}

/** The stream and headers of `GET /v2/images/{id}/file`, or undefined for an image with no data (204). */
export function openImageFile(dataDir: string, row: ImageRow): { stream: Readable; size: number } | undefined {
  if (row.status !== 'active' && row.status !== 'deactivated') {
    if (row.status === 'queued') return undefined;
    throw new ImageDataMissing(row.id);
  }
  const path = imagePath(dataDir, row.id);
  let size: number;
  try { size = statSync(path).size; } catch { throw new ImageDataMissing(row.id); }
  return { stream: createReadStream(path), size };
}

export function removeImageFile(dataDir: string, id: string): void {
  rmSync(imagePath(dataDir, id), { force: true });
  rmSync(`${imagePath(dataDir, id)}.part`, { force: true });
}
