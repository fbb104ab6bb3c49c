// Magnum's version documents and microversion headers, and cluster templates over real HTTP on
// both stores: create with every attribute, Magnum's checks (missing image / flavor /
// external network, image without os_distro, unsupported COE), list paging, show by name,
// JSON patch, delete — each bad request answered in Magnum's error body with nothing stored.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, testStores, tokenFor } from '../support/pier.js';
import { magnumError, startMagnum, type MagnumCloud } from '../support/clusters.js';

for (const store of testStores()) describe(`clusters: versions and templates on ${store}`, () => {
  let c: MagnumCloud;
  before(async () => { c = await startMagnum(store); });
  after(() => c.close());

  const count = async () => (await c.magnum('GET', '/v1/clustertemplates')).body.clustertemplates.length;

  test('version documents, microversion headers and 406s', async () => {
    const root = await call(c.t.url, 'GET', '/container-infra/');
    assert.equal(root.status, 200);
    assert.deepEqual(root.body.versions.map((v: any) => [v.id, v.min_version, v.max_version, v.status]), [['v1', '1.1', '1.14', 'CURRENT']]);
    const v1 = await call(c.t.url, 'GET', '/container-infra/v1');
    assert.equal(v1.status, 200);
    assert.ok(v1.body.clusters[0].href.endsWith('/container-infra/v1/clusters/'));
    assert.equal(v1.headers.get('openstack-api-minimum-version'), 'container-infra 1.1');
    assert.equal(v1.headers.get('openstack-api-maximum-version'), 'container-infra 1.14');
    assert.equal(v1.headers.get('openstack-api-version'), 'container-infra 1.1');
    const latest = await c.magnum('GET', '/v1/clustertemplates');
    assert.equal(latest.headers.get('openstack-api-version'), 'container-infra 1.14');
    const tooNew = await c.magnum('GET', '/v1/clusters', { version: '1.99' });
    assert.equal(tooNew.status, 406);
    assert.equal(tooNew.body.errors[0].code, 'magnum.microversion-unsupported');
    assert.equal(tooNew.body.errors[0].max_version, '1.14');
    assert.match(tooNew.body.errors[0].detail, /Version 1\.99 was requested but the minor version is not supported/);
    assert.equal((await c.magnum('GET', '/v1/clusters', { version: '2.0' })).status, 406);
    const junk = await call(c.t.url, 'GET', '/container-infra/v1/clusters', { token: c.demo, headers: { 'OpenStack-API-Version': 'compute 2.1' } });
    assert.equal(junk.status, 406);
    assert.match(junk.body.errors[0].detail, /Invalid service type/);
    // Routes newer than the version asked for are not there.
    assert.equal((await c.magnum('GET', '/v1/quotas', { version: '1.5' })).status, 404);
    // The catalog names the service.
    const cat = await call(c.t.url, 'GET', '/identity/v3/auth/catalog', { token: c.demo });
    assert.ok(cat.body.catalog.some((s: any) => s.type === 'container-infra' && s.name === 'magnum'));
    magnumError(await call(c.t.url, 'GET', '/container-infra/v1/clusters'), 401, /requires authentication/);
  });

  test('create shows every attribute; show by id and name; defaults as Magnum', async () => {
    const t = await c.template({ name: 'full', labels: { kube_tag: 'v1.27', n: 3 }, docker_volume_size: 5, dns_nameserver: '1.1.1.1', tags: 'a,b', master_lb_enabled: false, floating_ip_enabled: true, volume_driver: 'cinder', fixed_network: null });
    for (const k of ['uuid', 'name', 'coe', 'image_id', 'flavor_id', 'master_flavor_id', 'keypair_id', 'external_network_id', 'fixed_network', 'fixed_subnet',
      'network_driver', 'volume_driver', 'docker_volume_size', 'dns_nameserver', 'labels', 'tls_disabled', 'public', 'hidden', 'server_type',
      'master_lb_enabled', 'floating_ip_enabled', 'registry_enabled', 'tags', 'cluster_distro', 'project_id', 'user_id', 'created_at', 'links']) assert.ok(k in t, k);
    assert.equal(t.cluster_distro, 'pier-kubernetes');
    assert.equal(t.server_type, 'vm');
    assert.equal(t.tls_disabled, false);
    assert.equal(t.project_id, c.demoProject);
    assert.deepEqual(t.labels, { kube_tag: 'v1.27', n: 3 });
    const byName = await c.magnum('GET', '/v1/clustertemplates/full');
    assert.equal(byName.status, 200);
    assert.equal(byName.body.uuid, t.uuid);
    magnumError(await c.magnum('GET', '/v1/clustertemplates/nope'), 404, /ClusterTemplate nope could not be found/);
  });

  test('Magnum\'s checks: each bad template is refused and nothing is stored', async () => {
    const before = await count();
    const bad = async (body: Record<string, unknown>, status: number, detail: RegExp) => {
      const r = await c.magnum('POST', '/v1/clustertemplates', { body: { coe: 'kubernetes', image_id: 'busybox', external_network_id: 'public', flavor_id: 'm1.tiny', ...body } });
      magnumError(r, status, detail);
    };
    await bad({ image_id: 'no-such-image' }, 400, /Image no-such-image could not be found/);
    const plain = await c.api('image', 'POST', '/v2/images', { body: { name: 'plain', disk_format: 'raw', container_format: 'bare' } });
    await bad({ image_id: plain.body.id }, 400, /doesn't contain os_distro field/);
    await bad({ flavor_id: 'm9.huge' }, 400, /Unable to find flavor m9\.huge/);
    await bad({ master_flavor_id: 'm9.huge' }, 400, /Unable to find flavor m9\.huge/);
    await bad({ volume_driver: 'nodriver' }, 400, /Volume driver type nodriver is not supported, expecting a \["cinder"\] volume driver/);
    await bad({ external_network_id: 'nonet' }, 400, /Unable to find external network nonet/);
    const priv = await c.api('networking', 'POST', '/v2.0/networks', { body: { network: { name: 'private-only' } } });
    await bad({ external_network_id: priv.body.network.id }, 400, /Unable to find external network/);
    await bad({ coe: 'mesos' }, 400, /Invalid input for field\/attribute coe/);
    await bad({ coe: 'swarm-mode' }, 400, /Cluster type \(vm, pier-kubernetes, swarm-mode\) not supported/);
    await bad({ server_type: 'bm' }, 400, /Cluster type \(bm, pier-kubernetes, kubernetes\) not supported/);
    await bad({ network_driver: 'flannel' }, 400, /Network driver type flannel is not supported, expecting a \["pier-bridge","kuryr"\] network driver/);
    await bad({ coe: undefined }, 400, /coe.*Mandatory field missing/);
    await bad({ bogus: 1 }, 400, /Unknown attribute for argument cluster_template: bogus/);
    await bad({ docker_volume_size: 0 }, 400, /docker_volume_size/);
    await bad({ dns_nameserver: 'not-an-ip' }, 400, /dns/);
    await bad({ public: true }, 403, /Not authorized to set public or hidden flag/);
    await bad({ fixed_network: 'nowhere' }, 400, /Unable to find fixed network nowhere/);
    magnumError(await c.magnum('POST', '/v1/clustertemplates', { body: '{"coe":' }), 400, /Malformed JSON|json/i);
    assert.equal(await count(), before);
  });

  test('as magnum-tempest-plugin sends them: read-only attributes as null, a keypair made later, a patch that is not a list', async () => {
    // A template may name a keypair that does not exist yet; a cluster from it may not.
    const t = await c.template({ keypair_id: 'later-key', cluster_distro: null });
    assert.equal(t.keypair_id, 'later-key');
    assert.equal(t.cluster_distro, 'pier-kubernetes');
    const cl = await c.magnum('POST', '/v1/clusters', { body: { cluster_template_id: t.uuid } });
    magnumError(cl, 404, /Unable to find keypair later-key/);
    magnumError(await c.magnum('POST', '/v1/clustertemplates', { body: { coe: 'kubernetes', image_id: 'busybox', cluster_distro: 'x' } }), 400, /cluster_distro/);
    // The body's shape is refused before the template is looked up.
    magnumError(await c.magnum('PATCH', '/v1/clustertemplates/11111111-1111-4111-8111-111111111111', { body: { name: 'x' } }), 400, /patch/);
  });

  test('JSON patch: replace, add a label, remove; bad patches change nothing', async () => {
    const t = await c.template({ name: 'patchme' });
    const p = await c.magnum('PATCH', `/v1/clustertemplates/${t.uuid}`, {
      body: [{ op: 'replace', path: '/name', value: 'patched' }, { op: 'add', path: '/labels/foo', value: 'bar' }, { op: 'replace', path: '/docker_volume_size', value: 3 }],
    });
    assert.equal(p.status, 200, JSON.stringify(p.body));
    assert.equal(p.body.name, 'patched');
    assert.deepEqual(p.body.labels, { foo: 'bar' });
    assert.equal(p.body.docker_volume_size, 3);
    assert.ok(p.body.updated_at);
    const r = await c.magnum('PATCH', '/v1/clustertemplates/patched', { body: [{ op: 'remove', path: '/docker_volume_size' }] });
    assert.equal(r.status, 200);
    assert.equal(r.body.docker_volume_size, null);
    magnumError(await c.magnum('PATCH', '/v1/clustertemplates/patched', { body: [{ op: 'replace', path: '/uuid', value: 'x' }] }), 400, /internal attribute/);
    magnumError(await c.magnum('PATCH', '/v1/clustertemplates/patched', { body: [{ op: 'remove', path: '/coe' }] }), 400, /mandatory attribute/);
    magnumError(await c.magnum('PATCH', '/v1/clustertemplates/patched', { body: [{ op: 'add', path: '/nonsense', value: 1 }] }), 400, /Adding a new attribute/);
    magnumError(await c.magnum('PATCH', '/v1/clustertemplates/patched', { body: [{ op: 'jump', path: '/name' }] }), 400, /Invalid patch operation/);
    magnumError(await c.magnum('PATCH', '/v1/clustertemplates/patched', { body: { name: 'x' } }), 400, /list of patch operations/);
    magnumError(await c.magnum('PATCH', '/v1/clustertemplates/patched', { body: [{ op: 'replace', path: '/image_id', value: 'no-such' }] }), 400, /Image no-such could not be found/);
    magnumError(await c.magnum('PATCH', '/v1/clustertemplates/patched', { body: [{ op: 'replace', path: '/flavor_id', value: 'm9.huge' }] }), 400, /Unable to find flavor/);
    const after = (await c.magnum('GET', `/v1/clustertemplates/${t.uuid}`)).body;
    assert.equal(after.name, 'patched');
    assert.equal(after.image_id, 'busybox');
    assert.equal(after.flavor_id, 'm1.tiny');
    assert.equal((await c.magnum('DELETE', `/v1/clustertemplates/${t.uuid}`)).status, 204);
    assert.equal((await c.magnum('GET', `/v1/clustertemplates/${t.uuid}`)).status, 404);
  });

  test('lists page with limit / marker / next, sort_key and sort_dir; bad controls are 400', async () => {
    for (let i = 0; i < 5; i++) await c.template({ name: `page-${i}` });
    const all = (await c.magnum('GET', '/v1/clustertemplates')).body.clustertemplates.map((t: any) => t.uuid);
    const seen: string[] = [];
    let path = '/v1/clustertemplates?limit=2';
    for (let i = 0; i < 20 && path; i++) {
      const r = await c.magnum('GET', path);
      assert.equal(r.status, 200);
      assert.ok(r.body.clustertemplates.length <= 2);
      seen.push(...r.body.clustertemplates.map((t: any) => t.uuid));
      path = r.body.next ? r.body.next.slice(r.body.next.indexOf('/v1/')) : '';
    }
    assert.deepEqual(seen, all);
    const byName = (await c.magnum('GET', '/v1/clustertemplates?sort_key=name&sort_dir=desc')).body.clustertemplates.map((t: any) => t.name);
    assert.deepEqual(byName, [...byName].sort().reverse());
    assert.ok((await c.magnum('GET', '/v1/clustertemplates/detail')).body.clustertemplates.length >= 5);
    magnumError(await c.magnum('GET', '/v1/clustertemplates?sort_dir=up'), 400, /Invalid sort direction/);
    magnumError(await c.magnum('GET', '/v1/clustertemplates?sort_key=bogus'), 400, /invalid field for sorting/);
    magnumError(await c.magnum('GET', '/v1/clustertemplates?limit=0'), 400, /Limit must be positive/);
    magnumError(await c.magnum('GET', '/v1/clustertemplates?marker=00000000-0000-0000-0000-000000000000'), 404, /could not be found/);
  });

  test('visibility and policy: another project cannot see a private template; admin can publish; reader cannot create', async () => {
    const t = await c.template({ name: 'private-one' });
    assert.equal((await c.magnum('GET', `/v1/clustertemplates/${t.uuid}`, { token: c.admin })).status, 200);
    const pub = await c.magnum('POST', '/v1/clustertemplates', { token: c.admin, body: { name: 'shared', coe: 'kubernetes', image_id: 'busybox', public: true, external_network_id: 'public' } });
    assert.equal(pub.status, 201, JSON.stringify(pub.body));
    assert.equal((await c.magnum('GET', '/v1/clustertemplates/shared')).status, 200);
    magnumError(await c.magnum('DELETE', '/v1/clustertemplates/shared'), 403, /Policy doesn't allow clustertemplate:delete/);
    assert.equal((await c.magnum('DELETE', '/v1/clustertemplates/shared', { token: c.admin })).status, 204);
    // A reader of the project may look, not change.
    const ks = (method: string, path: string, body?: unknown) => call(c.t.url, method, `/identity/v3${path}`, { token: c.admin, body });
    const u = (await ks('POST', '/users', { user: { name: 'watcher', password: 'watcher-pass', domain_id: 'default' } })).body.user;
    const reader = (await ks('GET', '/roles?name=reader')).body.roles[0];
    assert.equal((await ks('PUT', `/projects/${c.demoProject}/users/${u.id}/roles/${reader.id}`)).status, 204);
    const rt = await tokenFor(c.t.url, 'watcher', 'watcher-pass', 'demo');
    assert.equal((await c.magnum('GET', `/v1/clustertemplates/${t.uuid}`, { token: rt })).status, 200);
    assert.equal((await c.magnum('GET', '/v1/clusters', { token: rt })).status, 200);
    magnumError(await c.magnum('POST', '/v1/clustertemplates', { token: rt, body: { coe: 'kubernetes', image_id: 'busybox' } }), 403, /Policy doesn't allow clustertemplate:create/);
    magnumError(await c.magnum('DELETE', `/v1/clustertemplates/${t.uuid}`, { token: rt }), 403, /Policy doesn't allow clustertemplate:delete/);
    magnumError(await c.magnum('POST', '/v1/clusters', { token: rt, body: { cluster_template_id: t.uuid } }), 403, /Policy doesn't allow cluster:create/);
  });
});
