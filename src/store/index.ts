// Opening the store: the embedded SQLite file under the data dir, or a PostgreSQL server by URL;
// migrations are applied before anything else uses it.
import { join } from 'node:path';
import { migrate } from './migrate.js';
import { openSqlite } from './sqlite.js';
import { makeStore, type Store } from './store.js';

export interface StoreConfig {
  /** `postgres://…`; absent means the embedded store in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
}

export async function openStore(config: StoreConfig): Promise<Store> {
  // pg loads only for a server store: on the embedded one it is start time for nothing.
  const backend = config.databaseUrl
    ? await (await import('./postgres.js')).openPostgres(config.databaseUrl)
    : openSqlite(join(config.dataDir, 'pier.sqlite'));
  try {
    await migrate(backend.db, backend.kind);
    return await makeStore(backend);
  } catch (err) {
    await backend.close();
    throw err;
  }
}

export type { Store, Tx, ChangeEvent, TxOptions } from './store.js';
export { isUniqueViolation, nowIso } from './store.js';
export { insertRow, prepared, type Prepared } from './prepared.js';
export { PORT_INDEX_TERMS } from './migrations/0012-partial-port-indexes.js';
export { jsonText, regexpMatch } from './portable-sql.js';
