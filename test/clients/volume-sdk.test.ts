// openstacksdk (Debian python3-openstacksdk) drives Pier's Block Storage API: volumes, extend,
// snapshots, a volume from a snapshot, types and limits, deletion (sdk/volume_e2e.py).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { testStores } from '../support/pier.js';
import { startPierProcess, type PierProcess } from '../support/process.js';

const SCRIPT = resolve(import.meta.dirname, '../../../test/clients/sdk/volume_e2e.py');

for (const store of testStores()) describe(`openstacksdk, block storage, on ${store}`, () => {
  let p: PierProcess;
  before(async () => { p = await startPierProcess(store); });
  after(() => p.cleanup());

  test('volumes, extend, snapshots, a volume from a snapshot, types, limits, deletion', async () => {
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile('/usr/bin/python3', [SCRIPT], { env: { ...process.env, OS_CLIENT_CONFIG_FILE: p.clouds }, timeout: 180_000 },
        (e, stdout, stderr) => done({ code: e ? 1 : 0, stdout, stderr }));
    });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout.trim(), 'ok');
  });
});
