// OpenStack's own Tempest (Debian's, 33) against a fresh `pier up`: identity, network, compute
// and image API tests with dynamic credentials, concurrency 2. Fails when a test in
// tempest-expected.txt does not pass (a regression); prints the counts and the tests that pass
// but are not listed yet.
//
// Pier runs with the noop dataplane and fake compute: these are API tests — servers go through
// their whole life on the fake runtime, no process runs and no packet is sent — and a real
// dataplane would only share kernel state with the suites CI runs beside this one without
// changing an answer Tempest checks.
//
// PIER_TEMPEST_REGEX narrows the run while iterating (the expected list is filtered by it);
// PIER_TEMPEST_GROW=1 adds the new passes to the list; PIER_TEMPEST_KEEP=1 keeps the workspace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ADMIN_PASSWORD, DEMO_PASSWORD, call, tokenFor } from '../support/pier.js';
import { startPierProcess } from '../support/process.js';
import { writeWorkspace } from './tempest/config.js';
import { count, growExpected, parseResults, readExpected } from './tempest/results.js';

const EXPECTED = resolve(import.meta.dirname, '../../../test/conformance/tempest-expected.txt');
const HEADER = '# Tempest tests that pass against Pier (test/conformance/tempest.test.ts); one that stops passing fails CI.\n'
  + '# Grown with PIER_TEMPEST_GROW=1; a test leaves the list only with a reason in the commit.\n';
// Debian's heat-tempest-plugin (orchestration's API tests), when installed.
const HEAT_PLUGIN = '/usr/lib/python3/dist-packages/heat_tempest_plugin';
const REGEX = process.env.PIER_TEMPEST_REGEX
  ?? `^(tempest\\.api\\.(identity|network|compute|image)${existsSync(HEAT_PLUGIN) ? '|heat_tempest_plugin\\.tests\\.api' : ''})`;
const TEMPEST = '/usr/bin/tempest';
// Upstream Tempest's subnet delete instead of Debian's (tempest/python/sitecustomize.py says why).
const PYTHONPATH = resolve(import.meta.dirname, '../../../test/conformance/tempest/python');

const missing = existsSync(TEMPEST) ? undefined : `no ${TEMPEST} (Debian's tempest package; scripts/install.sh --system installs it)`;
// CI must prove it: there a missing Tempest fails instead of skipping.
if (missing && process.env.CI === 'true') throw new Error(missing);

function run(cmd: string, args: string[], cwd: string, log: string): Promise<number | null> {
  return new Promise((done, fail) => {
    const out = createWriteStream(log);
    const env = { ...process.env, PYTHONPATH: [PYTHONPATH, process.env.PYTHONPATH].filter(Boolean).join(':') };
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.once('error', fail);
    child.once('close', (code) => { out.end(); done(code); });
  });
}

function shell(script: string, cwd: string): Promise<void> {
  return new Promise((done, fail) => execFile('bash', ['-c', script], { cwd },
    (err, _stdout, stderr) => (err ? fail(new Error(`${script}: ${stderr}`)) : done())));
}

/** The seeded busybox image and the m1.tiny / m1.small flavors; Compute's newest microversion. */
async function bootSource(url: string) {
  const token = await tokenFor(url, 'admin', ADMIN_PASSWORD, 'admin');
  const images = await call<{ images: { id: string }[] }>(url, 'GET', '/image/v2/images?name=busybox', { token });
  const versions = await call<{ version: { version: string } }>(url, 'GET', '/compute/v2.1', { token });
  assert.equal(images.body.images.length, 1, 'the seeded busybox image');
  return { imageRef: images.body.images[0]!.id, flavorRef: '1', flavorRefAlt: '2', maxMicroversion: versions.body.version.version };
}

test(`Tempest ${REGEX} passes what tempest-expected.txt lists`, { skip: missing, timeout: 45 * 60_000 }, async () => {
  const pier = await startPierProcess('sqlite');
  const workspace = mkdtempSync(join(tmpdir(), 'pier-tempest-'));
  let keep = process.env.PIER_TEMPEST_KEEP === '1';
  try {
    const compute = await bootSource(pier.url);
    const orchestration = existsSync(HEAT_PLUGIN);
    const conf = writeWorkspace({
      url: pier.url, adminPassword: ADMIN_PASSWORD, services: { compute: true, image: true, orchestration }, compute,
      ...(orchestration ? { orchestration: { demoPassword: DEMO_PASSWORD, imageRef: compute.imageRef } } : {}),
    }, workspace);
    const log = join(workspace, 'tempest-run.log');
    const started = Date.now();
    const code = await run(TEMPEST, ['run', '--config-file', conf, '--regex', REGEX, '--concurrency', '2'], workspace, log);
    const seconds = Math.round((Date.now() - started) / 1000);
    // Both exit non-zero when a test failed: the CSV is read whatever their status.
    await shell('stestr last --subunit > results.subunit || true; subunit2csv < results.subunit > results.csv || true', workspace);
    const csv = readFileSync(join(workspace, 'results.csv'), 'utf8');
    const results = parseResults(csv);
    assert.ok(results.size > 0, `tempest ran no test (exit ${code}):\n${readFileSync(log, 'utf8').slice(-4000)}`);

    const selected = new RegExp(REGEX);
    const expected = readExpected(EXPECTED);
    const inScope = expected.filter((n) => selected.test(n));
    const regressions = inScope.filter((n) => results.get(n) !== 'passed');
    const listed = new Set(expected);
    const newlyPassing = [...results].filter(([n, o]) => o === 'passed' && !listed.has(n)).map(([n]) => n).sort();
    const c = count(results);
    console.log(`tempest ${REGEX}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped in ${seconds} s`
      + ` (${inScope.length} expected to pass, ${regressions.length} did not)`);
    if (newlyPassing.length) console.log(`newly passing (not yet in tempest-expected.txt):\n  ${newlyPassing.join('\n  ')}`);
    if (newlyPassing.length && process.env.PIER_TEMPEST_GROW === '1') growExpected(EXPECTED, HEADER, expected, newlyPassing);
    if (regressions.length) {
      keep = true;
      console.log(`tempest's log and workspace: ${workspace}`);
    }
    assert.deepEqual(regressions.map((n) => `${n}: ${results.get(n) ?? 'not run'}`), [], 'tests in tempest-expected.txt that no longer pass');
  } finally {
    await pier.cleanup();
    if (!keep) rmSync(workspace, { recursive: true, force: true });
  }
});
