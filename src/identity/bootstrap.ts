// First start: the Default domain, the admin/member/reader roles (admin ⇒ member ⇒ reader),
// the admin project and user, a demo project with a member user, and RegionOne. Every start:
// the catalog entries of the services this Pier serves (idempotent).
import { randomBytes } from 'node:crypto';
import { newHexId } from '../core/ids.js';
import type { CatalogService } from '../core/module.js';
import { nowIso, type Tx } from '../store/index.js';
import { BASE_PLACEHOLDER } from './catalog.js';
import { DEFAULT_DOMAIN_ID } from './domains.js';
import { hashSecret } from './passwords.js';
import type { IdentityState } from './state.js';

export const REGION = 'RegionOne';


export interface BootstrapResult {
  /** Passwords generated on this start (absent when given, or on later starts). */
  generated: { admin?: string; demo?: string };
  firstStart: boolean;
}

const newPassword = () => randomBytes(18).toString('base64url');

export async function bootstrap(
  state: IdentityState, opts: { adminPassword?: string; demoPassword?: string; services: readonly CatalogService[] },
): Promise<BootstrapResult> {
  const result: BootstrapResult = { generated: {}, firstStart: false };
  const exists = await state.store.db.selectFrom('domains').select('id').where('id', '=', DEFAULT_DOMAIN_ID).executeTakeFirst();
  if (!exists) {
    const admin = opts.adminPassword ?? newPassword();
    const demo = opts.demoPassword ?? newPassword();
    if (!opts.adminPassword) result.generated.admin = admin;
    if (!opts.demoPassword) result.generated.demo = demo;
    const [adminHash, demoHash] = await Promise.all([hashSecret(admin), hashSecret(demo)]);
    await state.store.tx(async (tx) => {
      // A second process may have bootstrapped meanwhile: then there is nothing to do.
      if (await tx.db.selectFrom('domains').select('id').where('id', '=', DEFAULT_DOMAIN_ID).executeTakeFirst()) return;
      result.firstStart = true;
      await seed(tx, adminHash, demoHash);
    });
    if (!result.firstStart) result.generated = {};
  }
  await state.store.tx((tx) => ensureCatalog(tx, opts.services));
  return result;
}

async function seed(tx: Tx, adminHash: string, demoHash: string): Promise<void> {
  const db = tx.db;
  const now = nowIso();
  await db.insertInto('domains').values({ id: DEFAULT_DOMAIN_ID, name: 'Default', description: 'The default domain', enabled: 1, tags: '[]', options: '{}', extra: '{}' }).execute();
  const roles: Record<string, string> = {};
  for (const name of ['admin', 'member', 'reader']) {
    roles[name] = newHexId();
    await db.insertInto('roles').values({ id: roles[name]!, name, domain_id: null, description: null, options: '{}', extra: '{}' }).execute();
  }
  await db.insertInto('implied_roles').values([
    { prior_role_id: roles.admin!, implied_role_id: roles.member! },
    { prior_role_id: roles.member!, implied_role_id: roles.reader! },
  ]).execute();
  const project = (name: string, description: string) => ({ id: newHexId(), name, domain_id: DEFAULT_DOMAIN_ID, parent_id: null, description, enabled: 1, tags: '[]', options: '{}', extra: '{}' });
  const user = (name: string, hash: string, projectId: string) => ({
    id: newHexId(), name, domain_id: DEFAULT_DOMAIN_ID, enabled: 1, default_project_id: projectId, description: null,
    password_hash: hash, password_created_at: now, options: '{}', extra: '{}', created_at: now,
  });
  const adminProject = project('admin', 'Bootstrap project for initializing the cloud.');
  const demoProject = project('demo', 'Demo project');
  await db.insertInto('projects').values([adminProject, demoProject]).execute();
  const adminUser = user('admin', adminHash, adminProject.id);
  const demoUser = user('demo', demoHash, demoProject.id);
  await db.insertInto('users').values([adminUser, demoUser]).execute();
  const grant = (actor: string, type: string, target: string, role: string) => ({ actor_type: 'user', actor_id: actor, target_type: type, target_id: target, role_id: role, inherited: 0 });
  await db.insertInto('assignments').values([
    grant(adminUser.id, 'project', adminProject.id, roles.admin!),
    grant(adminUser.id, 'system', 'all', roles.admin!),
    grant(demoUser.id, 'project', demoProject.id, roles.member!),
  ]).execute();
  await db.insertInto('regions').values({ id: REGION, description: '', parent_region_id: null, extra: '{}' }).execute();
  await tx.emit({ resource: '*', id: '*', action: 'create' });
}

/** One service row per Pier service (recognised by `extra.pier`) with public/internal/admin endpoints. */
async function ensureCatalog(tx: Tx, services: readonly CatalogService[]): Promise<void> {
  const db = tx.db;
  const region = await db.selectFrom('regions').select('id').where('id', '=', REGION).executeTakeFirst();
  for (const s of services) {
    const url = `${BASE_PLACEHOLDER}${s.path}`;
    const existing = (await db.selectFrom('services').selectAll().where('type', '=', s.type).execute()).find((r) => JSON.parse(r.extra).pier);
    const serviceId = existing?.id ?? newHexId();
    if (!existing) {
      await db.insertInto('services').values({ id: serviceId, type: s.type, name: s.name, description: `Pier ${s.type} service`, enabled: 1, extra: JSON.stringify({ pier: true }) }).execute();
    }
    for (const iface of ['public', 'internal', 'admin']) {
      const ep = await db.selectFrom('endpoints').select(['id', 'url']).where('service_id', '=', serviceId).where('interface', '=', iface).executeTakeFirst();
      if (!ep) {
        await db.insertInto('endpoints').values({ id: newHexId(), service_id: serviceId, interface: iface, region_id: region ? REGION : null, url, enabled: 1, extra: '{}' }).execute();
      } else if (ep.url !== url) {
        await db.updateTable('endpoints').set({ url }).where('id', '=', ep.id).execute();
      }
    }
  }
  await tx.emit({ resource: 'service', id: '*', action: 'update' });
}
