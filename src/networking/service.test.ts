// Networking's in-process service functions: the API's rules (visibility, policy, errors, events)
// hold for callers that are not HTTP requests.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, DEMO_PASSWORD, call, startTestPier, testStores, tokenFor, type TestPier } from '../../test/support/pier.js';
import type { Caller } from './index.js';
import { identityModule } from '../identity/index.js';
import { networkingModule } from '../networking/index.js';

for (const store of testStores()) describe(`networking service functions on ${store}`, () => {
  let t: TestPier;
  let demo: Caller;
  let admin: Caller;
  let demoToken: string;

  before(async () => {
    t = await startTestPier({}, store);
    demoToken = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
    demo = t.pier.get(networkingModule).callerFor(await t.pier.get(identityModule).authenticate(demoToken));
    admin = t.pier.get(networkingModule).callerFor(await t.pier.get(identityModule).authenticate(await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin')));
  });
  after(() => t.close());

  test('what a service creates is what the API shows, in the caller\'s project', async () => {
    const net = await t.pier.get(networkingModule).create(demo, 'network', { name: 'svc-net' });
    assert.equal(net.project_id, demo.projectId);
    assert.equal(net.status, 'ACTIVE');
    assert.equal('provider:network_type' in net, false, 'provider attributes are admin-only, as in the API');
    const subnet = await t.pier.get(networkingModule).create(demo, 'subnet', { network_id: net.id, cidr: '10.70.0.0/24', ip_version: 4 });
    const router = await t.pier.get(networkingModule).create(demo, 'router', { name: 'svc-r' });
    const iface = await t.pier.get(networkingModule).addRouterInterface(demo, String(router.id), { subnet_id: String(subnet.id) });
    assert.equal(iface.subnet_id, subnet.id);
    const viaApi = await call(t.url, 'GET', `/networking/v2.0/ports?device_id=${router.id}`, { token: demoToken });
    assert.deepEqual(viaApi.body.ports.map((p: { id: string }) => p.id), [iface.port_id]);
    const listed = await t.pier.get(networkingModule).list(demo, 'port', { device_id: String(router.id) });
    assert.deepEqual(listed.map((p) => p.id), [iface.port_id]);
    await assert.rejects(t.pier.get(networkingModule).delete(demo, 'router', String(router.id)), { type: 'RouterInUse' });
    await t.pier.get(networkingModule).removeRouterInterface(demo, String(router.id), { subnet_id: String(subnet.id) });
    await t.pier.get(networkingModule).delete(demo, 'router', String(router.id));
    const renamed = await t.pier.get(networkingModule).update(demo, 'network', String(net.id), { name: 'renamed' });
    assert.equal(renamed.name, 'renamed');
    await t.pier.get(networkingModule).delete(demo, 'network', String(net.id));
    await assert.rejects(t.pier.get(networkingModule).show(demo, 'network', String(net.id)), { type: 'NetworkNotFound' });
  });

  test('lists take the API\'s own filters: tags and fixed_ips', async () => {
    const n = t.pier.get(networkingModule);
    const net = await n.create(demo, 'network', { name: 'svc-filters' });
    const subnet = await n.create(demo, 'subnet', { network_id: net.id, cidr: '10.71.0.0/24', ip_version: 4 });
    await n.setTags(demo, 'network', String(net.id), ['a:1', 'b:2']);
    assert.deepEqual((await n.list(demo, 'network', { tags: 'a:1,b:2' })).map((x) => x.id), [net.id]);
    assert.deepEqual(await n.list(demo, 'network', { tags: 'a:1,c:3' }), []);
    const port = await n.create(demo, 'port', { network_id: net.id, fixed_ips: [{ subnet_id: subnet.id, ip_address: '10.71.0.9' }] });
    assert.deepEqual((await n.list(demo, 'port', { network_id: String(net.id), fixed_ips: 'ip_address=10.71.0.9' })).map((x) => x.id), [port.id]);
    assert.deepEqual(await n.list(demo, 'port', { fixed_ips: 'ip_address=10.71.0.10' }), []);
    await n.delete(demo, 'port', String(port.id));
    await n.delete(demo, 'network', String(net.id));
  });

  test('another project\'s resource is not found; bad input is the API\'s error', async () => {
    const mine = await t.pier.get(networkingModule).create(admin, 'network', { name: 'admin-only' });
    await assert.rejects(t.pier.get(networkingModule).show(demo, 'network', String(mine.id)), { type: 'NetworkNotFound' });
    await assert.rejects(t.pier.get(networkingModule).create(demo, 'subnet', { network_id: String(mine.id), cidr: '10.71.0.0/24', ip_version: 4 }), { type: 'NetworkNotFound' });
    await assert.rejects(t.pier.get(networkingModule).create(demo, 'network', { name: 'x', bogus: 1 }), (e: Error) => /bogus/.test(e.message));
    await assert.rejects(t.pier.get(networkingModule).list(demo, 'network', { nonsense: 'x' }), (e: Error) => /nonsense/.test(e.message));
    await t.pier.get(networkingModule).delete(admin, 'network', String(mine.id));
  });
});
