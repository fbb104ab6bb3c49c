// Root: Magnum end to end. Pier runs with the runc runtime on linuxbridge; the node image is
// built (or reused) and imported by `pier image build kubernetes`; a cluster template and a
// 1 master + 2 worker cluster are made through /container-infra/v1 as magnumclient makes them;
// the cluster reaches CREATE_COMPLETE with its api_address; a kubeconfig made as `coe cluster
// config` makes it (the cluster's CA, a CN=admin,O=system:masters certificate signed through the
// certificates API) lets the real kubectl see three Ready nodes; Pier's own health check turns
// the cluster HEALTHY; a pod runs; deleting the cluster leaves no server, port or network.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ADMIN_PASSWORD, DEMO_PASSWORD, call, startTestPier, tokenFor, type TestPier } from '../support/pier.js';
import { requireRoot, sh, uniquePrefix, waitFor } from '../support/system.js';
import { computeModule } from '../../src/compute/index.js';
import { dataplaneModule } from '../../src/dataplane/index.js';
import { buildNodeImage, defaultKubeBin } from '../../src/clusters/drivers/kubernetes/index.js';
import { writeCloudsYaml } from '../../src/cli/clouds-yaml.js';

requireRoot();

const REPO = resolve(import.meta.dirname, '../../..');
const BIN = defaultKubeBin();
const missing = existsSync(join(BIN, 'pier-node')) ? undefined : `no Kubernetes build with pier-node at ${BIN} (run scripts/build-kubernetes.sh)`;
if (missing && process.env.CI === 'true') throw new Error(missing);

describe('Magnum: a Kubernetes cluster of Pier servers, judged by kubectl', { skip: missing }, () => {
  const prefix = uniquePrefix();
  const work = mkdtempSync(join(tmpdir(), 'pier-magnum-k8s-'));
  const extNet = `172.30.${randomInt(10, 250)}`;
  let t: TestPier;
  let admin: string;
  let demo: string;
  let imageId: string;
  let clusterId = '';
  let kubeconfig = '';

  const magnum = (method: string, path: string, body?: unknown) =>
    call(t.url, method, `/container-infra/v1${path}`, { token: demo, body, headers: { 'OpenStack-API-Version': 'container-infra latest' } });
  const nova = (path: string) => call(t.url, 'GET', `/compute/v2.1${path}`, { token: admin });
  const kubectl = (...args: string[]) => sh(join(BIN, 'kubectl'), ['--kubeconfig', kubeconfig, '--request-timeout', '10s', ...args]);
  const kubectlIn = (input: string, ...args: string[]) => sh(join(BIN, 'kubectl'), ['--kubeconfig', kubeconfig, ...args], input);
  const cluster = async () => (await magnum('GET', `/clusters/${clusterId}`)).body;

  before(async () => {
    const build = buildNodeImage({ kubeBin: BIN, progress: (l) => console.log(`# ${l}`) });
    console.log(`# node image: ${build.reused ? 'reused' : 'built'} in ${build.seconds.toFixed(1)} s`);
    t = await startTestPier({
      dataplane: { driver: 'linuxbridge', namespace: `${prefix}-dp`, hostId: 'magnum-test', vtep: '127.0.0.1', physnets: { public: { hostAddress: `${extNet}.1/24` } } },
      compute: { driver: 'runc' },
      clusters: { healthMs: 2000 },
    });
    admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
    demo = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
    const clouds = writeCloudsYaml(work, `${t.url}/identity/v3`, { admin: ADMIN_PASSWORD, demo: DEMO_PASSWORD });
    imageId = await new Promise<string>((done, fail) => {
      execFile('node', [join(REPO, 'bin/pier.js'), 'image', 'build', 'kubernetes', '--clouds', clouds, '--kube-bin', BIN], { timeout: 300_000 },
        (e, stdout, stderr) => (e ? fail(new Error(stderr)) : done(stdout.trim().split('\n').at(-1)!)));
    });
    const net = (body: unknown, path: string) => call(t.url, 'POST', `/networking/v2.0${path}`, { token: admin, body });
    const ext = await net({ network: { name: 'public', 'router:external': true, 'provider:network_type': 'flat', 'provider:physical_network': 'public' } }, '/networks');
    assert.equal(ext.status, 201, JSON.stringify(ext.body));
    const sub = await net({ subnet: { network_id: ext.body.network.id, cidr: `${extNet}.0/24`, ip_version: 4, gateway_ip: `${extNet}.1`, enable_dhcp: false, allocation_pools: [{ start: `${extNet}.10`, end: `${extNet}.99` }] } }, '/subnets');
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    const kp = await call(t.url, 'POST', '/compute/v2.1/os-keypairs', { token: demo, body: { keypair: { name: 'k8s-key' } } });
    assert.equal(kp.status, 200, JSON.stringify(kp.body));
  });

  after(async () => {
    if (clusterId) {
      await magnum('DELETE', `/clusters/${clusterId}`).catch(() => {});
      await waitFor('cluster gone', async () => (await magnum('GET', `/clusters/${clusterId}`)).status === 404, 120_000).catch(() => {});
    }
    await t.pier.get(computeModule).controller.idle();
    await t.pier.get(dataplaneModule).driver.destroy();
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('coe cluster create → CREATE_COMPLETE, three Ready nodes for kubectl, HEALTHY, a pod runs; delete leaves nothing', { timeout: 420_000 }, async () => {
    const tpl = await magnum('POST', '/clustertemplates', {
      name: `${prefix}-k8s`, coe: 'kubernetes', image_id: imageId, external_network_id: 'public', keypair_id: 'k8s-key',
      flavor_id: 'm1.small', master_flavor_id: 'm1.medium', network_driver: 'pier-bridge',
    });
    assert.equal(tpl.status, 201, JSON.stringify(tpl.body));
    const t0 = performance.now();
    const made = await magnum('POST', '/clusters', { name: `${prefix}-c`, cluster_template_id: tpl.body.uuid, master_count: 1, node_count: 2 });
    assert.equal(made.status, 202, JSON.stringify(made.body));
    clusterId = made.body.uuid;
    await waitFor('CREATE_COMPLETE', async () => {
      const c = await cluster();
      if (c.status === 'CREATE_FAILED') throw new Error(`cluster failed: ${c.status_reason}`);
      return c.status === 'CREATE_COMPLETE';
    }, 240_000);
    const tComplete = performance.now();
    const c = await cluster();
    assert.match(c.api_address, new RegExp(`^https://${extNet.replace(/\./g, '\\.')}\\.\\d+:6443$`));
    assert.equal(c.node_addresses.length, 2);

    // As `openstack coe cluster config` does: the CA, and a client certificate signed through the API.
    const ca = (await magnum('GET', `/certificates/${clusterId}`)).body.pem;
    const key = join(work, 'admin.key');
    const csr = execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-subj', '/CN=admin/O=system:masters'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    const signed = await magnum('POST', '/certificates', { cluster_uuid: clusterId, csr });
    assert.equal(signed.status, 201, JSON.stringify(signed.body));
    writeFileSync(join(work, 'ca.pem'), ca);
    writeFileSync(join(work, 'admin.pem'), signed.body.pem);
    kubeconfig = join(work, 'config');
    writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "${c.api_address}", certificate-authority: ${join(work, 'ca.pem')}}
users:
- name: admin
  user: {client-certificate: ${join(work, 'admin.pem')}, client-key: ${key}}
contexts:
- name: c
  context: {cluster: c, user: admin}
current-context: c
`);
    await waitFor('three Ready nodes', async () => {
      const r = await kubectl('get', 'nodes', '-o', 'json');
      if (r.code !== 0) return false;
      const items = JSON.parse(r.stdout).items as { status: { conditions: { type: string; status: string }[] } }[];
      return items.length === 3 && items.every((n) => n.status.conditions.some((x) => x.type === 'Ready' && x.status === 'True'));
    }, 240_000);
    const tReady = performance.now();
    console.log(`# coe cluster create → CREATE_COMPLETE ${((tComplete - t0) / 1000).toFixed(1)} s; → 3 nodes Ready ${((tReady - t0) / 1000).toFixed(1)} s`);
    await waitFor('health_status HEALTHY', async () => (await cluster()).health_status === 'HEALTHY', 60_000);
    const reason = (await cluster()).health_status_reason;
    assert.equal((typeof reason === 'string' ? JSON.parse(reason) : reason).api, 'ok', JSON.stringify(reason));

    const pod = JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hello' },
      spec: { containers: [{ name: 'c', image: 'pier.local/busybox:1', imagePullPolicy: 'Never', command: ['sh', '-c', 'echo magnum hello; exec sleep 3600'] }] },
    });
    await waitFor('the default service account', async () => (await kubectl('get', 'serviceaccount', 'default')).code === 0, 60_000);
    const applied = await kubectlIn(pod, 'apply', '-f', '-');
    assert.equal(applied.code, 0, applied.stderr);
    await waitFor('the pod Running', async () => (await kubectl('get', 'pod', 'hello', '-o', 'jsonpath={.status.phase}')).stdout === 'Running', 120_000);
    await waitFor('its log', async () => (await kubectl('logs', 'hello')).stdout.includes('magnum hello'), 30_000);

    const servers = (await nova(`/servers?all_tenants=1`)).body.servers as { id: string }[];
    assert.equal(servers.length, 3);
    assert.equal((await magnum('DELETE', `/clusters/${clusterId}`)).status, 204);
    await waitFor('cluster gone', async () => (await magnum('GET', `/clusters/${clusterId}`)).status === 404, 120_000);
    clusterId = '';
    assert.deepEqual((await nova('/servers?all_tenants=1')).body.servers, []);
    const ports = (await call(t.url, 'GET', '/networking/v2.0/ports?device_owner=compute:nova', { token: admin })).body.ports;
    assert.deepEqual(ports, []);
    const nets = (await call(t.url, 'GET', '/networking/v2.0/networks', { token: admin })).body.networks.map((n: { name: string }) => n.name);
    assert.deepEqual(nets, ['public']);
  });
});
