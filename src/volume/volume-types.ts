// Volume types: `__DEFAULT__` and the admins' own, found by id or name (private ones by the
// projects given access), extra specs, access lists. Runs in request context.
import { newUuid } from '../core/ids.js';
import { fromRow, toRow } from '../core/resource/index.js';
import type { Store, Tx } from '../store/index.js';
import { authorize, stamp, type Cinder, type CinderCaller } from './context.js';
import { volumeType as def, extraSpecs, type VolumeTypeRow } from './definitions/volume-type.js';
import { BadRequest, Conflict, NotFound, typeNameNotFound, typeNotFound, ValidationError } from './errors.js';
import { checked, envelope } from './volumes.js';

type Db = Store['db'] | Tx['db'];

export const typeOf = (row: Record<string, unknown>): VolumeTypeRow => fromRow(def, row) as VolumeTypeRow;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function mayUse(db: Db, caller: CinderCaller, t: VolumeTypeRow): Promise<boolean> {
  if (t.is_public || caller.isAdmin) return true;
  return !!(await db.selectFrom('volume_type_access').select('project_id').where('volume_type_id', '=', t.id).where('project_id', '=', caller.projectId).executeTakeFirst());
}

/** A type by id, else by name, that the caller may use. */
export async function findType(db: Db, caller: CinderCaller, ident: string): Promise<VolumeTypeRow> {
  const byId = await db.selectFrom('volume_types').selectAll().where('id', '=', ident).executeTakeFirst();
  const row = byId ?? await db.selectFrom('volume_types').selectAll().where('name', '=', ident).executeTakeFirst();
  if (!row || !(await mayUse(db, caller, typeOf(row)))) throw UUID.test(ident) ? typeNotFound(ident) : typeNameNotFound(ident);
  return typeOf(row);
}

export async function defaultType(db: Db): Promise<VolumeTypeRow> {
  return typeOf((await db.selectFrom('volume_types').selectAll().where('name', '=', '__DEFAULT__').executeTakeFirstOrThrow()));
}

export async function listTypes(c: Cinder, caller: CinderCaller, isPublic: string | undefined): Promise<VolumeTypeRow[]> {
  authorize(caller, 'volume_extension:type_get_all');
  const rows = (await c.store.db.selectFrom('volume_types').selectAll().orderBy('name').execute()).map(typeOf);
  const access = new Set((await c.store.db.selectFrom('volume_type_access').select('volume_type_id').where('project_id', '=', caller.projectId).execute()).map((r) => r.volume_type_id));
  // OpenStack: an admin sees public and private types with is_public=None; others only what they may use.
  const want = isPublic === undefined ? (caller.isAdmin ? 'all' : 'public') : /^(true|1|yes)$/i.test(isPublic) ? 'public' : /^(false|0|no)$/i.test(isPublic) ? 'private' : 'all';
  // OpenStack: "public" for a project includes the private types it was given access to.
  const shown = (t: VolumeTypeRow) => (want === 'all' ? true : want === 'public' ? t.is_public || access.has(t.id) : !t.is_public);
  return rows.filter((t) => shown(t) && (caller.isAdmin || t.is_public || access.has(t.id)));
}

export async function createType(c: Cinder, caller: CinderCaller, body: unknown): Promise<VolumeTypeRow> {
  authorize(caller, 'volume_extension:types_manage');
  const v = checked(def, envelope(body, 'volume_type'), 'create');
  const t: VolumeTypeRow = {
    id: newUuid(), name: String(v['name']).trim(), description: (v['description'] as string | null) ?? null,
    is_public: (v['os-volume-type-access:is_public'] ?? v['is_public'] ?? true) as boolean,
    extra_specs: Object.fromEntries(Object.entries(v['extra_specs'] as Record<string, unknown>).map(([k, x]) => [k, String(x)])),
    created_at: stamp(), updated_at: null,
  };
  await c.store.tx(async (tx) => {
    if (await tx.db.selectFrom('volume_types').select('id').where('name', '=', t.name).executeTakeFirst()) throw new Conflict(`Volume Type ${t.name} already exists.`, 'VolumeTypeExists');
    await tx.db.insertInto('volume_types').values(toRow(def, t) as never).execute();
    await tx.emit({ resource: 'volume_type', id: t.id, action: 'create', projectId: null });
  });
  return t;
}

export async function updateType(c: Cinder, caller: CinderCaller, id: string, body: unknown): Promise<VolumeTypeRow> {
  authorize(caller, 'volume_extension:types_manage');
  const v = checked(def, envelope(body, 'volume_type'), 'update');
  if (!Object.keys(v).length) throw new BadRequest('Specify volume type name, description, is_public or a combination thereof.', 'InvalidInput');
  const t = await findType(c.store.db, caller, id);
  if (t.name === '__DEFAULT__' && v['name'] !== undefined && v['name'] !== t.name) throw new BadRequest('The __DEFAULT__ volume type cannot be renamed.', 'InvalidVolumeType');
  const next = { ...t, ...v, updated_at: stamp() } as VolumeTypeRow;
  await c.store.tx(async (tx) => {
    if (v['name'] !== undefined && v['name'] !== t.name && await tx.db.selectFrom('volume_types').select('id').where('name', '=', String(v['name'])).executeTakeFirst()) {
      throw new Conflict(`Volume Type ${String(v['name'])} already exists.`, 'VolumeTypeExists');
    }
    await tx.db.updateTable('volume_types').set(toRow(def, { ...v, updated_at: next.updated_at }) as never).where('id', '=', t.id).execute();
    await tx.emit({ resource: 'volume_type', id: t.id, action: 'update', projectId: null });
  });
  return next;
}

export async function deleteType(c: Cinder, caller: CinderCaller, id: string): Promise<void> {
  authorize(caller, 'volume_extension:types_manage');
  const t = await findType(c.store.db, caller, id);
  if (t.name === '__DEFAULT__') throw new BadRequest('The __DEFAULT__ volume type cannot be deleted.', 'VolumeTypeDefaultDeletionError');
  await c.store.tx(async (tx) => {
    if (await tx.db.selectFrom('volumes').select('id').where('volume_type_id', '=', t.id).executeTakeFirst()) {
      throw new BadRequest(`Target volume type is still in use.`, 'VolumeTypeInUse');
    }
    await tx.db.deleteFrom('volume_types').where('id', '=', t.id).execute();
    await tx.emit({ resource: 'volume_type', id: t.id, action: 'delete', projectId: null });
  });
}

/** POST (merge) or PUT one key of a type's extra specs. */
export async function setExtraSpecs(c: Cinder, caller: CinderCaller, id: string, body: unknown, key?: string): Promise<Record<string, string>> {
  authorize(caller, key ? 'volume_extension:types_extra_specs:update' : 'volume_extension:types_extra_specs:create');
  const t = await findType(c.store.db, caller, id);
  const given = key === undefined ? (body as Record<string, unknown> | null)?.['extra_specs'] : body;
  const bad = extraSpecs.check(given);
  if (bad || given === undefined) throw new ValidationError(key === undefined ? 'extra_specs' : key, given, bad ?? "'extra_specs' is a required property");
  const specs = Object.fromEntries(Object.entries(given as Record<string, unknown>).map(([k, x]) => [k, String(x)]));
  if (key !== undefined) {
    if (Object.keys(specs).length !== 1) throw new BadRequest('Request body contains too many items.');
    if (!(key in specs)) throw new BadRequest('Request body and URI mismatch');
  }
  const next = { ...t.extra_specs, ...specs };
  await c.store.tx(async (tx) => {
    await tx.db.updateTable('volume_types').set({ extra_specs: JSON.stringify(next), updated_at: stamp() }).where('id', '=', t.id).execute();
    await tx.emit({ resource: 'volume_type', id: t.id, action: 'update', projectId: null });
  });
  return specs;
}

export async function deleteExtraSpec(c: Cinder, caller: CinderCaller, id: string, key: string): Promise<void> {
  authorize(caller, 'volume_extension:types_extra_specs:delete');
  const t = await findType(c.store.db, caller, id);
  if (!(key in t.extra_specs)) throw new NotFound(`Volume Type ${t.id} has no extra specs with key ${key}.`, 'VolumeTypeExtraSpecsNotFound');
  const next = { ...t.extra_specs };
  delete next[key];
  await c.store.tx(async (tx) => {
    await tx.db.updateTable('volume_types').set({ extra_specs: JSON.stringify(next), updated_at: stamp() }).where('id', '=', t.id).execute();
    await tx.emit({ resource: 'volume_type', id: t.id, action: 'update', projectId: null });
  });
}

export async function typeAccess(c: Cinder, caller: CinderCaller, id: string): Promise<{ volume_type_id: string; project_id: string }[]> {
  authorize(caller, 'volume_extension:volume_type_access:addProjectAccess');
  const t = await findType(c.store.db, caller, id);
  if (t.is_public) throw new NotFound(`Access list not available for public volume types.`, 'VolumeTypeAccessNotFound');
  return c.store.db.selectFrom('volume_type_access').selectAll().where('volume_type_id', '=', t.id).orderBy('project_id').execute();
}

export async function changeTypeAccess(c: Cinder, caller: CinderCaller, id: string, project: unknown, add: boolean): Promise<void> {
  authorize(caller, add ? 'volume_extension:volume_type_access:addProjectAccess' : 'volume_extension:volume_type_access:removeProjectAccess');
  if (typeof project !== 'string' || !project) throw new ValidationError(add ? 'addProjectAccess' : 'removeProjectAccess', project, "'project' is a required property");
  const t = await findType(c.store.db, caller, id);
  if (t.is_public) throw new BadRequest('Invalid volume type: Type access modification is not applicable to public volume type.', 'InvalidVolumeType');
  await c.store.tx(async (tx) => {
    const have = await tx.db.selectFrom('volume_type_access').select('project_id').where('volume_type_id', '=', t.id).where('project_id', '=', project).executeTakeFirst();
    if (add) {
      if (have) throw new Conflict(`Volume type access for ${t.id} / ${project} combination already exists.`, 'VolumeTypeAccessExists');
      await tx.db.insertInto('volume_type_access').values({ volume_type_id: t.id, project_id: project }).execute();
    } else {
      if (!have) throw new NotFound(`Volume type access not found for ${t.id} / ${project} combination.`, 'VolumeTypeAccessNotFound');
      await tx.db.deleteFrom('volume_type_access').where('volume_type_id', '=', t.id).where('project_id', '=', project).execute();
    }
    await tx.emit({ resource: 'volume_type', id: t.id, action: 'update', projectId: null });
  });
}
