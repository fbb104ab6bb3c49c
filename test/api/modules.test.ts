// The module registry: a process runs the modules of its roles, each after what it requires.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeModule } from '../../src/compute/index.js';
import { dataplaneModule } from '../../src/dataplane/index.js';
import { MODULES } from '../../src/pier.js';
import { ADMIN_PASSWORD, call, startTestPier, tokenFor, type TestPier } from '../support/pier.js';

describe('modules', () => {
  it('lists every module after the modules it requires', () => {
    MODULES.forEach((m, i) => {
      for (const r of m.requires ?? []) assert.ok(MODULES.indexOf(r) >= 0 && MODULES.indexOf(r) < i, `${m.name} is listed before ${r.name}`);
    });
  });

  describe('an api-only process', () => {
    let t: TestPier;
    before(async () => { t = await startTestPier({ roles: ['api'] }); });
    after(() => t.close());

    it('runs no agent module and serves the APIs', async () => {
      assert.throws(() => t.pier.get(dataplaneModule), /does not run in this process/);
      assert.equal(t.pier.get(computeModule).driver.name, 'fake');
      const token = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
      assert.equal((await call(t.url, 'GET', '/pier/v1/dataplane', { token })).status, 404);
      assert.equal((await call(t.url, 'GET', '/networking/v2.0/networks', { token })).status, 200);
    });
  });

  it('refuses to start a process whose roles leave out a module another requires', async () => {
    await assert.rejects(startTestPier({ roles: ['agent'] }), /needs identity|needs networking|identity module/);
  });
});
