// Nova's remote console API on the fake runtime (which runs no processes, so it has no serial
// console to give): the route needs 2.6, the body is checked as Nova's schema checks it, another
// project's server is not found, and the fake runtime answers Nova's "Unavailable console type".
// The console itself (a shell over the websocket) is test/system/compute-serial-console.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_PASSWORD, call, startTestPier, tokenFor, type TestPier } from '../support/pier.js';
import { WebSocket } from 'ws';

describe('compute: remote consoles (fake runtime)', () => {
  let t: TestPier;
  let demo: string;
  let server: string;
  const nova = (token: string, method: string, path: string, body?: unknown, version = '2.79') =>
    call(t.url, method, `/compute/v2.1${path}`, { token, body, headers: { 'openstack-api-version': `compute ${version}` } });
  const serial = { remote_console: { protocol: 'serial', type: 'serial' } };

  before(async () => {
    t = await startTestPier();
    demo = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
    const image = (await call(t.url, 'GET', '/image/v2/images?name=busybox', { token: demo })).body.images[0].id;
    const r = await nova(demo, 'POST', '/servers', { server: { name: 'rc', imageRef: image, flavorRef: '1', networks: 'none' } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    server = r.body.server.id;
  });
  after(() => t.close());

  test('below 2.6 the route does not exist', async () => {
    const r = await nova(demo, 'POST', `/servers/${server}/remote-consoles`, serial, '2.5');
    assert.equal(r.status, 404, JSON.stringify(r.body));
    assert.equal(r.body.itemNotFound.code, 404);
  });

  test('the body is checked as Nova checks it', async () => {
    for (const [body, pattern] of [
      [{}, /'remote_console' is a required property/],
      [{ remote_console: { protocol: 'serial' } }, /'type' is a required property/],
      [{ remote_console: { protocol: 'telnet', type: 'serial' } }, /'telnet' is not one of/],
      [{ remote_console: { protocol: 'serial', type: 'serial', extra: 1 } }, /Additional properties are not allowed/],
      [{ remote_console: { protocol: 'vnc', type: 'novnc' } }, /Unavailable console type novnc/],
    ] as const) {
      const r = await nova(demo, 'POST', `/servers/${server}/remote-consoles`, body);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.body.badRequest.message, pattern);
    }
  });

  test('another project\'s server is not found; the fake runtime has no serial console', async () => {
    const other = await nova(demo, 'POST', '/servers/00000000-0000-0000-0000-000000000000/remote-consoles', serial);
    assert.equal(other.status, 404);
    const none = await nova(demo, 'POST', `/servers/${server}/remote-consoles`, serial);
    assert.equal(none.status, 400, JSON.stringify(none.body));
    assert.match(none.body.badRequest.message, /Unavailable console type serial/);
    const legacy = await nova(demo, 'POST', `/servers/${server}/action`, { 'os-getSerialConsole': { type: 'serial' } }, '2.1');
    assert.equal(legacy.status, 400, JSON.stringify(legacy.body));
    const badType = await nova(demo, 'POST', `/servers/${server}/action`, { 'os-getSerialConsole': { type: 'novnc' } }, '2.1');
    assert.equal(badType.status, 400);
  });

  test('a websocket without a valid token is refused; other paths are not served', async () => {
    const base = t.url.replace(/^http/, 'ws');
    for (const path of ['/compute/serial-console/?token=nope', '/compute/serial-console/', '/networking/x']) {
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`${base}${path}`);
        ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
        ws.on('open', () => { resolve(101); ws.close(); });
        ws.on('error', () => resolve(-1));
      });
      assert.ok(status === 401 || status === 404, `${path}: ${status}`);
    }
  });
});
