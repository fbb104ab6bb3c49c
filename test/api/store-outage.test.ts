// The database away while Pier runs (PostgreSQL): every request that needs it answers 503 in its
// service's body — never a 500 or a hang — and Pier serves again by itself once it is back.
// The outage is this test's database refusing connections, with its sessions killed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { ADMIN_PASSWORD, call, startTestPier, testStores, tokenFor, type TestPier } from '../support/pier.js';

if (testStores().includes('postgres')) {
  describe('a PostgreSQL outage', { timeout: 60_000 }, () => {
    let t: TestPier;
    let admin: pg.Client;
    let name: string;
    before(async () => {
      t = await startTestPier({}, 'postgres');
      name = new URL(t.databaseUrl!).pathname.slice(1);
      admin = new pg.Client({ connectionString: process.env.PIER_TEST_DATABASE_URL });
      await admin.connect();
    });
    after(async () => {
      await admin.query(`alter database ${name} allow_connections true`).catch(() => {});
      await admin.end();
      await t.close();
    });

    it('answers 503 in each body while the database is away, and serves again when it is back', async () => {
      const token = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
      assert.equal((await call(t.url, 'POST', '/networking/v2.0/networks', { token, body: { network: { name: 'before' } } })).status, 201);
      await admin.query(`alter database ${name} allow_connections false`);
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
      const net = await call(t.url, 'POST', '/networking/v2.0/networks', { token, body: { network: { name: 'during' } } });
      assert.equal(net.status, 503, JSON.stringify(net.body));
      assert.equal(net.body.NeutronError.type, 'HTTPServiceUnavailable');
      const login = await call(t.url, 'POST', '/identity/v3/auth/tokens', {
        body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: ADMIN_PASSWORD } } } } },
      });
      assert.equal(login.status, 503, JSON.stringify(login.body));
      assert.equal(login.body.error.code, 503);
      const servers = await call(t.url, 'GET', '/compute/v2.1/servers', { token });
      assert.equal(servers.status, 503, JSON.stringify(servers.body));
      assert.equal(servers.body.serviceUnavailable.code, 503);
      const images = await call(t.url, 'GET', '/image/v2/images', { token });
      assert.equal(images.status, 503, JSON.stringify(images.body));
      await admin.query(`alter database ${name} allow_connections true`);
      let back = 0;
      for (let i = 0; i < 50 && back !== 201; i++) {
        back = (await call(t.url, 'POST', '/networking/v2.0/networks', { token, body: { network: { name: `after-${i}` } } })).status;
        if (back !== 201) { assert.equal(back, 503); await new Promise((r) => setTimeout(r, 100)); }
      }
      assert.equal(back, 201, 'serves again without a restart');
      const names = (await call(t.url, 'GET', '/networking/v2.0/networks', { token })).body.networks.map((n: { name: string }) => n.name);
      assert.ok(names.includes('before') && !names.includes('during'));
    });
  });
}
