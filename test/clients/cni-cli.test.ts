// `pier cni install` and `pier up --cni-socket` as users run them: the plugin lands in the
// directory given (replacing an older copy), a missing build is a clear error; `pier up` serves
// the socket the installed plugin reaches (root's alone), refuses a path another Pier serves,
// and removes its socket when it stops.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { installCniPlugin, invokeCni } from '../support/cni.js';
import { startPierProcess, type PierProcess } from '../support/process.js';

const BUILT = resolve(import.meta.dirname, '../../../cni/bin/pier');
const BIN = resolve(import.meta.dirname, '../../../bin/pier.js');

describe('pier cni', () => {
  const work = mkdtempSync(join(tmpdir(), 'pier-cni-cli-'));
  const socket = join(work, 'cni.sock');
  let p: PierProcess;
  before(async () => { p = await startPierProcess('sqlite', ['--cni-socket', socket]); });
  after(async () => {
    await p.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  test('install puts the built plugin in the directory, replacing an older one', () => {
    const dir = join(work, 'opt', 'cni', 'bin');
    const r = installCniPlugin(dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Installed .*\/opt\/cni\/bin\/pier/);
    assert.ok(readFileSync(join(dir, 'pier')).equals(readFileSync(BUILT)), 'the installed plugin is the built one');
    assert.equal(statSync(join(dir, 'pier')).mode & 0o777, 0o755);
    writeFileSync(join(dir, 'pier'), 'old');
    assert.equal(installCniPlugin(dir).code, 0);
    assert.ok(readFileSync(join(dir, 'pier')).equals(readFileSync(BUILT)), 'replaced');
  });

  test('install without a built plugin, or without --dir, says so', () => {
    const missing = installCniPlugin(join(work, 'never'), { PIER_CNI_PLUGIN: join(work, 'no-such-build') });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /the CNI plugin is not built .*scripts\/install\.sh/);
    assert.ok(!existsSync(join(work, 'never', 'pier')));
    const usage = spawnSync(process.execPath, [BIN, 'cni', 'install'], { encoding: 'utf8' });
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /Usage: pier cni install --dir DIR/);
  });

  test('pier up serves the socket (0600) the plugin reaches; Pier answers for itself', async () => {
    assert.equal(statSync(socket).mode & 0o777, 0o600);
    const dir = join(work, 'bin');
    assert.equal(installCniPlugin(dir).code, 0);
    // STATUS asks Pier (the plugin alone could not know the network is missing).
    const r = await invokeCni(join(dir, 'pier'), { command: 'STATUS' }, { cniVersion: '1.1.0', name: 'n1', type: 'pier', network: 'no-such-net', socket });
    assert.equal(r.code, 1);
    assert.equal(r.json.code, 50);
    assert.match(r.json.details, /no-such-net/);
  });

  test('a second pier up on the same socket is refused with a clear message; a relative path too', async () => {
    // Their data dirs inside the test's own directory: a start that fails leaves nothing elsewhere.
    await assert.rejects(startPierProcess('sqlite', ['--cni-socket', socket], { dataDir: join(work, 'second') }), /another process already serves CNI at/);
    await assert.rejects(startPierProcess('sqlite', ['--cni-socket', 'cni.sock'], { dataDir: join(work, 'third') }), /--cni-socket must be an absolute path or none/);
  });

  test('stopping Pier removes its socket', async () => {
    await p.stop();
    assert.ok(!existsSync(socket));
  });
});
