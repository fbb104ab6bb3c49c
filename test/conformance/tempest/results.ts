// Tempest's results, from the subunit stream of its last run (`stestr last --subunit`, turned
// into CSV by subunit2csv), and the checked-in list of tests expected to pass.
import { readFileSync, writeFileSync } from 'node:fs';

export type Outcome = 'passed' | 'failed' | 'skipped';

/** A test's name without Tempest's `[id-…,smoke]` attribute suffix. */
export function testName(id: string): string {
  return id.replace(/\[[^\]]*\]$/, '');
}

/** One CSV line of subunit2csv's `test,status,start_time,stop_time` (names never hold commas outside brackets). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) { out.push(cur); cur = ''; }
    else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Outcomes by test name. A class whose setUpClass failed shows up once as
 * `setUpClass (tempest.…Class)`: kept under that name, so it counts as failed.
 */
export function parseResults(csv: string): Map<string, Outcome> {
  const results = new Map<string, Outcome>();
  for (const line of csv.split('\n').slice(1)) {
    if (!line.trim()) continue;
    const [id, status] = splitCsv(line);
    if (!id || !status) continue;
    const outcome: Outcome | undefined = status === 'success' || status === 'xfail' ? 'passed'
      : status === 'skip' ? 'skipped' : status === 'fail' || status === 'failure' || status === 'uxsuccess' ? 'failed' : undefined;
    if (outcome) results.set(testName(id), outcome);
  }
  return results;
}

export function count(results: Map<string, Outcome>): Record<Outcome, number> {
  const c: Record<Outcome, number> = { passed: 0, failed: 0, skipped: 0 };
  for (const o of results.values()) c[o]++;
  return c;
}

/** The expected-pass list: one test name a line; `#` starts a comment. */
export function readExpected(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
}

/** Adds newly passing tests to the list (never removes one: a regression is fixed, not forgotten). */
export function growExpected(path: string, header: string, expected: string[], added: string[]): void {
  const all = [...new Set([...expected, ...added])].sort();
  writeFileSync(path, `${header}${all.join('\n')}\n`);
}
