// Cluster templates: create (Magnum's checks first, nothing stored on failure), find by uuid or
// name, JSON-patch update, delete; refused while a cluster uses one. Runs in request context;
// one transaction per write.
import { newUuid } from '../core/ids.js';
import { InvalidAttribute } from '../core/errors.js';
import { checkBody, fromRow, toRow, type Attribute, type Values } from '../core/resource/index.js';
import type { Caller } from '../networking/index.js';
import { authorize, stamp, type Magnum } from './context.js';
import { clusterTemplate as def, type ClusterTemplate } from './definitions/cluster-template.js';
import { findDriver } from './drivers/registry.js';
import {
  BadRequest, ClusterTemplateNotFound, ClusterTemplatePublishDenied, ClusterTemplateReferenced, ClusterTypeNotSupported, InvalidParameterValue, MalformedBody, MultipleMatches, wsmeMessage,
} from './errors.js';
import { applyPatch } from './json-patch.js';
import { magnumPolicy } from './policy.js';
import { credentialsOf } from '../core/http/context.js';
import { validateResources } from './validate.js';

type Body = Record<string, unknown>;

/** checkBody with wsme's words for what is wrong. */
export function checked(d: Parameters<typeof checkBody>[0], body: unknown, mode: 'create' | 'update', argument: string): Values {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new MalformedBody('Body is not a JSON object');
  // WSME reads a null as an attribute not given: clients send read-only ones (cluster_distro) as null.
  const given = Object.fromEntries(Object.entries(body as Body).filter(([k, v]) => v !== null || writable(d, k, mode)));
  try {
    return checkBody(d, given, mode).values;
  } catch (e) {
    if (e instanceof InvalidAttribute) throw new BadRequest(wsmeMessage(e, body as Body, argument));
    throw e;
  }
}

const writable = (d: Parameters<typeof checkBody>[0], key: string, mode: 'create' | 'update') => {
  const a = (d.attributes as Record<string, Attribute | undefined>)[key];
  return !a || !!(mode === 'create' ? a.create : a.update);
};

export const templateOf = (row: Record<string, unknown>): ClusterTemplate => fromRow(def, row) as ClusterTemplate;

const visible = (caller: Caller, t: ClusterTemplate) =>
  caller.isAdmin || t.project_id === caller.projectId || (t.public && !t.hidden);

/** A template the caller may see, by uuid or name. */
export async function findTemplate(m: Magnum, caller: Caller, ident: string): Promise<ClusterTemplate> {
  const rows = await m.store.db.selectFrom('magnum_cluster_templates').selectAll()
    .where((eb) => eb.or([eb('uuid', '=', ident), eb('name', '=', ident)])).execute();
  const byId = rows.find((r) => r.uuid === ident);
  const seen = (byId ? [byId] : rows).map(templateOf).filter((t) => visible(caller, t));
  if (!seen.length) throw new ClusterTemplateNotFound(ident);
  if (seen.length > 1) throw new MultipleMatches(`Multiple clustertemplates exist with same name. Please use the clustertemplate uuid instead.`);
  return seen[0]!;
}

/** The (server_type, os_distro, coe) check (Magnum's ClusterTypeNotSupported), then the driver's network and volume drivers. */
function requireDriver(t: { server_type: string; coe: string; network_driver?: string | null; volume_driver?: string | null }, distro: string) {
  const driver = findDriver(t.server_type, distro, t.coe);
  if (!driver) throw new ClusterTypeNotSupported(t.server_type, distro, t.coe);
  const supported = driver.networkDrivers;
  if (supported && t.network_driver != null && !supported.includes(t.network_driver)) {
    throw new InvalidParameterValue(`Network driver type ${t.network_driver} is not supported, expecting a ${JSON.stringify(supported)} network driver.`);
  }
  if (t.volume_driver != null && !driver.volumeDrivers.includes(t.volume_driver)) {
    throw new InvalidParameterValue(`Volume driver type ${t.volume_driver} is not supported, expecting a ${JSON.stringify(driver.volumeDrivers)} volume driver.`);
  }
}

const canPublish = (caller: Caller) => magnumPolicy.check('clustertemplate:publish', credentialsOf(caller.auth), {});

export async function createTemplate(m: Magnum, caller: Caller, body: unknown): Promise<ClusterTemplate> {
  authorize(caller, 'clustertemplate:create');
  const v = checked(def, body, 'create', 'cluster_template') as ClusterTemplate;
  const distro = await validateResources(m, caller, v);
  requireDriver(v, distro);
  if ((v.public || v.hidden) && !canPublish(caller)) throw new ClusterTemplatePublishDenied();
  const now = stamp();
  const t: ClusterTemplate = {
    ...v, uuid: newUuid(), name: (v.name as string | undefined) ?? `${randomName()}-template`, project_id: caller.projectId, user_id: caller.auth.userId,
    cluster_distro: distro, driver: v.driver ?? `${v.server_type}_${distro}_${v.coe}`, created_at: now, updated_at: null,
  };
  await m.store.tx(async (tx) => {
    await tx.db.insertInto('magnum_cluster_templates').values(toRow(def, t) as never).execute();
    await tx.emit({ resource: 'clustertemplate', id: t.uuid, action: 'create', projectId: t.project_id });
  });
  return t;
}

const INTERNAL = ['uuid', 'id', 'links', 'project_id', 'user_id', 'created_at', 'updated_at', 'cluster_distro'];
const MANDATORY = ['coe', 'image_id', 'name'];

export async function updateTemplate(m: Magnum, caller: Caller, ident: string, patch: unknown): Promise<ClusterTemplate> {
  // The body's shape is checked before the lookup, as WSME does before the controller runs.
  if (!Array.isArray(patch)) throw new BadRequest('Invalid input for field/attribute patch. Value: \'\'. Expected a list of patch operations');
  const t = await findTemplate(m, caller, ident);
  authorize(caller, 'clustertemplate:update', { project_id: t.project_id });
  const before = viewValues(t);
  const after = applyPatch(before, patch, { internal: INTERNAL, mandatory: MANDATORY });
  const changed: Body = {};
  for (const [k, v] of Object.entries(after)) if (JSON.stringify(v) !== JSON.stringify(before[k])) changed[k] = v;
  for (const k of Object.keys(before)) if (!(k in after)) changed[k] = (def.attributes as Record<string, Attribute>)[k]?.default ?? null;
  const values = checked(def, changed, 'update', 'cluster_template');
  const next = { ...t, ...values } as ClusterTemplate;
  if (!Object.keys(values).length) return t;
  if ((t.public !== next.public || t.hidden !== next.hidden) && !canPublish(caller)) throw new ClusterTemplatePublishDenied();
  const distro = await validateResources(m, caller, next);
  requireDriver(next, distro);
  next.cluster_distro = distro;
  next.updated_at = stamp();
  await m.store.tx(async (tx) => {
    const keys = Object.keys(values);
    const publishing = keys.every((k) => ['public', 'hidden', 'name'].includes(k));
    if (!publishing && (await inUse(tx.db, t.uuid))) throw new ClusterTemplateReferenced(ident);
    await tx.db.updateTable('magnum_cluster_templates').set(toRow(def, { ...values, cluster_distro: distro, updated_at: next.updated_at }) as never).where('uuid', '=', t.uuid).execute();
    await tx.emit({ resource: 'clustertemplate', id: t.uuid, action: 'update', projectId: t.project_id });
  });
  return next;
}

export async function deleteTemplate(m: Magnum, caller: Caller, ident: string): Promise<void> {
  const t = await findTemplate(m, caller, ident);
  authorize(caller, 'clustertemplate:delete', { project_id: t.project_id });
  await m.store.tx(async (tx) => {
    if (await inUse(tx.db, t.uuid)) throw new ClusterTemplateReferenced(ident);
    await tx.db.deleteFrom('magnum_cluster_templates').where('uuid', '=', t.uuid).execute();
    await tx.emit({ resource: 'clustertemplate', id: t.uuid, action: 'delete', projectId: t.project_id });
  });
}

async function inUse(db: Magnum['store']['db'], uuid: string): Promise<boolean> {
  return !!(await db.selectFrom('magnum_clusters').select('uuid').where('cluster_template_id', '=', uuid).executeTakeFirst());
}

/** The template's attributes as the API shows them (the document a patch applies to). */
export function viewValues(t: ClusterTemplate): Body {
  const out: Body = {};
  for (const [k, a] of Object.entries(def.attributes as Record<string, Attribute>)) if (a.visible !== false && k in t) out[k] = t[k];
  return out;
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu', 'nu', 'xi', 'omicron', 'pi', 'rho', 'sigma', 'tau', 'upsilon', 'phi', 'chi', 'psi', 'omega'];
/** Magnum's generated names: `zeta-22`. */
export const randomName = (): string => `${WORDS[Math.floor(Math.random() * WORDS.length)]}-${Math.floor(Math.random() * 100)}`;
