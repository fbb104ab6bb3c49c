// The store on real databases: events are delivered only after commit, a failed transaction
// leaves nothing (rows or events), and on PostgreSQL another process hears committed changes;
// queries compiled once run with each call's values, inside and outside transactions.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, testStores } from '../../test/support/pier.js';
import { insertRow, isUniqueViolation, openStore, prepared, type ChangeEvent, type Store } from './index.js';
import { EVENT_CHUNK } from './store.js';

for (const kind of testStores()) describe(`store on ${kind}`, () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => { for (const c of cleanups.reverse()) await c(); });

  async function open(shared?: { dataDir: string; url?: string }): Promise<{ store: Store; dataDir: string; url?: string }> {
    let dataDir = shared?.dataDir;
    let url = shared?.url;
    if (!dataDir) {
      dataDir = mkdtempSync(join(tmpdir(), 'pier-store-'));
      const d = dataDir;
      cleanups.push(async () => rmSync(d, { recursive: true, force: true }));
      if (kind === 'postgres') {
        const db = (await freshDatabase())!;
        url = db.url;
        cleanups.push(() => db.drop());
      }
    }
    const store = await openStore({ dataDir, databaseUrl: url });
    cleanups.push(() => store.close());
    return { store, dataDir, url };
  }

  const region = (id: string) => ({ id, description: null, parent_region_id: null, extra: '{}' });

  test('events are delivered after commit, in order, and recorded in the outbox', async () => {
    const { store } = await open();
    const seen: ChangeEvent[] = [];
    store.subscribe((e) => seen.push(e));
    await store.tx(async (tx) => {
      await tx.db.insertInto('regions').values(region('r1')).execute();
      await tx.emit({ resource: 'region', id: 'r1', action: 'create' });
      await tx.emit({ resource: 'region', id: 'r1', action: 'update' });
      assert.equal(seen.length, 0, 'nothing is delivered before commit');
    });
    assert.deepEqual(seen.map((e) => e.action), ['create', 'update']);
    const outbox = await store.db.selectFrom('events').selectAll().where('resource', '=', 'region').execute();
    assert.equal(outbox.length, 2);
  });

  test('a transaction with more events than one insert takes writes every one of them', async () => {
    const { store } = await open();
    const seen: ChangeEvent[] = [];
    store.subscribe((e) => seen.push(e));
    const n = EVENT_CHUNK * 2 + 1;
    await store.tx(async (tx) => { for (let i = 0; i < n; i++) await tx.emit({ resource: 'bulk', id: `b${i}`, action: 'create', projectId: 'p' }); });
    const outbox = await store.db.selectFrom('events').select(['resource_id', 'project_id']).where('resource', '=', 'bulk').orderBy('id').execute();
    assert.deepEqual(outbox.map((r) => r.resource_id), Array.from({ length: n }, (_, i) => `b${i}`));
    assert.ok(outbox.every((r) => r.project_id === 'p'));
    assert.equal(seen.length, n);
  });

  test('pruning deletes the events older than the age given and keeps the rest', async () => {
    const { store } = await open();
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    await store.tx(async (tx) => {
      for (const [id, age] of [['old1', 120], ['old2', 61], ['young1', 30], ['young2', 1]] as const) {
        await tx.db.insertInto('events').values({ resource: 'aged', resource_id: id, action: 'create', project_id: null, created_at: at(age) }).execute();
      }
    });
    const left = () => store.db.selectFrom('events').select('resource_id').where('resource', '=', 'aged').orderBy('id').execute().then((r) => r.map((x) => x.resource_id));
    await store.pruneEvents(60 * 60_000);
    assert.deepEqual(await left(), ['young1', 'young2']);
    await store.pruneEvents(60_000 / 2); // younger than anything left: all of them go
    assert.deepEqual(await left(), []);
    await store.pruneEvents(60_000); // and an empty outbox is fine
  });

  test('a failed transaction writes no rows and delivers no events', async () => {
    const { store } = await open();
    const seen: ChangeEvent[] = [];
    store.subscribe((e) => seen.push(e));
    await assert.rejects(store.tx(async (tx) => {
      await tx.db.insertInto('regions').values(region('r2')).execute();
      await tx.emit({ resource: 'region', id: 'r2', action: 'create' });
      throw new Error('boom');
    }), /boom/);
    assert.equal(seen.length, 0);
    assert.equal((await store.db.selectFrom('regions').selectAll().where('id', '=', 'r2').execute()).length, 0);
    assert.equal((await store.db.selectFrom('events').selectAll().where('resource_id', '=', 'r2').execute()).length, 0);
  });

  test('retryUnique re-runs the body after a unique conflict', async () => {
    const { store } = await open();
    await store.tx(async (tx) => { await tx.db.insertInto('regions').values(region('taken')).execute(); });
    let attempts = 0;
    const got = await store.tx(async (tx) => {
      attempts++;
      const id = attempts === 1 ? 'taken' : 'free';
      await tx.db.insertInto('regions').values(region(id)).execute();
      return id;
    }, { retryUnique: true });
    assert.equal(got, 'free');
    assert.equal(attempts, 2);
  });

  test('migrations run once: reopening keeps data', async () => {
    const first = await open();
    await first.store.tx(async (tx) => { await tx.db.insertInto('regions').values(region('kept')).execute(); });
    const second = await open({ dataDir: first.dataDir, url: first.url });
    assert.equal((await second.store.db.selectFrom('regions').selectAll().where('id', '=', 'kept').execute()).length, 1);
  });

  test('a prepared query compiles once and runs with each call\'s values; insertRow per column set', async () => {
    const { store } = await open();
    const byParent = prepared((db, p: { parent: string; id: string }) => db.selectFrom('regions').select(['id', 'description'])
      .where('parent_region_id', '=', p.parent).where('id', '<>', p.id).where('extra', '=', '{}').orderBy('id'));
    const rename = prepared((db, p: { id: string; description: string | null }) => db.updateTable('regions').set({ description: p.description }).where('id', '=', p.id));
    await store.tx(async (tx) => {
      await insertRow(tx.db, 'regions', region('top'));
      for (const id of ['a', 'b', 'c']) await insertRow(tx.db, 'regions', { ...region(id), parent_region_id: 'top', description: undefined });
      await insertRow(tx.db, 'regions', { ...region('d'), parent_region_id: 'top', description: 'with a description' });
      assert.deepEqual((await byParent.all(tx.db, { parent: 'top', id: 'b' })).map((r) => r.id), ['a', 'c', 'd'], 'inside the transaction');
      assert.equal(await rename.run(tx.db, { id: 'c', description: 'renamed' }), 1);
      assert.equal(await rename.run(tx.db, { id: 'nowhere', description: 'x' }), 0);
    });
    assert.deepEqual(await byParent.all(store.db, { parent: 'top', id: 'a' }), [
      { id: 'b', description: null }, { id: 'c', description: 'renamed' }, { id: 'd', description: 'with a description' },
    ]);
    assert.equal(await byParent.first(store.db, { parent: 'nowhere', id: 'a' }), undefined);
    await assert.rejects(store.tx((tx) => insertRow(tx.db, 'regions', region('a'))), (err: unknown) => isUniqueViolation(err));
  });

  if (kind === 'postgres') {
    test('another process on the same database hears committed changes (LISTEN/NOTIFY)', async () => {
      const a = await open();
      const b = await open({ dataDir: a.dataDir, url: a.url });
      const heard = new Promise<ChangeEvent>((resolve) => b.store.subscribe(resolve));
      await a.store.tx(async (tx) => {
        await tx.db.insertInto('regions').values(region('remote')).execute();
        await tx.emit({ resource: 'region', id: 'remote', action: 'create' });
      });
      const e = await Promise.race([heard, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no notification within 5 s')), 5000))]);
      assert.deepEqual(e, { resource: 'region', id: 'remote', action: 'create', projectId: null });
    });

    test('the change feed delivers every change exactly once: an earlier id committed later, and a dead LISTEN connection', async () => {
      const a = await open();
      const b = await open({ dataDir: a.dataDir, url: a.url });
      const heard: string[] = [];
      const own: string[] = [];
      b.store.subscribe((e) => heard.push(e.id));
      a.store.subscribe((e) => own.push(e.id));
      // `slow` takes its event id first and commits after `fast`, which has the later id.
      let release!: () => void;
      const held = new Promise<void>((r) => { release = r; });
      const slow = a.store.tx(async (tx) => {
        await tx.emit({ resource: 'region', id: 'slow', action: 'create' });
        await tx.db.insertInto('regions').values(region('slow')).execute();
        await held;
      });
      await new Promise((r) => setTimeout(r, 50));
      await a.store.tx(async (tx) => { await tx.emit({ resource: 'region', id: 'fast', action: 'create' }); });
      await until(() => heard.includes('fast'), 'fast');
      release();
      await slow;
      await until(() => heard.includes('slow'), 'slow');
      // b's LISTEN connection killed: changes still arrive (the feed reads every second), and it reconnects.
      const pg = (await import('pg')).default;
      const admin = new pg.Client({ connectionString: a.url });
      await admin.connect();
      const killed = await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1`, [`pier-listen-${process.pid}`]);
      assert.ok(killed.rowCount! >= 2, 'both stores had a listener to kill');
      const t0 = Date.now();
      await a.store.tx(async (tx) => { await tx.emit({ resource: 'region', id: 'after-kill', action: 'create' }); });
      await until(() => heard.includes('after-kill'), 'after-kill');
      assert.ok(Date.now() - t0 < 2000, `delivered ${Date.now() - t0} ms after commit`);
      await until(async () => (await admin.query(`select 1 from pg_stat_activity where application_name = $1`, [`pier-listen-${process.pid}`])).rowCount! >= 2, 'reconnected listeners');
      await admin.end();
      await new Promise((r) => setTimeout(r, 1200)); // another read of the feed: nothing twice
      assert.deepEqual(heard.filter((id) => ['slow', 'fast', 'after-kill'].includes(id)).sort(), ['after-kill', 'fast', 'slow']);
      assert.deepEqual(own.filter((id) => ['slow', 'fast', 'after-kill'].includes(id)).sort(), ['after-kill', 'fast', 'slow'], 'its own changes reach a store once, in-process');
    });
  }
});

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
