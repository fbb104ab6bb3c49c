// Glance's images: what a caller may see, create, change and delete, and how an image looks on
// the wire. Runs against the store only; image data (the file) is data.ts's.
import { newUuid, isoSeconds } from '../core/ids.js';
import type { AuthContext } from '../core/http/context.js';
import { BadRequest, Conflict, Forbidden, NotFound } from '../core/errors.js';
import type { Store, Tx } from '../store/index.js';
import { isUniqueViolation } from '../store/index.js';
import { authorize } from './policy.js';
import { ImageNotFound, ImageProtected, PolicyForbidden, ReadOnlyAttribute, ReservedAttribute, SchemaMismatch } from './errors.js';
import type { ImageTables } from './tables.js';

export type ImageRow = ImageTables['images'];

// OpenStack: Glance's default disk_formats / container_formats options.
export const DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'];
export const CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed', 'oci'];
export const VISIBILITIES = ['public', 'private', 'shared', 'community'];

/** Attributes Glance computes; a client may not set them. */
const READ_ONLY = new Set(['checksum', 'created_at', 'updated_at', 'status', 'size', 'virtual_size', 'file', 'self', 'schema', 'direct_url', 'os_hash_algo', 'os_hash_value', 'locations', 'stores']);
const RESERVED = new Set(['deleted', 'deleted_at', 'location']);
/** The core (schema) attributes a client may write. */
const CORE = new Set(['id', 'name', 'visibility', 'protected', 'os_hidden', 'min_disk', 'min_ram', 'disk_format', 'container_format', 'owner', 'tags']);

export interface ImageCaller { auth: AuthContext; isAdmin: boolean; projectId: string }

export function imageCaller(auth: AuthContext): ImageCaller {
  return { auth, isAdmin: auth.isAdmin, projectId: auth.projectId ?? '' };
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const tagsOf = (row: ImageRow): string[] => JSON.parse(row.tags) as string[];
const propsOf = (row: ImageRow): Record<string, string> => JSON.parse(row.properties) as Record<string, string>;

/** The image as Glance shows it: core attributes, then the additional properties at top level. */
export function imageView(row: ImageRow): Record<string, unknown> {
  return {
    ...propsOf(row),
    id: row.id, name: row.name, status: row.status, visibility: row.visibility, protected: row.protected === 1, os_hidden: row.os_hidden === 1,
    checksum: row.checksum, os_hash_algo: row.os_hash_algo, os_hash_value: row.os_hash_value, owner: row.owner,
    size: num(row.size), virtual_size: num(row.virtual_size), min_ram: row.min_ram, min_disk: row.min_disk,
    disk_format: row.disk_format, container_format: row.container_format, created_at: row.created_at, updated_at: row.updated_at,
    tags: tagsOf(row), self: `/v2/images/${row.id}`, file: `/v2/images/${row.id}/file`, schema: '/v2/schemas/image',
  };
}

/** The caller's membership status of a shared image, if any. */
async function memberStatus(store: Store | Tx, imageId: string, projectId: string): Promise<string | undefined> {
  const m = await store.db.selectFrom('image_members').select('status').where('image_id', '=', imageId).where('member_id', '=', projectId).executeTakeFirst();
  return m?.status;
}

export async function canSee(store: Store | Tx, caller: ImageCaller, row: ImageRow): Promise<boolean> {
  if (caller.isAdmin || row.owner === caller.projectId) return true;
  if (row.visibility === 'public' || row.visibility === 'community') return true;
  if (row.visibility === 'shared') return (await memberStatus(store, row.id, caller.projectId)) !== undefined;
  return false;
}

/** A visible image, or ImageNotFound (an invisible one is indistinguishable from a missing one). */
export async function loadImage(store: Store | Tx, caller: ImageCaller, id: string): Promise<ImageRow> {
  const row = await store.db.selectFrom('images').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !(await canSee(store, caller, row))) throw new ImageNotFound(id);
  return row;
}

/** Only the owner (or an admin) changes an image. */
export function mayModify(caller: ImageCaller, row: ImageRow): boolean {
  return caller.isAdmin || (row.owner !== null && row.owner === caller.projectId);
}

function checkValue(key: string, v: unknown): unknown {
  const bad = (why: string) => new SchemaMismatch(why);
  const show = JSON.stringify(v);
  switch (key) {
    case 'id':
      if (typeof v !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) throw bad(`${show} does not match '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$'`);
      return v.toLowerCase();
    case 'name':
      if (v !== null && typeof v !== 'string') throw bad(`${show} is not of type 'null', 'string'`);
      if (typeof v === 'string' && v.length > 255) throw bad(`${show} is too long`);
      return v;
    case 'visibility':
      if (!VISIBILITIES.includes(v as string)) throw bad(`${show} is not one of ${JSON.stringify(VISIBILITIES)}`);
      return v;
    case 'protected': case 'os_hidden':
      if (typeof v !== 'boolean') throw bad(`${show} is not of type 'boolean'`);
      return v ? 1 : 0;
    case 'min_disk': case 'min_ram':
      if (typeof v !== 'number' || !Number.isInteger(v)) throw bad(`${show} is not of type 'integer'`);
      if (v < 0) throw bad(`${show} is less than the minimum of 0`);
      return v;
    case 'disk_format': case 'container_format': {
      const allowed = key === 'disk_format' ? DISK_FORMATS : CONTAINER_FORMATS;
      if (v !== null && !allowed.includes(v as string)) throw bad(`${show} is not one of ${JSON.stringify([...allowed, null])}`);
      return v;
    }
    case 'owner':
      if (v !== null && (typeof v !== 'string' || v.length > 255)) throw bad(`${show} is not of type 'null', 'string'`);
      return v;
    case 'tags': {
      if (!Array.isArray(v)) throw bad(`${show} is not of type 'array'`);
      for (const t of v) if (typeof t !== 'string' || t.length > 255) throw bad(`${JSON.stringify(t)} is not of type 'string'`);
      return JSON.stringify([...new Set(v as string[])]);
    }
    default:
      if (typeof v !== 'string') throw bad(`${show} is not of type 'string'`);
      if (key.length > 255) throw bad(`'${key}' is too long`);
      return v;
  }
}

function refuse(key: string): void {
  if (READ_ONLY.has(key)) throw new ReadOnlyAttribute(key);
  if (RESERVED.has(key)) throw new ReservedAttribute(key);
}

function checkOwnership(caller: ImageCaller, changes: Record<string, unknown>): void {
  if (changes.visibility === 'public') authorize(caller, 'publicize_image');
  if (changes.visibility === 'community') authorize(caller, 'communitize_image');
  if ('owner' in changes && changes.owner !== caller.projectId && !caller.isAdmin) {
    throw new PolicyForbidden('modify_image');
  }
}

export async function createImage(store: Store, caller: ImageCaller, body: unknown): Promise<ImageRow> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('Body expected in request.');
  const core: Record<string, unknown> = {};
  const props: Record<string, string> = {};
  for (const [key, v] of Object.entries(body as Record<string, unknown>)) {
    refuse(key);
    const value = checkValue(key, v);
    if (CORE.has(key)) core[key] = value; else props[key] = value as string;
  }
  checkOwnership(caller, core);
  const now = isoSeconds();
  const row: ImageRow = {
    id: (core.id as string) ?? newUuid(), name: (core.name as string | null) ?? null, status: 'queued', visibility: (core.visibility as string) ?? 'shared',
    protected: (core.protected as number) ?? 0, os_hidden: (core.os_hidden as number) ?? 0, checksum: null, os_hash_algo: null, os_hash_value: null,
    size: null, virtual_size: null, min_disk: (core.min_disk as number) ?? 0, min_ram: (core.min_ram as number) ?? 0,
    disk_format: (core.disk_format as string | null) ?? null, container_format: (core.container_format as string | null) ?? null,
    owner: 'owner' in core ? (core.owner as string | null) : caller.projectId, properties: JSON.stringify(props), tags: (core.tags as string) ?? '[]',
    created_at: now, updated_at: now,
  };
  try {
    await store.tx(async (tx) => {
      await tx.db.insertInto('images').values(row).execute();
      await tx.emit({ resource: 'image', id: row.id, action: 'create', projectId: row.owner });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict(`Image with identifier ${row.id} already exists!`);
    throw err;
  }
  return row;
}

/** One JSON-patch operation (`application/openstack-images-v2.1-json-patch`). */
interface PatchOp { op: string; path: string; value?: unknown }

function parsePatch(body: unknown, v20: boolean): PatchOp[] {
  if (!Array.isArray(body)) throw new BadRequest('Request body must be a JSON array of operation objects.');
  return body.map((raw) => {
    if (raw === null || typeof raw !== 'object') throw new BadRequest('Operations must be JSON objects.');
    let o = raw as Record<string, unknown>;
    // OpenStack: v2.0's patch names the operation as the key (`{"replace": "/name", "value": …}`).
    if (v20) {
      const ops = ['add', 'remove', 'replace'].filter((k) => k in o);
      if (ops.length !== 1) throw new BadRequest('Operation objects must contain exactly one member named "add", "remove", or "replace".');
      o = { op: ops[0], path: o[ops[0]!], ...('value' in o ? { value: o.value } : {}) };
    }
    if (!['add', 'remove', 'replace'].includes(o.op as string)) throw new BadRequest(`Invalid operation: \`${String(o.op)}\`: Operation "${String(o.op)}" not supported`);
    if (typeof o.path !== 'string' || !/^\/[^/]+$/.test(o.path)) throw new BadRequest(`Invalid JSON pointer for this resource: '${String(o.path)}'`);
    if (o.op !== 'remove' && !('value' in o)) throw new BadRequest(`Operation objects must contain 'value'.`);
    return { op: o.op as string, path: o.path.slice(1).replace(/~1/g, '/').replace(/~0/g, '~'), value: o.value };
  });
}

/** `v20`: the body is v2.0's patch form (`application/openstack-images-v2.0-json-patch`). */
export async function updateImage(store: Store, caller: ImageCaller, id: string, body: unknown, v20 = false): Promise<ImageRow> {
  const ops = parsePatch(body, v20);
  return store.tx(async (tx) => {
    const row = await loadImage(tx, caller, id);
    if (!mayModify(caller, row)) throw new PolicyForbidden('modify_image');
    const changes: Record<string, unknown> = {};
    const props = propsOf(row);
    for (const { op, path, value } of ops) {
      refuse(path);
      if (CORE.has(path)) {
        if (path === 'id') throw new ReadOnlyAttribute('id');
        if (op === 'remove') throw new ReadOnlyAttribute(path);
        changes[path] = checkValue(path, value);
      } else if (op === 'remove') {
        if (!(path in props)) throw new Conflict(`Property ${path} does not exist.`);
        delete props[path];
      } else {
        if (op === 'replace' && !(path in props)) throw new Conflict(`Property ${path} does not exist.`);
        props[path] = checkValue(path, value) as string;
      }
    }
    checkOwnership(caller, changes);
    const next: ImageRow = { ...row, ...changes, properties: JSON.stringify(props), updated_at: isoSeconds() } as ImageRow;
    await tx.db.updateTable('images').set(next).where('id', '=', id).execute();
    await tx.emit({ resource: 'image', id, action: 'update', projectId: next.owner });
    return next;
  });
}

/** Deletes the row; the caller removes the data file afterwards. */
export async function deleteImage(store: Store, caller: ImageCaller, id: string): Promise<ImageRow> {
  return store.tx(async (tx) => {
    const row = await loadImage(tx, caller, id);
    if (!mayModify(caller, row)) throw new PolicyForbidden('delete_image');
    if (row.protected === 1) throw new ImageProtected(id);
    await tx.db.deleteFrom('image_members').where('image_id', '=', id).execute();
    await tx.db.deleteFrom('images').where('id', '=', id).execute();
    await tx.emit({ resource: 'image', id, action: 'delete', projectId: row.owner });
    return row;
  });
}

export async function setTag(store: Store, caller: ImageCaller, id: string, tag: string, present: boolean): Promise<void> {
  if (tag.length > 255) throw new BadRequest(`Tag '${tag.slice(0, 20)}…' is too long`);
  await store.tx(async (tx) => {
    const row = await loadImage(tx, caller, id);
    if (!mayModify(caller, row)) throw new PolicyForbidden('modify_image');
    const tags = new Set(tagsOf(row));
    if (!present && !tags.has(tag)) throw new NotFound(`Tag ${tag} not found`);
    if (present) tags.add(tag); else tags.delete(tag);
    await tx.db.updateTable('images').set({ tags: JSON.stringify([...tags]), updated_at: isoSeconds() }).where('id', '=', id).execute();
    await tx.emit({ resource: 'image', id, action: 'update', projectId: row.owner });
  });
}

/** The images a caller's default list holds (own, public, accepted shared; not hidden, no one else's community ones), newest first: Nova's image proxy. */
export async function listImageRows(store: Store, caller: ImageCaller): Promise<ImageRow[]> {
  const rows = await store.db.selectFrom('images').selectAll().where('os_hidden', '=', 0).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  const out: ImageRow[] = [];
  for (const r of rows) {
    if (r.visibility === 'community' && r.owner !== caller.projectId) continue;
    if (await canSee(store, caller, r)) out.push(r);
  }
  return out;
}

/** Replaces an image's extra properties (Nova's image metadata proxy), with the same checks as a patch. */
export async function setImageProperties(store: Store, caller: ImageCaller, id: string, props: Record<string, string>): Promise<ImageRow> {
  for (const k of Object.keys(props)) { refuse(k); if (CORE.has(k)) throw new ReservedAttribute(k); }
  return store.tx(async (tx) => {
    const row = await loadImage(tx, caller, id);
    if (!mayModify(caller, row)) throw new PolicyForbidden('modify_image');
    const next: ImageRow = { ...row, properties: JSON.stringify(props), updated_at: isoSeconds() };
    await tx.db.updateTable('images').set({ properties: next.properties, updated_at: next.updated_at }).where('id', '=', id).execute();
    await tx.emit({ resource: 'image', id, action: 'update', projectId: row.owner });
    return next;
  });
}

/** Deactivates (or reactivates) an image: its data cannot be downloaded, except by admins, while deactivated. */
export async function setActive(store: Store, caller: ImageCaller, id: string, active: boolean): Promise<void> {
  await store.tx(async (tx) => {
    const row = await loadImage(tx, caller, id);
    if (!mayModify(caller, row)) throw new PolicyForbidden(active ? 'reactivate' : 'deactivate');
    if (row.status !== 'active' && row.status !== 'deactivated') {
      throw new Forbidden(`Not allowed to ${active ? 'reactivate' : 'deactivate'} image in status '${row.status}'`);
    }
    const status = active ? 'active' : 'deactivated';
    if (row.status === status) return;
    await tx.db.updateTable('images').set({ status, updated_at: isoSeconds() }).where('id', '=', id).execute();
    await tx.emit({ resource: 'image', id, action: 'update', projectId: row.owner });
  });
}
