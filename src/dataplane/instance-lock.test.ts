import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockNamespace } from './instance-lock.js';

describe('dataplane namespace lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pier-lock-'));

  it('refuses a second holder, naming the first; free again once released', () => {
    const a = lockNamespace('ns-a', '/data/one', dir);
    assert.throws(() => lockNamespace('ns-a', '/data/two', dir), new RegExp(`pid ${process.pid}, data dir /data/one.*--dataplane-namespace`));
    const b = lockNamespace('ns-b', '/data/two', dir); // another namespace is another lock
    a.release();
    lockNamespace('ns-a', '/data/two', dir).release();
    b.release();
  });

  it("takes over a crashed process's lock", () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(join(dir, 'dataplane-ns-c.lock'), JSON.stringify({ pid: Number(dead), dataDir: '/data/old' }));
    lockNamespace('ns-c', '/data/new', dir).release();
    rmSync(dir, { recursive: true, force: true });
  });
});
