// Root: Nova's serial console on the runc runtime. Both APIs (remote-consoles 2.6+ and the legacy
// os-getSerialConsole action) answer a ws:// URL; through it a shell in the server's container
// runs `hostname` and answers the server's name; a token works once; the openstack CLI's
// `console url show --serial` prints such a URL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { DEMO_PASSWORD, call, startTestPier, tokenFor, type TestPier } from '../support/pier.js';
import { requireRoot, sh, uniquePrefix, waitFor } from '../support/system.js';

requireRoot();

/** Opens `url`, sends `input`, collects output until `until` matches (or throws after `ms`). */
export function converse(url: string, input: string, until: RegExp, ms = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['binary']);
    let out = '';
    const timer = setTimeout(() => { ws.terminate(); reject(new Error(`no ${until} in ${JSON.stringify(out)}`)); }, ms);
    ws.on('open', () => setTimeout(() => ws.send(Buffer.from(input)), 200));
    ws.on('message', (d: Buffer) => {
      out += d.toString();
      if (until.test(out)) { clearTimeout(timer); ws.close(); resolve(out); }
    });
    ws.on('unexpected-response', (_q, res) => { clearTimeout(timer); reject(new Error(`HTTP ${res.statusCode}`)); });
    ws.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

describe('serial console on the runc runtime', () => {
  const prefix = uniquePrefix();
  let t: TestPier;
  let token: string;
  let server: string;
  const nova = (method: string, path: string, body?: unknown, version = '2.79') =>
    call(t.url, method, `/compute/v2.1${path}`, { token, body, headers: { 'openstack-api-version': `compute ${version}` } });

  before(async () => {
    t = await startTestPier({
      dataplane: { driver: 'linuxbridge', namespace: `${prefix}-dp`, hostId: 'console-test', vtep: '127.0.0.1', physnets: {} },
      compute: { driver: 'runc' },
    });
    token = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
    const image = (await call(t.url, 'GET', '/image/v2/images?name=busybox', { token })).body.images[0].id;
    const r = await nova('POST', '/servers', { server: { name: 'console-box', imageRef: image, flavorRef: '1', networks: 'none' } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    server = r.body.server.id;
    await waitFor('server ACTIVE', async () => {
      const s = (await nova('GET', `/servers/${server}`)).body.server;
      if (s.status === 'ERROR') throw new Error(JSON.stringify(s.fault));
      return s.status === 'ACTIVE' && s['OS-EXT-STS:task_state'] === null;
    }, 30_000);
  });
  after(async () => {
    await nova('DELETE', `/servers/${server}`).catch(() => {});
    await waitFor('server gone', async () => (await nova('GET', `/servers/${server}`)).status === 404, 30_000).catch(() => {});
    await t.close();
  });

  test('remote-consoles answers a ws:// URL whose shell is inside the container; the token works once', async () => {
    const r = await nova('POST', `/servers/${server}/remote-consoles`, { remote_console: { protocol: 'serial', type: 'serial' } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.remote_console.protocol, 'serial');
    assert.equal(r.body.remote_console.type, 'serial');
    const url = r.body.remote_console.url as string;
    assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+\/compute\/serial-console\/\?token=[\w-]{20,}$/);
    const out = await converse(url, 'hostname; echo "done-$((6*7))"\n', /done-42/);
    assert.match(out, /console-box/);
    await assert.rejects(converse(url, 'hostname\n', /x/, 3000), /HTTP 401/);
  });

  test('the legacy os-getSerialConsole action answers one too', async () => {
    const r = await nova('POST', `/servers/${server}/action`, { 'os-getSerialConsole': { type: 'serial' } }, '2.1');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.console.type, 'serial');
    const out = await converse(r.body.console.url, 'uname -n; echo "end-$((1+1))"\n', /end-2/);
    assert.match(out, /console-box/);
  });

  test('an unknown server has no console', async () => {
    const r = await nova('POST', '/servers/00000000-0000-0000-0000-000000000000/remote-consoles', { remote_console: { protocol: 'serial', type: 'serial' } });
    assert.equal(r.status, 404);
  });

  test('openstack console url show --serial prints the URL', async () => {
    const clouds = join(t.dataDir, 'clouds-test.yaml');
    writeFileSync(clouds, `clouds:\n  demo:\n    auth:\n      auth_url: ${t.url}/identity/v3\n      username: demo\n      password: ${DEMO_PASSWORD}\n      project_name: demo\n      user_domain_name: Default\n      project_domain_name: Default\n    region_name: RegionOne\n    identity_api_version: 3\n`);
    const r = await sh('env', [`OS_CLIENT_CONFIG_FILE=${clouds}`, 'openstack', '--os-cloud', 'demo', 'console', 'url', 'show', '--serial', server, '-f', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const shown = JSON.parse(r.stdout) as { type: string; url: string };
    assert.equal(shown.type, 'serial');
    const out = await converse(shown.url, 'hostname; echo "cli-$((2+3))"\n', /cli-5/);
    assert.match(out, /console-box/);
  });
});
