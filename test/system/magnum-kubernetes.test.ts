// Root: Magnum end to end. Pier runs with the runc runtime on linuxbridge; the node image is
// built (or reused) and imported by `pier image build kubernetes`; a cluster template and a
// 1 master + 2 worker cluster are made through /container-infra/v1 as magnumclient makes them;
// the cluster reaches CREATE_COMPLETE with its api_address; a kubeconfig made as `coe cluster
// config` makes it lets the real kubectl see three Ready nodes; Pier's own health check turns
// the cluster HEALTHY; a pod runs and pings a Pier server on the cluster network; a resize to three workers brings a fourth Ready node, a resize
// to one naming the worker to remove drains and forgets the two that go (kubectl sees two
// nodes, HEALTHY again); deleting the cluster leaves no server, port or network.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, startTestPier, type TestPier } from '../support/pier.js';
import { requireRoot, uniquePrefix, waitFor } from '../support/system.js';
import { externalRange, kubeCloud, kubeMissing, kubectl, kubectlIn, prepareNodeImage, untilReady, type KubeCloud } from '../support/magnum-kube.js';
import { computeModule, hostnameOf } from '../../src/compute/index.js';
import { dataplaneModule } from '../../src/dataplane/index.js';

requireRoot();
const missing = kubeMissing();

describe('Magnum: a Kubernetes cluster of Pier servers, judged by kubectl', { skip: missing }, () => {
  const prefix = uniquePrefix();
  const work = mkdtempSync(join(tmpdir(), 'pier-magnum-k8s-'));
  const extNet = externalRange();
  let t: TestPier;
  let k: KubeCloud;
  let clusterId = '';

  before(async () => {
    prepareNodeImage();
    t = await startTestPier({
      dataplane: { driver: 'linuxbridge', namespace: `${prefix}-dp`, hostId: 'magnum-test', vtep: '127.0.0.1', physnets: { public: { hostAddress: `${extNet}.1/24` } } },
      compute: { driver: 'runc' },
      clusters: { healthMs: 2000 },
    });
    k = await kubeCloud(t.url, extNet, work);
  });

  after(async () => {
    if (clusterId) {
      await k.magnum('DELETE', `/clusters/${clusterId}`).catch(() => {});
      await waitFor('cluster gone', async () => (await k.magnum('GET', `/clusters/${clusterId}`)).status === 404, 120_000).catch(() => {});
    }
    await t.pier.get(computeModule).controller.idle();
    await t.pier.get(dataplaneModule).driver.destroy();
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('coe cluster create → CREATE_COMPLETE, three Ready nodes for kubectl, HEALTHY, a pod runs; resize up and down; delete leaves nothing', { timeout: 600_000 }, async () => {
    const template = await k.template(`${prefix}-k8s`);
    const t0 = performance.now();
    const made = await k.magnum('POST', '/clusters', { name: `${prefix}-c`, cluster_template_id: template, master_count: 1, node_count: 2 });
    assert.equal(made.status, 202, JSON.stringify(made.body));
    clusterId = made.body.uuid;
    const c = await k.until(clusterId, 'CREATE_COMPLETE');
    const tComplete = performance.now();
    assert.match(c.api_address, new RegExp(`^https://${extNet.replace(/\./g, '\\.')}\\.\\d+:6443$`));
    assert.equal(c.node_addresses.length, 2);
    const kubeconfig = await k.kubeconfig(clusterId, work);
    await untilReady(kubeconfig, 3);
    const tReady = performance.now();
    console.log(`# coe cluster create → CREATE_COMPLETE ${((tComplete - t0) / 1000).toFixed(1)} s; → 3 nodes Ready ${((tReady - t0) / 1000).toFixed(1)} s`);
    await waitFor('health_status HEALTHY', async () => (await k.cluster(clusterId)).health_status === 'HEALTHY', 60_000);
    const reason = (await k.cluster(clusterId)).health_status_reason;
    assert.equal((typeof reason === 'string' ? JSON.parse(reason) : reason).api, 'ok', JSON.stringify(reason));

    const pod = JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hello' },
      spec: { containers: [{ name: 'c', image: 'pier.local/busybox:1', imagePullPolicy: 'Never', command: ['sh', '-c', 'echo magnum hello; exec sleep 3600'] }] },
    });
    await waitFor('the default service account', async () => (await kubectl(kubeconfig, 'get', 'serviceaccount', 'default')).code === 0, 60_000);
    const applied = await kubectlIn(kubeconfig, pod, 'apply', '-f', '-');
    assert.equal(applied.code, 0, applied.stderr);
    await waitFor('the pod Running', async () => (await kubectl(kubeconfig, 'get', 'pod', 'hello', '-o', 'jsonpath={.status.phase}')).stdout === 'Running', 120_000);
    await waitFor('its log', async () => (await kubectl(kubeconfig, 'logs', 'hello')).stdout.includes('magnum hello'), 30_000);

    // A Pier server on the cluster's network, reached from the pod (kubectl exec), once its security group lets icmp in.
    const demo = (method: string, path: string, body?: unknown) => call(t.url, method, path, { token: k.demo, body });
    const clusterNet = (await demo('GET', `/networking/v2.0/networks?name=${prefix}-c-net`)).body.networks[0];
    assert.ok(clusterNet, 'the cluster network');
    const sg = (await demo('POST', '/networking/v2.0/security-groups', { security_group: { name: `${prefix}-ping` } })).body.security_group;
    assert.equal((await demo('POST', '/networking/v2.0/security-group-rules', { security_group_rule: { security_group_id: sg.id, direction: 'ingress', protocol: 'icmp' } })).status, 201);
    const busybox = (await demo('GET', '/image/v2/images?name=busybox')).body.images[0].id;
    const vm = await demo('POST', '/compute/v2.1/servers', { server: { name: `${prefix}-vm`, imageRef: busybox, flavorRef: '1', networks: [{ uuid: clusterNet.id }], security_groups: [{ name: `${prefix}-ping` }] } });
    assert.equal(vm.status, 202, JSON.stringify(vm.body));
    let vmIp = '';
    await waitFor('the server ACTIVE', async () => {
      const s = (await demo('GET', `/compute/v2.1/servers/${vm.body.server.id}`)).body.server;
      vmIp = (Object.values(s.addresses ?? {})[0] as { addr: string }[] | undefined)?.[0]?.addr ?? '';
      return s.status === 'ACTIVE' && !!vmIp;
    }, 60_000);
    await waitFor('the pod pings the server', async () => (await kubectl(kubeconfig, 'exec', 'hello', '--', 'ping', '-c', '1', '-W', '2', vmIp)).code === 0, 30_000);
    assert.equal((await demo('DELETE', `/compute/v2.1/servers/${vm.body.server.id}`)).status, 204);
    await waitFor('the server gone', async () => (await demo('GET', `/compute/v2.1/servers/${vm.body.server.id}`)).status === 404, 60_000);
    assert.equal((await demo('DELETE', `/networking/v2.0/security-groups/${sg.id}`)).status, 204);

    // Resize up: a third worker joins.
    const t1 = performance.now();
    assert.equal((await k.magnum('POST', `/clusters/${clusterId}/actions/resize`, { node_count: 3 })).status, 202);
    const grown = await k.until(clusterId, 'UPDATE_COMPLETE');
    assert.equal(grown.node_addresses.length, 3);
    await untilReady(kubeconfig, 4);
    console.log(`# resize +1 → 4 nodes Ready ${((performance.now() - t1) / 1000).toFixed(1)} s`);

    // Resize down to one worker, naming one to remove: the two that go are drained and forgotten.
    const workers = ((await k.nova('/servers/detail?all_tenants=1')).body.servers as { id: string; name: string; metadata: Record<string, string> }[])
      .filter((s) => s.metadata['role'] === 'worker').sort((a, b) => a.name.localeCompare(b.name));
    assert.equal(workers.length, 3);
    const victim = workers[0]!;
    assert.equal((await k.magnum('POST', `/clusters/${clusterId}/actions/resize`, { node_count: 1, nodes_to_remove: [victim.id] })).status, 202);
    const shrunk = await k.until(clusterId, 'UPDATE_COMPLETE');
    assert.equal(shrunk.node_addresses.length, 1);
    const nodes = await untilReady(kubeconfig, 2, 120_000);
    assert.ok(!nodes.includes(hostnameOf(victim.name)), `the named worker is gone: ${nodes.join(', ')}`);
    assert.ok(nodes.includes(hostnameOf(workers[1]!.name)), `the lowest remaining worker stays: ${nodes.join(', ')}`);
    await waitFor('HEALTHY after the shrink', async () => (await k.cluster(clusterId)).health_status === 'HEALTHY', 60_000);

    assert.equal(((await k.nova('/servers?all_tenants=1')).body.servers as unknown[]).length, 2);
    assert.equal((await k.magnum('DELETE', `/clusters/${clusterId}`)).status, 204);
    await waitFor('cluster gone', async () => (await k.magnum('GET', `/clusters/${clusterId}`)).status === 404, 120_000);
    clusterId = '';
    assert.deepEqual((await k.nova('/servers?all_tenants=1')).body.servers, []);
    assert.deepEqual((await k.neutron('/ports?device_owner=compute:nova')).body.ports, []);
    assert.deepEqual((await k.neutron('/networks')).body.networks.map((n: { name: string }) => n.name), ['public']);
  });
});
