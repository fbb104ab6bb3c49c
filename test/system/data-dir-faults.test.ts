// The data dir's disk full while Pier runs: writes answer 503 in each service's
// body (never a 500), reads go on, nothing half-written shows, and Pier recovers by itself when
// space or write access returns. The data dir is a small tmpfs of the test's own.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_PASSWORD, call, startTestPier, tokenFor, type TestPier } from '../support/pier.js';
import { requireRoot, sh } from '../support/system.js';

const N = '/networking/v2.0/networks';

describe('data dir full', () => {
  let mnt: string;
  let t: TestPier | undefined;
  let token: string;
  before(async () => {
    requireRoot();
    mnt = mkdtempSync(join(tmpdir(), 'pier-faults-'));
    assert.equal((await sh('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mnt])).code, 0);
    t = await startTestPier({ dataDir: join(mnt, 'data') });
    token = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
  });
  after(async () => {
    await t?.close().catch(() => {});
    await sh('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });

  const networkNames = async () => {
    const r = await call(t!.url, 'GET', N, { token });
    assert.equal(r.status, 200, 'reads go on');
    return (r.body.networks as { name: string }[]).map((n) => n.name);
  };

  /** Creates networks until one is refused; every answer is 201 or a NeutronError 503. */
  const createUntilRefused = async (prefix: string, reason: RegExp) => {
    const made: string[] = [];
    for (let i = 0; i < 300; i++) {
      const r = await call(t!.url, 'POST', N, { token, body: { network: { name: `${prefix}-${i}` } } });
      if (r.status === 201) { made.push(`${prefix}-${i}`); continue; }
      assert.equal(r.status, 503, JSON.stringify(r.body));
      assert.equal(r.body.NeutronError.type, 'HTTPServiceUnavailable');
      assert.match(r.body.NeutronError.message, reason);
      return made;
    }
    assert.fail('300 writes went through on a full disk');
  };

  it('a full disk: writes answer 503 in each body, reads go on, and space coming back is enough', async () => {
    const filler = join(mnt, 'filler');
    const fd = openSync(filler, 'w');
    try { for (const chunk = Buffer.alloc(1 << 20); ;) writeSync(fd, chunk); } catch (err) { assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC'); }
    closeSync(fd);
    const made = await createUntilRefused('full', /full/);
    const names = await networkNames();
    for (const n of made) assert.ok(names.includes(n), `${n}, answered 201, is there`);
    assert.ok(!names.some((n) => n.startsWith('full-') && !made.includes(n)), 'a refused create left nothing');
    const project = await call(t!.url, 'POST', '/identity/v3/projects', { token, body: { project: { name: 'on-full-disk' } } });
    if (project.status !== 201) {
      assert.equal(project.status, 503);
      assert.equal(project.body.error.code, 503);
    }
    const image = await call(t!.url, 'POST', '/image/v2/images', { token, body: { name: 'img', disk_format: 'raw', container_format: 'bare' } });
    if (image.status === 201) {
      const upload = await call(t!.url, 'PUT', `/image/v2/images/${image.body.id}/file`, { token, body: 'x'.repeat(4 << 20), headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(upload.status, 503, JSON.stringify(upload.body));
      assert.equal((await call(t!.url, 'GET', `/image/v2/images/${image.body.id}`, { token })).body.status, 'queued');
    } else assert.equal(image.status, 503);
    rmSync(filler);
    const again = await call(t!.url, 'POST', N, { token, body: { network: { name: 'after-full' } } });
    assert.equal(again.status, 201, JSON.stringify(again.body));
  });
});
