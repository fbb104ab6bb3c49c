// The whole database as Kysely sees it: the store's own tables plus each service's.
// Portable column conventions: ids and IPs as text, booleans as integer 0/1, JSON as text,
// timestamps as ISO-8601 UTC text.
import type { Generated } from 'kysely';
import type { ClustersTables } from '../clusters/tables.js';
import type { ComputeTables } from '../compute/tables.js';
import type { IdentityTables } from '../identity/tables.js';
import type { ImageTables } from '../image/tables.js';
import type { NetworkingTables } from '../networking/tables.js';
import type { OrchestrationTables } from '../orchestration/tables.js';
import type { VolumeTables } from '../volume/tables.js';

export interface EventsTable {
  id: Generated<number>;
  resource: string;
  resource_id: string;
  action: string;
  project_id: string | null;
  created_at: string;
}

export interface StoreTables {
  events: EventsTable;
}

export type Database = StoreTables & IdentityTables & NetworkingTables & OrchestrationTables & ImageTables & ComputeTables & ClustersTables & VolumeTables;
