// The dataplane's port indexes hold only the ports it looks for: bound ones, the network's own
// (router interfaces and gateways), and those showing a state to correct. A plain new port (unbound,
// DOWN, no owner) is in none of them, so creating one writes three index pages fewer.
import { sql } from 'kysely';
import type { Migration } from '../migrate.js';

/**
 * The condition of each index. A query uses a partial index only when its WHERE has that very
 * term (constants, not parameters), so the dataplane's queries include these.
 */
export const PORT_INDEX_TERMS = {
  bound: sql<boolean>`"binding:host_id" <> ''`,
  networkOwned: sql<boolean>`device_owner like 'network:%'`,
  live: sql<boolean>`(status <> 'DOWN' or "binding:vif_type" <> 'unbound')`,
};
const { bound, networkOwned, live } = PORT_INDEX_TERMS;

export const m0012: Migration = {
  name: '0012-partial-port-indexes',
  async up(db) {
    for (const name of ['ports_binding_host', 'ports_device_owner', 'ports_status']) await db.schema.dropIndex(name).execute();
    await sql`create index ports_bound_host on ports ("binding:host_id") where ${bound}`.execute(db);
    await sql`create index ports_network_owned on ports (device_owner) where ${networkOwned}`.execute(db);
    await sql`create index ports_live on ports (id) where ${live}`.execute(db);
  },
};
