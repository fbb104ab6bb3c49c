// Identity's shared state for one process: the store, the token keys, and caches of what token
// validation reads on every request (users, scopes, roles, catalog, revocations). Any committed
// identity change — here or, on PostgreSQL, in another process — bumps the generation and so
// empties the caches; validation never serves a stale answer past the change's notification.
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/index.js';
import { newHexId } from '../core/ids.js';
import { TokenCodec } from './token-codec.js';

export const IDENTITY_RESOURCES = new Set([
  'domain', 'project', 'user', 'group', 'group_membership', 'role', 'implied_role', 'assignment',
  'region', 'service', 'endpoint', 'application_credential', 'revocation_event', '*',
]);

export interface IdentityConfig {
  /** Token lifetime in seconds. */
  tokenTtl: number;
}

export interface IdentityState {
  store: Store;
  config: IdentityConfig;
  codec: TokenCodec;
  /** Cache of anything derived from identity rows; emptied on every identity change. */
  cache: Map<string, unknown>;
  /** Bumped on every identity change. */
  generation: number;
}

export async function createIdentityState(store: Store, config: IdentityConfig): Promise<IdentityState> {
  let keys = await store.db.selectFrom('token_keys').select(['secret', 'created_at']).orderBy('created_at', 'desc').execute();
  if (!keys.length) {
    await store.tx(async ({ db }) => {
      // Two processes starting together: whoever inserts second re-reads the first's key.
      const again = await db.selectFrom('token_keys').select('id').executeTakeFirst();
      if (!again) await db.insertInto('token_keys').values({ id: newHexId(), secret: randomBytes(32).toString('base64'), created_at: new Date().toISOString() }).execute();
    });
    keys = await store.db.selectFrom('token_keys').select(['secret', 'created_at']).orderBy('created_at', 'desc').execute();
  }
  const state: IdentityState = {
    store, config,
    codec: new TokenCodec(keys.map((k) => Buffer.from(k.secret, 'base64'))),
    cache: new Map(),
    generation: 0,
  };
  store.subscribe((e) => {
    if (!IDENTITY_RESOURCES.has(e.resource)) return;
    state.generation++;
    state.cache.clear();
  });
  return state;
}

/** `compute()` once per identity generation, keyed by `key`. */
export async function cached<T>(state: IdentityState, key: string, compute: () => Promise<T>): Promise<T> {
  if (state.cache.has(key)) return state.cache.get(key) as T;
  const generation = state.generation;
  const value = await compute();
  // Keep the value only if no change arrived while computing; bound the cache's size.
  if (generation === state.generation && state.cache.size < 50_000) state.cache.set(key, value);
  return value;
}
