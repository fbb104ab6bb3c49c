// Helpers for the Block Storage (Cinder v3) suites: requests under /volume/v3/{project} at a
// microversion, waiting for a status the controller writes, and Cinder's error body check.
import assert from 'node:assert/strict';
import { call, type Reply } from './pier.js';
import type { Client } from './networking.js';

/** One request as `who`, at microversion 3.`minor` (3.0 when not given). */
export function cinder(url: string, who: Client, method: string, path: string, body?: unknown, minor?: number | 'latest'): Promise<Reply> {
  const headers: Record<string, string> = minor === undefined ? {} : { 'openstack-api-version': `volume ${minor === 'latest' ? 'latest' : `3.${minor}`}` };
  return call(url, method, `/volume/v3/${who.projectId}${path}`, { token: who.token, body, headers });
}

/** Polls `path` until its `key` object has `status` (or `gone` for a 404), failing on an error status. */
export async function waitStatus(url: string, who: Client, path: string, key: string, status: string, ms = 20_000): Promise<any> {
  const end = Date.now() + ms;
  let last: Reply | undefined;
  while (Date.now() < end) {
    last = await cinder(url, who, 'GET', path);
    if (status === 'gone' && last.status === 404) return undefined;
    const s = last.body?.[key]?.status;
    if (s === status) return last.body[key];
    if (typeof s === 'string' && s.startsWith('error') && !status.startsWith('error')) assert.fail(`${path} went ${s}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${path} did not become ${status}: ${JSON.stringify(last?.body)}`);
}

/** Asserts Cinder's error body: {"<name>": {"code": status, "message": …}} with a message matching `message`. */
export function cinderError(r: Reply, status: number, name: string, message?: RegExp): void {
  const shown = `${r.status} ${JSON.stringify(r.body)}`;
  assert.equal(r.status, status, shown);
  assert.deepEqual(Object.keys(r.body ?? {}), [name], shown);
  assert.equal(r.body[name].code, status, shown);
  assert.equal(typeof r.body[name].message, 'string', shown);
  if (message) assert.match(r.body[name].message, message, shown);
}
