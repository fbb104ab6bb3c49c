// One regression test per class of fault the fuzzer (test/api/fuzz.test.ts) found: URLs the
// router refuses, NUL characters, bodies too deep or not objects, prototype names as keys,
// numbers past what SQL holds, and a foreign key left to the database. Each answer must be a
// 4xx in the service's own error body, and nothing may be written.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, testStores, type Reply } from '../support/pier.js';
import { neutronError, startCloud, type Cloud } from '../support/networking.js';

const NOWHERE = '22222222-2222-4222-8222-222222222222';

function keystoneError(r: Reply, status: number): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.error.code, status, JSON.stringify(r.body));
}
function novaError(r: Reply, status: number, name: string, message?: RegExp): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body[name]?.code, status, JSON.stringify(r.body));
  if (message) assert.match(r.body[name].message, message);
}

for (const store of testStores()) describe(`robustness: hostile input on ${store}`, () => {
  let c: Cloud;
  let server: string;
  before(async () => {
    c = await startCloud(store);
    const net = await c.demo.network({ name: 'rb-net' });
    await c.demo.subnet(net.id, '10.91.0.0/24');
    const busybox = (await call(c.t.url, 'GET', '/image/v2/images?name=busybox', { token: c.demo.token })).body.images[0].id;
    const r = await nova('demo', 'POST', '/servers', { server: { name: 'rb', imageRef: busybox, flavorRef: '1', networks: [{ uuid: net.id }], metadata: { a: 'b' } } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    server = r.body.server.id;
  });
  after(() => c.close());

  const token = (who: 'admin' | 'demo') => c[who].token;
  const nova = (who: 'admin' | 'demo', method: string, path: string, body?: unknown) => call(c.t.url, method, `/compute/v2.1${path}`, { token: token(who), body });
  const ks = (method: string, path: string, body?: unknown) => call(c.t.url, method, `/identity/v3${path}`, { token: c.admin.token, body });

  test('URLs the router refuses answer in the service\'s error body', async () => {
    neutronError(await c.demo.get('/networks/%FF'), 400, 'HTTPBadRequest');
    keystoneError(await ks('GET', '/projects/%ED%A0%80'), 400);
    neutronError(await c.demo.get(`/networks/${'x'.repeat(3000)}`), 414, 'HTTPRequestURITooLong');
    // A 255-character Neutron tag (the longest allowed) fits in a path segment.
    const net = await c.demo.network({ name: 'tagged' });
    assert.equal((await c.demo.put(`/networks/${net.id}/tags/${'t'.repeat(255)}`)).status, 201);
  });

  test('a NUL in the URL or the body is a 400 on every store, and nothing is written', async () => {
    neutronError(await c.demo.get('/networks/a%00b'), 400, 'HTTPBadRequest');
    keystoneError(await ks('GET', '/users/%00'), 400);
    const before = (await c.demo.read('/networks')).networks.length;
    neutronError(await c.demo.post('/networks', { network: { name: 'nul\u0000name' } }), 400, 'HTTPBadRequest');
    keystoneError(await ks('POST', '/domains', { domain: { name: 'd', id: 'nul\u0000id' } }), 400);
    assert.equal((await c.demo.read('/networks')).networks.length, before);
  });

  test('bodies nested too deep or not objects are 400s, not 500s', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 150; i++) deep = { a: deep };
    novaError(await nova('demo', 'POST', '/servers', deep), 400, 'badRequest');
    for (const body of ['false', '"300.1.1.1"', '[]', 'null']) {
      novaError(await nova('admin', 'POST', '/flavors/1/action', body), 400, 'badRequest');
    }
    // Where the media type is wrong, that is said first (415), whatever the JSON holds.
    const image = await call(c.t.url, 'POST', '/image/v2/images', { token: c.demo.token, body: { name: 'rb', disk_format: 'raw', container_format: 'bare' } });
    for (const path of [`/image/v2/images/${image.body.id}`, `/image/v2/images/${image.body.id}/file`]) {
      const r = await call(c.t.url, path.endsWith('file') ? 'PUT' : 'PATCH', path, { token: c.demo.token, body: '[]' });
      assert.equal(r.status, 415, `${path}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.code, /^415 /);
    }
  });

  test('prototype names find no attribute, action, key, quota or sort key', async () => {
    neutronError(await c.demo.post('/networks', { network: { name: 'x', constructor: 1 } }), 400, 'HTTPBadRequest');
    neutronError(await c.demo.post('/networks', JSON.parse('{"network": {"__proto__": {"admin": true}}}')), 400, 'HTTPBadRequest');
    novaError(await nova('admin', 'GET', '/flavors/1/os-extra_specs/constructor'), 404, 'itemNotFound');
    novaError(await nova('admin', 'DELETE', '/flavors/1/os-extra_specs/toString'), 404, 'itemNotFound');
    novaError(await nova('demo', 'GET', `/servers/${server}/metadata/toString`), 404, 'itemNotFound');
    novaError(await nova('demo', 'DELETE', `/servers/${server}/metadata/constructor`), 404, 'itemNotFound');
    novaError(await nova('demo', 'POST', `/servers/${server}/action`, { constructor: null }), 400, 'badRequest', /no such action/);
    const quota = await c.admin.put(`/quotas/${c.demo.projectId}`, { quota: { constructor: 5 } });
    neutronError(quota, 400, 'HTTPBadRequest');
    assert.equal(Object.hasOwn((await c.admin.read(`/quotas/${c.demo.projectId}`)).quota, 'constructor'), false);
    const heat = await call(c.t.url, 'GET', `/orchestration/v1/${c.demo.projectId}/stacks?sort_keys=constructor`, { token: c.demo.token });
    assert.equal(heat.status, 400, JSON.stringify(heat.body));
    assert.equal(heat.body.error.type, 'HTTPBadRequest');
  });

  test('a repeated query key is read as its last value where Nova reads one', async () => {
    const flavors = await nova('demo', 'GET', '/flavors/detail?sort_dir=asc&sort_dir=desc&sort_key=ram&sort_key=id');
    assert.equal(flavors.status, 200, JSON.stringify(flavors.body));
    novaError(await nova('demo', 'GET', '/flavors/detail?sort_dir=asc&sort_dir=sideways'), 400, 'badRequest');
    assert.equal((await nova('admin', 'GET', `/os-keypairs?user_id=x&user_id=${NOWHERE}`)).status, 200);
  });

  test('numbers past what SQL holds are refused or match nothing', async () => {
    assert.equal((await nova('admin', 'GET', '/servers?limit=18446744073709551617')).status, 200);
    assert.equal((await c.demo.get('/networks?limit=99999999999999999999')).status, 200);
    const none = await c.admin.read('/networks?provider:segmentation_id=99999999999999999999');
    assert.deepEqual(none.networks, []);
    assert.deepEqual((await c.admin.read('/networks?provider:segmentation_id=x')).networks, []);
    neutronError(await c.admin.put(`/quotas/${c.demo.projectId}`, { quota: { network: 1e300 } }), 400, 'HTTPBadRequest');
  });

  test('a catalog entry naming a missing region or service is a 400 on every way in', async () => {
    const svc = (await ks('POST', '/services', { service: { type: 'rb', name: 'rb' } })).body.service;
    const ep = (await ks('POST', '/endpoints', { endpoint: { service_id: svc.id, interface: 'public', url: 'http://rb.invalid/' } })).body.endpoint;
    keystoneError(await ks('PATCH', `/endpoints/${ep.id}`, { endpoint: { service_id: NOWHERE } }), 400);
    keystoneError(await ks('PATCH', `/endpoints/${ep.id}`, { endpoint: { region_id: NOWHERE } }), 400);
    assert.equal((await ks('GET', `/endpoints/${ep.id}`)).body.endpoint.service_id, svc.id);
    keystoneError(await ks('PUT', '/regions/rb-child', { region: { parent_region_id: NOWHERE } }), 400);
    keystoneError(await ks('POST', '/regions', { region: { id: 'rb-child2', parent_region_id: NOWHERE } }), 400);
    assert.equal((await ks('PUT', '/regions/rb-region', { region: {} })).status, 201);
    keystoneError(await ks('PATCH', '/regions/rb-region', { region: { parent_region_id: NOWHERE } }), 400);
    assert.equal((await ks('GET', '/regions/rb-child')).status, 404);
  });
});
