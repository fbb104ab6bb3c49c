// The long-lived `ip -batch` session (root): failures are reported per request, and a request
// that never finishes ends the process, so the next one runs on a fresh one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IpSession } from '../../src/dataplane/linux/ip-session.js';
import { Namespaces, inNs, requireRoot, uniquePrefix } from '../support/system.js';

requireRoot();

describe('ip batch session', () => {
  const nss = new Namespaces(uniquePrefix());
  let ns: string;
  before(async () => { ns = await nss.add('ip'); });
  after(() => nss.cleanup());

  test('runs a request, names the lines that failed, and recovers from one that never ends', async () => {
    const session = new IpSession(ns, 500);
    try {
      await session.run(['link add d0 type veth peer name e0', 'link set d0 up']);
      assert.match((await inNs(ns, 'ip', 'link', 'show', 'd0')).stdout, /d0/);
      await assert.rejects(session.run(['link del nope0', 'link add d1 type veth peer name e1']), /link del nope0/);
      assert.match((await inNs(ns, 'ip', 'link', 'show', 'd1')).stdout, /d1/, 'the lines after a failure still run');
      // `monitor` in a batch never returns: the request fails once it is stuck, not forever.
      const started = Date.now();
      await assert.rejects(session.run(['monitor link']), /ip exited|failed/);
      assert.ok(Date.now() - started < 5000);
      await session.run(['link add d2 type veth peer name e2']);
      assert.match((await inNs(ns, 'ip', 'link', 'show', 'd2')).stdout, /d2/, 'a fresh process takes the next request');
    } finally {
      session.close();
    }
  });
});
