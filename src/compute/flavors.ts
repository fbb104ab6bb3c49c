// Flavors: the m1.* defaults (seeded by the migration), admin create / delete, extra specs and
// the access lists of private flavors; views per microversion (description 2.55, extra_specs 2.61,
// swap as an integer 2.75).
import { BadRequest, Conflict } from '../core/errors.js';
import { newUuid } from '../core/ids.js';
import { isUniqueViolation, nowIso, type Store } from '../store/index.js';
import type { NovaCaller } from './context.js';
import { flavorNotFound, NovaNotFound, ValidationError } from './errors.js';
import { atLeast, baseUrlOf, type Asked } from './microversion.js';
import type { ComputeTables } from './tables.js';

export type FlavorRow = ComputeTables['flavors'];

const link = (req: Asked, kind: string, id: string) => [
  { rel: 'self', href: `${baseUrlOf(req)}/compute/v2.1/${kind}/${id}` },
  { rel: 'bookmark', href: `${baseUrlOf(req)}/compute/${kind}/${id}` },
];
export { link as resourceLinks };

export function flavorView(req: Asked, f: FlavorRow, detail = true): Record<string, unknown> {
  const v: Record<string, unknown> = { id: f.id, name: f.name, links: link(req, 'flavors', f.id) };
  if (atLeast(req, 2, 55)) v.description = f.description;
  if (!detail) return v;
  Object.assign(v, {
    ram: f.ram, disk: f.disk, vcpus: f.vcpus, 'OS-FLV-EXT-DATA:ephemeral': f.ephemeral, 'OS-FLV-DISABLED:disabled': f.disabled === 1,
    // OpenStack: swap 0 is "" before 2.75.
    swap: f.swap === 0 && !atLeast(req, 2, 75) ? '' : f.swap, rxtx_factor: Number(f.rxtx_factor), 'os-flavor-access:is_public': f.is_public === 1,
  });
  if (atLeast(req, 2, 61)) v.extra_specs = JSON.parse(f.extra_specs);
  return v;
}

/** The flavor as embedded in a server at 2.47+. */
export function embeddedFlavor(f: FlavorRow): Record<string, unknown> {
  return { vcpus: f.vcpus, ram: f.ram, disk: f.disk, ephemeral: f.ephemeral, swap: f.swap, original_name: f.name, extra_specs: JSON.parse(f.extra_specs) };
}

async function accessible(store: Store, caller: NovaCaller, f: FlavorRow): Promise<boolean> {
  if (f.is_public === 1 || caller.isAdmin) return true;
  return !!(await store.db.selectFrom('flavor_access').select('flavor_id').where('flavor_id', '=', f.id).where('project_id', '=', caller.projectId).executeTakeFirst());
}

export async function loadFlavor(store: Store, caller: NovaCaller, id: string): Promise<FlavorRow> {
  const f = await store.db.selectFrom('flavors').selectAll().where('id', '=', id).executeTakeFirst();
  if (!f || !(await accessible(store, caller, f))) throw flavorNotFound(id);
  return f;
}

export async function listFlavors(store: Store, caller: NovaCaller, q: Record<string, string | undefined>): Promise<FlavorRow[]> {
  let rows = await store.db.selectFrom('flavors').selectAll().execute();
  // OpenStack: the admin's default is public flavors; is_public=None (or all) shows every flavor.
  const isPublic = (q.is_public ?? '').toLowerCase();
  if (caller.isAdmin) {
    // strutils.bool_from_string's spellings (strict: anything else is a 400).
    if (['none', 'all'].includes(isPublic)) { /* every flavor */ } else if (['f', 'false', 'off', 'n', 'no', '0'].includes(isPublic)) rows = rows.filter((f) => f.is_public === 0);
    else if (['', 't', 'true', 'on', 'y', 'yes', '1'].includes(isPublic)) rows = rows.filter((f) => f.is_public === 1);
    else throw new BadRequest(`Invalid is_public filter [${q.is_public}]`);
  } else {
    const mine = new Set((await store.db.selectFrom('flavor_access').select('flavor_id').where('project_id', '=', caller.projectId).execute()).map((r) => r.flavor_id));
    rows = rows.filter((f) => f.is_public === 1 || mine.has(f.id));
  }
  for (const [key, col] of [['minRam', 'ram'], ['minDisk', 'disk']] as const) {
    const v = q[key];
    if (v === undefined) continue;
    if (!/^\d+$/.test(v)) throw new BadRequest(`Invalid ${key} filter [${v}]`);
    rows = rows.filter((f) => f[col] >= Number(v));
  }
  const sortKey = q.sort_key ?? 'flavorid';
  const dir = (q.sort_dir ?? 'asc').toLowerCase();
  const key = sortKey === 'flavorid' ? 'id' : sortKey;
  if (!['id', 'name', 'memory_mb', 'ram', 'vcpus', 'root_gb', 'disk', 'ephemeral_gb', 'swap', 'rxtx_factor', 'created_at'].includes(key)) throw new BadRequest(`Invalid sort_key: ${sortKey}`);
  if (dir !== 'asc' && dir !== 'desc') throw new BadRequest(`Invalid sort_dir: ${q.sort_dir}`);
  const col = ({ memory_mb: 'ram', root_gb: 'disk', ephemeral_gb: 'ephemeral' } as Record<string, string>)[key] ?? key;
  rows.sort((a, b) => {
    const x = (a as any)[col]; const y = (b as any)[col];
    const c = col === 'id' && /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
    return (dir === 'asc' ? c : -c) || (a.id < b.id ? -1 : 1);
  });
  if (q.marker !== undefined) {
    const at = rows.findIndex((f) => f.id === q.marker);
    if (at < 0) throw new BadRequest(`marker [${q.marker}] not found`);
    rows = rows.slice(at + 1);
  }
  if (q.limit !== undefined) {
    if (!/^\d+$/.test(q.limit)) throw new BadRequest('limit param must be an integer');
    rows = rows.slice(0, Number(q.limit));
  }
  return rows;
}

const intIn = (path: string, v: unknown, min: number, max = 2 ** 31 - 1): number => {
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new ValidationError(path, v, `${JSON.stringify(v)} is not of type 'integer', 'string'`);
  if (n < min) throw new ValidationError(path, v, `${n} is less than the minimum of ${min}`);
  if (n > max) throw new ValidationError(path, v, `${n} is greater than the maximum of ${max}`);
  return n;
};

export async function createFlavor(store: Store, req: Asked, body: unknown): Promise<FlavorRow> {
  const f = (body as { flavor?: Record<string, unknown> } | null)?.flavor;
  if (!f || typeof f !== 'object') throw new ValidationError('flavor', body, "'flavor' is a required property");
  const name = f.name;
  if (typeof name !== 'string' || !name.trim() || name.length > 255) throw new ValidationError('name', name, name === undefined ? "'name' is a required property" : 'is not a valid name');
  for (const req of ['ram', 'vcpus', 'disk']) if (f[req] === undefined) throw new ValidationError('flavor', f, `'${req}' is a required property`);
  const id = f.id === undefined || f.id === null ? newUuid() : String(f.id);
  if (!/^[\w.\- ]{1,255}$/.test(id)) throw new ValidationError('id', f.id, 'does not match the pattern');
  const allowed = new Set(['name', 'id', 'ram', 'vcpus', 'disk', 'OS-FLV-EXT-DATA:ephemeral', 'swap', 'rxtx_factor', 'os-flavor-access:is_public', ...(atLeast(req, 2, 55) ? ['description'] : [])]);
  for (const k of Object.keys(f)) if (!allowed.has(k)) throw new ValidationError('flavor', f, `Additional properties are not allowed ('${k}' was unexpected)`);
  const rxtx = f.rxtx_factor === undefined ? 1 : Number(f.rxtx_factor);
  if (!Number.isFinite(rxtx) || rxtx <= 0) throw new ValidationError('rxtx_factor', f.rxtx_factor, 'must be a positive number');
  const isPublic = f['os-flavor-access:is_public'] === undefined ? undefined : lenientBool(f['os-flavor-access:is_public']);
  if (isPublic === null) throw new ValidationError('os-flavor-access:is_public', f['os-flavor-access:is_public'], `${JSON.stringify(f['os-flavor-access:is_public'])} is not one of ${JSON.stringify(LENIENT)}`);
  const row: FlavorRow = {
    id, name: name.trim(), ram: intIn('ram', f.ram, 1), vcpus: intIn('vcpus', f.vcpus, 1), disk: intIn('disk', f.disk, 0),
    ephemeral: f['OS-FLV-EXT-DATA:ephemeral'] === undefined ? 0 : intIn('OS-FLV-EXT-DATA:ephemeral', f['OS-FLV-EXT-DATA:ephemeral'], 0),
    swap: f.swap === undefined || f.swap === '' ? 0 : intIn('swap', f.swap, 0), rxtx_factor: rxtx, is_public: isPublic === false ? 0 : 1,
    disabled: 0, description: typeof f.description === 'string' ? f.description : null, extra_specs: '{}', created_at: nowIso(),
  };
  try {
    await store.tx(async (tx) => {
      const dupName = await tx.db.selectFrom('flavors').select('id').where('name', '=', row.name).executeTakeFirst();
      if (dupName) throw new Conflict(`Flavor with name ${row.name} already exists.`);
      const dupId = await tx.db.selectFrom('flavors').select('id').where('id', '=', row.id).executeTakeFirst();
      if (dupId) throw new Conflict(`Flavor with ID ${row.id} already exists.`);
      await tx.db.insertInto('flavors').values(row).execute();
      await tx.emit({ resource: 'flavor', id: row.id, action: 'create' });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict(`Flavor with name ${row.name} already exists.`);
    throw err;
  }
  return row;
}

export async function deleteFlavor(store: Store, id: string): Promise<void> {
  await store.tx(async (tx) => {
    const r = await tx.db.deleteFrom('flavors').where('id', '=', id).executeTakeFirst();
    if (!Number(r.numDeletedRows)) throw flavorNotFound(id);
    await tx.db.deleteFrom('flavor_access').where('flavor_id', '=', id).execute();
    await tx.emit({ resource: 'flavor', id, action: 'delete' });
  });
}

/** Replaces (`merge`) or sets extra specs; returns them all. */
export async function setExtraSpecs(store: Store, id: string, specs: unknown, only?: string): Promise<Record<string, string>> {
  if (!specs || typeof specs !== 'object' || Array.isArray(specs)) throw new ValidationError('extra_specs', specs, "is not of type 'object'");
  const entries = Object.entries(specs as Record<string, unknown>);
  if (only !== undefined && (entries.length !== 1 || entries[0]![0] !== only)) throw new BadRequest('Request body and URI mismatch');
  for (const [k, v] of entries) {
    if (!/^[\w.\-:]{1,255}$/.test(k)) throw new ValidationError(`extra_specs`, k, `'${k}' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'`);
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new ValidationError(`extra_specs.${k}`, v, "is not of type 'string', 'integer', 'number', 'boolean'");
  }
  return store.tx(async (tx) => {
    const f = await tx.db.selectFrom('flavors').select('extra_specs').where('id', '=', id).executeTakeFirst();
    if (!f) throw flavorNotFound(id);
    const all = { ...JSON.parse(f.extra_specs), ...Object.fromEntries(entries.map(([k, v]) => [k, String(v)])) };
    await tx.db.updateTable('flavors').set({ extra_specs: JSON.stringify(all) }).where('id', '=', id).execute();
    await tx.emit({ resource: 'flavor', id, action: 'update' });
    return all;
  });
}

export async function deleteExtraSpec(store: Store, id: string, key: string): Promise<void> {
  await store.tx(async (tx) => {
    const f = await tx.db.selectFrom('flavors').select('extra_specs').where('id', '=', id).executeTakeFirst();
    if (!f) throw flavorNotFound(id);
    const all = JSON.parse(f.extra_specs) as Record<string, string>;
    if (!Object.hasOwn(all, key)) throw new NovaNotFound(`Flavor ${id} has no extra specs with key ${key}.`);
    delete all[key];
    await tx.db.updateTable('flavors').set({ extra_specs: JSON.stringify(all) }).where('id', '=', id).execute();
    await tx.emit({ resource: 'flavor', id, action: 'update' });
  });
}

export async function changeAccess(store: Store, id: string, project: unknown, add: boolean): Promise<void> {
  if (typeof project !== 'string' || !project) throw new ValidationError('tenant', project, "'tenant' is a required property");
  await store.tx(async (tx) => {
    const f = await tx.db.selectFrom('flavors').select(['is_public']).where('id', '=', id).executeTakeFirst();
    if (!f) throw flavorNotFound(id);
    if (f.is_public === 1) throw new Conflict(add ? 'Can not add access to a public flavor.' : 'Can not remove access from a public flavor.');
    const has = await tx.db.selectFrom('flavor_access').select('project_id').where('flavor_id', '=', id).where('project_id', '=', project).executeTakeFirst();
    if (add) {
      if (has) throw new Conflict(`Flavor access already exists for flavor ${id} and project ${project} combination.`);
      await tx.db.insertInto('flavor_access').values({ flavor_id: id, project_id: project }).execute();
    } else {
      if (!has) throw new NovaNotFound(`Flavor access not found for ${id} / ${project} combination.`);
      await tx.db.deleteFrom('flavor_access').where('flavor_id', '=', id).where('project_id', '=', project).execute();
    }
    await tx.emit({ resource: 'flavor', id, action: 'update' });
  });
}

export async function flavorAccess(store: Store, id: string): Promise<{ flavor_id: string; tenant_id: string }[]> {
  const f = await store.db.selectFrom('flavors').select('is_public').where('id', '=', id).executeTakeFirst();
  if (!f) throw flavorNotFound(id);
  // OpenStack: a 404, as Nova's flavor-access index answers it.
  if (f.is_public === 1) throw new NovaNotFound('Access list not available for public flavors.');
  const rows = await store.db.selectFrom('flavor_access').select('project_id').where('flavor_id', '=', id).orderBy('project_id').execute();
  return rows.map((r) => ({ flavor_id: id, tenant_id: r.project_id }));
}

/** Nova's `parameter_types.boolean`: true/false and these spellings of them. */
const TRUE = ['True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes'];
const FALSE = ['False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no'];
const LENIENT = [true, ...TRUE, false, ...FALSE];
/** The boolean `v` spells, or null when it is none of Nova's spellings. */
export function lenientBool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && TRUE.includes(v)) return true;
  if (typeof v === 'string' && FALSE.includes(v)) return false;
  return null;
}
