// List pages out of 10,000 rows for the services that used to load whole tables: 100 servers
// (Nova, detail), 100 images (Glance), 100 stacks (Heat), each the first page and a page deep
// behind a marker. The rows are clones of one made through the API, written straight to the store.
import { call, DEMO_PASSWORD, startTestPier, tokenFor } from '../test/support/pier.js';
import { sql } from 'kysely';
import type { Store } from '../src/store/index.js';

const ROWS = 10_000;
const REQUESTS = 100;

async function clone(store: Store, table: 'servers' | 'images' | 'heat_stacks', id: string, change: (row: Record<string, unknown>, i: number) => void): Promise<string[]> {
  const row = await store.db.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirstOrThrow() as Record<string, unknown>;
  const ids: string[] = [];
  await store.tx(async (tx) => {
    for (let i = 0; i < ROWS - 1; i++) {
      const copy = { ...row, id: crypto.randomUUID() };
      change(copy, i);
      ids.push(copy.id as string);
      await tx.db.insertInto(table).values(copy as never).execute();
    }
  });
  return ids;
}

async function median(get: () => Promise<{ status: number }>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    const r = await get();
    if (r.status !== 200) throw new Error(`list answered ${r.status}`);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[times.length >> 1]! * 10) / 10;
}

export async function benchLists(store: 'sqlite' | 'postgres'): Promise<Record<string, number>> {
  const t = await startTestPier({}, store);
  try {
    const token = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
    const project = (await call(t.url, 'GET', '/identity/v3/auth/tokens', { token, headers: { 'x-subject-token': token } })).body.token.project.id;
    const get = (path: string) => () => call(t.url, 'GET', path, { token });
    const stamp = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString().slice(0, 19) + 'Z';

    const flavor = (await call(t.url, 'GET', '/compute/v2.1/flavors', { token })).body.flavors[0].id;
    const image = (await call(t.url, 'GET', '/image/v2/images?name=busybox', { token })).body.images[0].id;
    const server = await call(t.url, 'POST', '/compute/v2.1/servers', { token, body: { server: { name: 's', imageRef: image, flavorRef: flavor, networks: 'none' } } });
    // Clones live on another host: this process's server controller leaves them alone.
    const servers = await clone(t.pier.store, 'servers', server.body.server.id, (r, i) => { r.name = `s${i}`; r.host = 'bench-elsewhere'; r.created_at = stamp(i); r.updated_at = stamp(i); });
    const img = await call(t.url, 'POST', '/image/v2/images', { token, body: { name: 'i', disk_format: 'raw', container_format: 'bare', visibility: 'private' } });
    const images = await clone(t.pier.store, 'images', img.body.id, (r, i) => { r.name = `i${i}`; r.created_at = stamp(i); r.updated_at = stamp(i); });
    const heat = await call(t.url, 'POST', `/orchestration/v1/${project}/stacks`, { token, body: { stack_name: 'h', template: { heat_template_version: '2018-08-31', resources: {} } } });
    const stacks = await clone(t.pier.store, 'heat_stacks', heat.body.stack.id, (r, i) => { r.name = `h${i}`; r.created_at = stamp(i); r.updated_at = stamp(i); });
    // As autovacuum would soon: the planner learns the tables are no longer tiny.
    if (store === 'postgres') for (const table of ['servers', 'images', 'heat_stacks']) await sql.raw(`analyze ${table}`).execute(t.pier.store.db);
    const deep = (ids: string[]) => ids[ROWS >> 1]!;
    return {
      'servers page (detail, limit=100 of 10,000) median ms': await median(get('/compute/v2.1/servers/detail?limit=100')),
      'servers page behind a marker, median ms': await median(get(`/compute/v2.1/servers/detail?limit=100&marker=${deep(servers)}`)),
      'images page (limit=100 of 10,000) median ms': await median(get('/image/v2/images?limit=100')),
      'images page behind a marker, median ms': await median(get(`/image/v2/images?limit=100&marker=${deep(images)}`)),
      'stacks page (limit=100 of 10,000) median ms': await median(get(`/orchestration/v1/${project}/stacks?limit=100`)),
      'stacks page behind a marker, median ms': await median(get(`/orchestration/v1/${project}/stacks?limit=100&marker=${deep(stacks)}`)),
    };
  } finally {
    await t.close();
  }
}
