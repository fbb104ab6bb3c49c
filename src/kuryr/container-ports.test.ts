import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { networkingModule } from '../networking/index.js';
import { ADMIN_PASSWORD, call, startTestPier, testStores, tokenFor, type TestPier } from '../../test/support/pier.js';
import { containerPortId, ensureContainerPort, kuryrModule, plugContainerPort, releaseContainerPort } from './index.js';

for (const store of testStores()) {
  describe(`kuryr container ports on ${store}`, () => {
    let t: TestPier;
    let networkId: string;
    before(async () => {
      t = await startTestPier({ kuryr: { user: 'demo', project: 'demo' } }, store);
      const k = t.pier.get(kuryrModule);
      const net = await t.pier.get(networkingModule).create(await k.caller(), 'network', { name: 'kuryr-net' });
      networkId = String(net.id);
      await t.pier.get(networkingModule).create(await k.caller(), 'subnet', { network_id: networkId, cidr: '10.80.0.0/24', ip_version: 4 });
    });
    after(() => t.close());

    it('acts as the configured user, and a retried create finds the port it made', async () => {
      const k = t.pier.get(kuryrModule);
      const req = { networkId, deviceId: 'endpoint-1', name: 'c1', tags: ['kuryr.net.uuid:x'] };
      const [a, b] = await Promise.all([ensureContainerPort(k, req), ensureContainerPort(k, req)]);
      assert.equal(a.id, containerPortId('endpoint-1'));
      assert.equal(b.id, a.id);
      assert.equal(a.device_owner, 'compute:kuryr');
      const demo = await (await tokenFor(t.url, 'demo', 'demo-test-password', 'demo'));
      const listed = await call(t.url, 'GET', `/networking/v2.0/ports?device_id=endpoint-1`, { token: demo });
      assert.equal(listed.body.ports.length, 1);
      assert.deepEqual(listed.body.ports[0].tags, ['kuryr.net.uuid:x']);
      assert.equal(listed.body.ports[0].project_id, (await k.caller()).projectId);
    });

    it('plugs (binding the port to this host) and releases idempotently', async () => {
      const k = t.pier.get(kuryrModule);
      const port = await ensureContainerPort(k, { networkId, deviceId: 'endpoint-2' });
      await plugContainerPort(k, String(port.id), 'kuryr-test-ns', 'eth0');
      await plugContainerPort(k, String(port.id), 'kuryr-test-ns', 'eth0');
      const admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
      const shown = await call(t.url, 'GET', `/networking/v2.0/ports/${port.id}`, { token: admin });
      assert.equal(shown.body.port['binding:host_id'], k.host);
      await releaseContainerPort(k, String(port.id));
      await releaseContainerPort(k, String(port.id));
      assert.equal((await call(t.url, 'GET', `/networking/v2.0/ports/${port.id}`, { token: admin })).status, 404);
    });
  });
}
