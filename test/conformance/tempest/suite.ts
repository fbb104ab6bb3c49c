// One Tempest run against a fresh `pier up`, judged against a checked-in list of tests expected
// to pass: a listed test that does not pass fails; new passes are printed (and, with
// PIER_TEMPEST_GROW=1, added to the list). PIER_TEMPEST_KEEP=1 keeps the workspace.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { appendFileSync, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ADMIN_PASSWORD } from '../../support/pier.js';
import { startPierProcess } from '../../support/process.js';
import { writeWorkspace, type TempestTarget } from './config.js';
import { count, growExpected, parseResults, readExpected } from './results.js';

export const TEMPEST = '/usr/bin/tempest';
// Patches of Debian's Tempest and its plugins, each with its reason (python/sitecustomize.py).
const PYTHONPATH = resolve(import.meta.dirname, '../../../../test/conformance/tempest/python');

/** Why Tempest cannot run here, or undefined; under CI a missing Tempest fails instead of skipping. */
export function tempestMissing(): string | undefined {
  const missing = existsSync(TEMPEST) ? undefined : `no ${TEMPEST} (Debian's tempest package; scripts/install.sh --system installs it)`;
  if (missing && process.env.CI === 'true') throw new Error(missing);
  return missing;
}

export interface Suite {
  /** The tests to run (PIER_TEMPEST_REGEX narrows a run while iterating). */
  regex: string;
  /** The expected-pass list, and the header it is written with when grown. */
  expected: string;
  header: string;
  /** What the Pier needs before Tempest starts (resources to make, services to enable); answers the target's additions and more tempest.conf text. */
  prepare?(url: string): Promise<{ target?: Partial<TempestTarget>; conf?: string }>;
}

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

export async function runSuite(suite: Suite): Promise<void> {
  const regex = process.env.PIER_TEMPEST_REGEX ?? suite.regex;
  const pier = await startPierProcess('sqlite');
  const workspace = mkdtempSync(join(tmpdir(), 'pier-tempest-'));
  let keep = process.env.PIER_TEMPEST_KEEP === '1';
  try {
    const extra = (await suite.prepare?.(pier.url)) ?? {};
    const conf = writeWorkspace({ url: pier.url, adminPassword: ADMIN_PASSWORD, services: {}, ...extra.target }, workspace);
    if (extra.conf) appendFileSync(conf, `\n${extra.conf}`);
    const log = join(workspace, 'tempest-run.log');
    const started = Date.now();
    const code = await run(TEMPEST, ['run', '--config-file', conf, '--regex', regex, '--concurrency', '2'], workspace, log);
    const seconds = Math.round((Date.now() - started) / 1000);
    // Both exit non-zero when a test failed: the CSV is read whatever their status.
    await shell('stestr last --subunit > results.subunit || true; subunit2csv < results.subunit > results.csv || true', workspace);
    const results = parseResults(readFileSync(join(workspace, 'results.csv'), 'utf8'));
    assert.ok(results.size > 0, `tempest ran no test (exit ${code}):\n${readFileSync(log, 'utf8').slice(-4000)}`);

    const selected = new RegExp(regex);
    const expected = readExpected(suite.expected);
    const inScope = expected.filter((n) => selected.test(n));
    const regressions = inScope.filter((n) => results.get(n) !== 'passed');
    const listed = new Set(expected);
    const newlyPassing = [...results].filter(([n, o]) => o === 'passed' && !listed.has(n)).map(([n]) => n).sort();
    const c = count(results);
    console.log(`tempest ${regex}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped in ${seconds} s`
      + ` (${inScope.length} expected to pass, ${regressions.length} did not)`);
    if (newlyPassing.length) console.log(`newly passing (not yet in ${suite.expected}):\n  ${newlyPassing.join('\n  ')}`);
    if (newlyPassing.length && process.env.PIER_TEMPEST_GROW === '1') growExpected(suite.expected, suite.header, expected, newlyPassing);
    if (regressions.length) {
      keep = true;
      console.log(`tempest's log and workspace: ${workspace}`);
    }
    assert.deepEqual(regressions.map((n) => `${n}: ${results.get(n) ?? 'not run'}`), [], `tests in ${suite.expected} that no longer pass`);
  } finally {
    await pier.cleanup();
    if (!keep) rmSync(workspace, { recursive: true, force: true });
  }
}
