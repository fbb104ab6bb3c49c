// Bounded staleness across processes: a token revoked, a user disabled or a role removed through
// one `pier up` is refused by another within 2 s — even when that process's LISTEN connection was
// killed just before (its change feed reads the outbox every second and the listener reconnects).
// PostgreSQL only (the embedded store is one process by design).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { ADMIN_PASSWORD, DEMO_PASSWORD, call, testStores, tokenFor } from '../support/pier.js';
import { startPierProcess, type PierProcess } from '../support/process.js';

const BOUND_MS = 2000;

if (testStores().includes('postgres')) {
  describe('identity: changes reach every process within 2 s, on PostgreSQL', { timeout: 60_000 }, () => {
    let a: PierProcess;
    let b: PierProcess | undefined;
    let admin: string;

    before(async () => {
      a = await startPierProcess('postgres');
      b = await startPierProcess('postgres', [], { dataDir: a.dataDir, databaseUrl: a.databaseUrl });
      admin = await tokenFor(a.url, 'admin', ADMIN_PASSWORD, 'admin');
    });
    after(async () => {
      await b?.cleanup();
      await a?.cleanup();
    });

    /** Kills b's LISTEN connection, as a network blip or a restarted pgbouncer would (once it has one: it reconnects by itself). */
    const killListener = async () => {
      const c = new pg.Client({ connectionString: a.databaseUrl });
      await c.connect();
      const name = [`pier-listen-${b!.child.pid}`];
      for (let i = 0; (await c.query('select 1 from pg_stat_activity where application_name = $1', name)).rowCount !== 1; i++) {
        assert.ok(i < 100, 'b has a listener (again) within 5 s');
        await new Promise((r) => setTimeout(r, 50));
      }
      const r = await c.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', name);
      await c.end();
      assert.equal(r.rowCount, 1);
    };

    /** Time until `token` stops working against b (fails past the bound). */
    const refusedWithin = async (token: string) => {
      const t0 = Date.now();
      for (;;) {
        const r = await call(b!.url, 'GET', '/networking/v2.0/networks', { token });
        if (r.status === 401) return Date.now() - t0;
        assert.equal(r.status, 200);
        if (Date.now() - t0 > BOUND_MS + 1000) assert.fail(`still accepted ${Date.now() - t0} ms later`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    it('a token revoked through one process', async () => {
      const demo = await tokenFor(a.url, 'demo', DEMO_PASSWORD, 'demo');
      assert.equal((await call(b!.url, 'GET', '/networking/v2.0/networks', { token: demo })).status, 200); // cached by b
      await killListener();
      const revoked = await call(a.url, 'DELETE', '/identity/v3/auth/tokens', { token: admin, headers: { 'x-subject-token': demo } });
      assert.equal(revoked.status, 204);
      const ms = await refusedWithin(demo);
      assert.ok(ms <= BOUND_MS, `refused after ${ms} ms`);
    });

    it('a user disabled through one process', async () => {
      const user = await call(a.url, 'POST', '/identity/v3/users', { token: admin, body: { user: { name: 'stale-u', password: 'stale-pw-1234', default_project_id: undefined } } });
      assert.equal(user.status, 201);
      const project = (await call(a.url, 'GET', '/identity/v3/projects?name=demo', { token: admin })).body.projects[0].id;
      const member = (await call(a.url, 'GET', '/identity/v3/roles?name=member', { token: admin })).body.roles[0].id;
      assert.equal((await call(a.url, 'PUT', `/identity/v3/projects/${project}/users/${user.body.user.id}/roles/${member}`, { token: admin })).status, 204);
      const token = await tokenFor(a.url, 'stale-u', 'stale-pw-1234', 'demo');
      assert.equal((await call(b!.url, 'GET', '/networking/v2.0/networks', { token })).status, 200);
      await killListener();
      assert.equal((await call(a.url, 'PATCH', `/identity/v3/users/${user.body.user.id}`, { token: admin, body: { user: { enabled: false } } })).status, 200);
      const ms = await refusedWithin(token);
      assert.ok(ms <= BOUND_MS, `refused after ${ms} ms`);
    });
  });
}
