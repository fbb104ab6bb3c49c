// The Kubernetes cluster's Heat templates (src/clusters/drivers/kubernetes/cluster-template.ts) on
// a Pier with the fake runtime: the stack of 1 master + 2 workers completes with its outputs, and
// each server's user_data is a pier_node document the node's init accepts — the master's with the
// CA key and its floating IP among the API addresses, the workers' pointing at the master's
// address. Deleting it removes every server, port, network, router and floating IP.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { ADMIN_PASSWORD, call, testStores, tokenFor } from '../support/pier.js';
import { startHeat, type HeatCloud } from '../support/orchestration.js';
import { clusterStack, newBootstrapToken, parseNodeUserData } from '../../src/clusters/drivers/kubernetes/index.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n';

for (const store of testStores()) describe(`the Kubernetes cluster templates on ${store}`, () => {
  let c: HeatCloud;
  let admin: string;
  before(async () => {
    c = await startHeat(store);
    admin = await tokenFor(c.t.url, 'admin', ADMIN_PASSWORD, 'admin');
    const ext = await call(c.t.url, 'POST', '/networking/v2.0/networks', { token: admin, body: { network: { name: 'public', 'router:external': true } } });
    await call(c.t.url, 'POST', '/networking/v2.0/subnets', { token: admin, body: { subnet: { network_id: ext.body.network.id, cidr: '172.24.4.0/24', ip_version: 4 } } });
  });
  after(() => c.close());

  test('1 master + 2 workers: CREATE_COMPLETE, outputs, and pier_node user_data per role; delete leaves nothing', async () => {
    const { template, files } = clusterStack();
    const s = await c.stack('k8s', template, {
      files, parameters: {
        image: 'busybox', cluster_uuid: randomUUID(), cluster_name: 'k8s', ca_cert: CA, ca_key: KEY, bootstrap_token: newBootstrapToken(randomBytes),
        number_of_minions: 2, master_flavor: 'm1.tiny', flavor: 'm1.tiny',
      },
    });
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    const out = Object.fromEntries(s.outputs.map((o: any) => [o.output_key, o.output_value]));
    const fip = out.master_addresses[0];
    assert.match(fip, /^172\.24\.4\.\d+$/);
    assert.equal(out.api_address, `https://${fip}:6443`);
    assert.equal(out.node_addresses.length, 2);
    const servers = (await call(c.t.url, 'GET', '/compute/v2.1/servers/detail?all_tenants=1', { token: admin, headers: { 'x-openstack-nova-api-version': '2.3' } })).body.servers as any[];
    assert.deepEqual(servers.map((x) => x.name).sort(), ['k8s-master-0', 'k8s-node-0', 'k8s-node-1']);
    const docs = Object.fromEntries(servers.map((x) => [x.name, parseNodeUserData(Buffer.from(x['OS-EXT-SRV-ATTR:user_data'], 'base64').toString())]));
    const master = docs['k8s-master-0']!;
    const masterIp = out.master_private_addresses[0];
    assert.equal(master.role, 'master');
    assert.equal(master.ca_key, KEY);
    assert.deepEqual(master.api_addresses, [masterIp, fip]);
    for (const w of ['k8s-node-0', 'k8s-node-1']) {
      assert.equal(docs[w]!.role, 'worker');
      assert.equal(docs[w]!.ca_key, undefined, 'a worker never gets the CA key');
      assert.deepEqual(docs[w]!.api_addresses, [masterIp]);
      assert.equal(docs[w]!.bootstrap_token, master.bootstrap_token);
    }
    const ports = (await c.neutron('GET', '/ports')).body.ports as any[];
    for (const p of ports.filter((p) => p.device_owner === 'compute:nova')) assert.deepEqual(p.allowed_address_pairs.map((a: any) => a.ip_address), ['10.100.0.0/16']);

    assert.equal((await c.heat('DELETE', `/stacks/k8s/${s.id}`)).status, 204);
    const gone = await c.settle('k8s', s.id, 30_000).catch(() => undefined);
    assert.ok(!gone || gone.stack_status === 'DELETE_COMPLETE', gone?.stack_status_reason);
    assert.deepEqual((await call(c.t.url, 'GET', '/compute/v2.1/servers', { token: c.token })).body.servers, []);
    for (const what of ['ports', 'networks', 'routers', 'floatingips']) assert.deepEqual((await c.neutron('GET', `/${what}?project_id=${c.project}`)).body[what], [], what);
  });
});
