// The dashboard's server side over real HTTP: the page and its assets (gzipped, a strict CSP,
// nothing from elsewhere, within the weight budget), and the change stream — a token is
// required, a user hears its own project's changes, never another project's ids.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { ADMIN_PASSWORD, DEMO_PASSWORD, call, startTestPier, tokenFor, type TestPier } from '../support/pier.js';

/** GET `path` raw (gzip asked), with its headers. */
function get(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(`${base}${path}`, { headers: { 'accept-encoding': 'gzip', ...headers }, agent: false }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
}

/** Reads the change stream as `token` until `until` holds of what came, or `ms` pass. */
function listen(base: string, token: string, ms: number, until: (changes: { resource: string; id?: string }[]) => boolean): Promise<{ resource: string; id?: string }[]> {
  return new Promise((resolve, reject) => {
    const seen: { resource: string; id?: string }[] = [];
    const req = request(`${base}/dashboard/events`, { headers: { 'x-auth-token': token }, agent: false }, (r) => {
      let buf = '';
      const done = () => { clearTimeout(timer); req.destroy(); resolve(seen); };
      const timer = setTimeout(done, ms);
      r.on('data', (c: Buffer) => {
        buf += c.toString();
        for (let cut = buf.indexOf('\n\n'); cut >= 0; cut = buf.indexOf('\n\n')) {
          const m = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const data = /^event: changes\ndata: (.*)$/m.exec(m)?.[1];
          if (data) seen.push(...(JSON.parse(data) as typeof seen));
        }
        if (until(seen)) done();
      });
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
    req.end();
  });
}

describe('dashboard: page, assets and change stream', () => {
  let t: TestPier;
  let demo: string;
  let admin: string;
  before(async () => {
    t = await startTestPier();
    demo = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
    admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
  });
  after(() => t.close());

  test('the page and its assets: no token needed, gzipped, a strict CSP, only its own origin, ≤ 300 kB', async () => {
    const page = await get(t.url, '/dashboard');
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-encoding'], 'gzip');
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'.*frame-ancestors 'none'/);
    const html = gunzipSync(page.body).toString();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((u) => !u.startsWith('data:'));
    assert.ok(refs.length >= 2 && refs.every((u) => u.startsWith('/dashboard/assets/')), refs.join(' '));
    let weight = page.body.length;
    const js = await get(t.url, '/dashboard/assets/app.js');
    assert.equal(js.status, 200);
    assert.match(String(js.headers['content-type']), /javascript/);
    const code = gunzipSync(js.body).toString();
    assert.doesNotMatch(code, /https?:\/\/(?!www\.w3\.org)[a-z]/i, 'the client names no other origin');
    // Every chunk the page may load (the terminal's comes later): the whole weight counts.
    const chunks = [...code.matchAll(/"\.\/(chunk-[\w]+\.js)"/g)].map((m) => m[1]!);
    for (const f of ['app.js', 'app.css', ...new Set(chunks)]) weight += (await get(t.url, `/dashboard/assets/${f}`)).body.length;
    assert.ok(weight < 300 * 1024, `${weight} bytes gzipped`);
    const again = await get(t.url, '/dashboard/assets/app.js', { 'if-none-match': String(js.headers.etag) });
    assert.equal(again.status, 304);
    const missing = await call(t.url, 'GET', '/dashboard/assets/nope.js');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 404);
  });

  test('the change stream needs a token', async () => {
    const r = await call(t.url, 'GET', '/dashboard/events');
    assert.equal(r.status, 401);
    assert.equal(typeof r.body.error.message, 'string');
    const bad = await call(t.url, 'GET', '/dashboard/events', { token: 'not-a-token' });
    assert.equal(bad.status, 401);
  });

  test('a member hears its own project\'s changes and not another project\'s ids', async () => {
    const demoHears = listen(t.url, demo, 5000, (c) => c.some((x) => x.resource === 'network' && x.id));
    await new Promise((r) => setTimeout(r, 200));
    const theirs = await call(t.url, 'POST', '/networking/v2.0/networks', { token: admin, body: { network: { name: 'admins' } } });
    const mine = await call(t.url, 'POST', '/networking/v2.0/networks', { token: demo, body: { network: { name: 'mine' } } });
    const heard = await demoHears;
    assert.ok(heard.some((c) => c.resource === 'network' && c.id === mine.body.network.id), JSON.stringify(heard));
    assert.ok(!JSON.stringify(heard).includes(theirs.body.network.id), JSON.stringify(heard));
  });
});
