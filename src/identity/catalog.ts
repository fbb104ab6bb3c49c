// The service catalog as tokens carry it, and the endpoints Pier registers for its own services.
// Endpoint URLs are stored with the `{base}` placeholder for Pier's own services, so a client
// gets URLs with the host and port it used to reach Pier (behind a proxy or on another port).
import { cached, type IdentityState } from './state.js';

export interface CatalogEntry {
  endpoints: { id: string; interface: string; region_id: string | null; url: string; region: string | null }[];
  id: string;
  type: string;
  name: string;
}

export const BASE_PLACEHOLDER = '{base}';

export function expandUrl(url: string, baseUrl: string): string {
  return url.replaceAll(BASE_PLACEHOLDER, baseUrl);
}

// OpenStack: Keystone fills $(project_id)s / %(tenant_id)s … in catalog URLs from the token's
// scope, and leaves out an endpoint it cannot fill (e.g. a domain-scoped token for Heat).
const SUBSTITUTION = /[$%]\((project_id|tenant_id|user_id)\)s/g;

function substitute(url: string, scope: { projectId?: string; userId?: string }): string | null {
  let ok = true;
  const out = url.replace(SUBSTITUTION, (_m, key: string) => {
    const v = key === 'user_id' ? scope.userId : scope.projectId;
    if (!v) ok = false;
    return v ?? '';
  });
  return ok ? out : null;
}

export async function catalogFor(state: IdentityState, baseUrl: string, scope: { projectId?: string; userId?: string } = {}): Promise<CatalogEntry[]> {
  const rows = await cached(state, 'catalog', async () => {
    const db = state.store.db;
    const services = await db.selectFrom('services').selectAll().where('enabled', '=', 1).orderBy('type').execute();
    const endpoints = await db.selectFrom('endpoints').selectAll().where('enabled', '=', 1).orderBy('interface').execute();
    return services.map((s) => ({
      id: s.id, type: s.type, name: s.name,
      endpoints: endpoints.filter((e) => e.service_id === s.id)
        .map((e) => ({ id: e.id, interface: e.interface, region_id: e.region_id, url: e.url, region: e.region_id })),
    }));
  });
  return rows.map((s) => ({
    ...s,
    endpoints: s.endpoints.flatMap((e) => {
      const url = substitute(expandUrl(e.url, baseUrl), scope);
      return url === null ? [] : [{ ...e, url }];
    }),
  }));
}
