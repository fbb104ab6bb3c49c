// Glance v2 beyond the image CRUD (both stores): the JSON schemas clients build forms from,
// v2.0's JSON-patch form, deactivate / reactivate with the download refused meanwhile, and
// the empty image id Glance does not find.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, testStores } from '../support/pier.js';
import { startCloud, type Client, type Cloud } from '../support/networking.js';

for (const store of testStores()) describe(`image: glance v2 extras on ${store}`, () => {
  let c: Cloud;
  before(async () => { c = await startCloud(store); });
  after(() => c.close());
  const img = (who: Client, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    call(c.t.url, method, `/image${path}`, { token: who.token, body, headers });

  test('schemas: image, images, members and the metadata definitions', async () => {
    const image = (await img(c.demo, 'GET', '/v2/schemas/image')).body;
    assert.equal(image.name, 'image');
    assert.ok(image.properties.disk_format.enum.includes('raw'));
    assert.deepEqual(image.additionalProperties, { type: 'string' });
    assert.equal((await img(c.demo, 'GET', '/v2/schemas/images')).body.properties.images.items.name, 'image');
    assert.equal((await img(c.demo, 'GET', '/v2/schemas/members')).body.name, 'members');
    const names: Record<string, string> = {
      namespace: 'namespace', namespaces: 'namespaces', resource_type: 'resource_type_association', resource_types: 'resource_type_associations',
      object: 'object', objects: 'objects', property: 'property', properties: 'properties', tag: 'tag', tags: 'tags',
    };
    for (const [path, name] of Object.entries(names)) assert.equal((await img(c.demo, 'GET', `/v2/schemas/metadefs/${path}`)).body.name, name, path);
    const missing = await img(c.demo, 'GET', '/v2/schemas/nothing');
    assert.equal(missing.status, 404);
    assert.match(missing.body.code, /^404 /);
  });

  test('v2.0 patches, deactivate and reactivate, the empty id', async () => {
    const made = (await img(c.demo, 'POST', '/v2/images', { name: 'extras', disk_format: 'raw', container_format: 'bare' })).body;
    const v20 = { 'content-type': 'application/openstack-images-v2.0-json-patch' };
    const patched = await img(c.demo, 'PATCH', `/v2/images/${made.id}`, [{ replace: '/name', value: 'renamed' }, { add: '/os_distro', value: 'busybox' }], v20);
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.name, 'renamed');
    assert.equal(patched.body.os_distro, 'busybox');
    assert.equal((await img(c.demo, 'PATCH', `/v2/images/${made.id}`, [{ op: 'replace', path: '/name', value: 'x' }], v20)).status, 400);
    // A queued image has nothing to deactivate.
    assert.equal((await img(c.demo, 'POST', `/v2/images/${made.id}/actions/deactivate`)).status, 403);
    const data = Buffer.from('pier');
    const put = await fetch(`${c.t.url}/image/v2/images/${made.id}/file`, { method: 'PUT', body: new Uint8Array(data), headers: { 'x-auth-token': c.demo.token, 'content-type': 'application/octet-stream' } });
    assert.equal(put.status, 204);
    assert.equal((await img(c.demo, 'POST', `/v2/images/${made.id}/actions/deactivate`)).status, 204);
    assert.equal((await img(c.demo, 'GET', `/v2/images/${made.id}`)).body.status, 'deactivated');
    const refused = await fetch(`${c.t.url}/image/v2/images/${made.id}/file`, { headers: { 'x-auth-token': c.demo.token } });
    assert.equal(refused.status, 403);
    assert.equal((await fetch(`${c.t.url}/image/v2/images/${made.id}/file`, { headers: { 'x-auth-token': c.admin.token } })).status, 200);
    assert.equal((await img(c.demo, 'POST', `/v2/images/${made.id}/actions/reactivate`)).status, 204);
    assert.equal(Buffer.from(await (await fetch(`${c.t.url}/image/v2/images/${made.id}/file`, { headers: { 'x-auth-token': c.demo.token } })).arrayBuffer()).toString(), 'pier');
    assert.equal((await img(c.demo, 'GET', '/v2/images/')).status, 404);
    assert.equal((await img(c.demo, 'DELETE', `/v2/images/${made.id}`)).status, 204);
  });
});
