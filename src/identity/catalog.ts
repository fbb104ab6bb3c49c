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

export async function catalogFor(state: IdentityState, baseUrl: string): Promise<CatalogEntry[]> {
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
  return rows.map((s) => ({ ...s, endpoints: s.endpoints.map((e) => ({ ...e, url: expandUrl(e.url, baseUrl) })) }));
}
