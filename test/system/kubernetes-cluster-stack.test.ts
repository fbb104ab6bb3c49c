// Root: a Kubernetes cluster as a Heat stack of Pier servers (the templates Magnum's kubernetes
// driver uses). Pier runs with the runc runtime on linuxbridge; the node image is built (or
// reused) and imported into Glance; the stack (private network, router to the external network,
// master with a floating IP, two workers) turns into a cluster whose three nodes are Ready for the
// real kubectl, through the floating IP, with an admin certificate of the cluster CA. A busybox pod
// runs, kubectl logs and exec reach it, pods on the two workers ping each other and a ClusterIP
// Service answers through kube-proxy. Deleting the stack leaves no server, port, network,
// process, cgroup, mount or namespace.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { ADMIN_PASSWORD, DEMO_PASSWORD, call, startTestPier, tokenFor, type TestPier } from '../support/pier.js';
import { netnsWith, requireRoot, sh, uniquePrefix, waitFor } from '../support/system.js';
import { makePki, type Pki } from '../support/kube/pki.js';
import { computeModule } from '../../src/compute/index.js';
import { dataplaneModule } from '../../src/dataplane/index.js';
import { buildNodeImage, clusterHealth, clusterStack, defaultKubeBin, newBootstrapToken, parseNodeUserData, type NodeImageBuild } from '../../src/clusters/drivers/kubernetes/index.js';
import { writeCloudsYaml } from '../../src/cli/clouds-yaml.js';
import { cgroupHierarchies, ownMemoryCgroup } from '../../src/compute/runtime/drivers/cgroups.js';

requireRoot();

const REPO = resolve(import.meta.dirname, '../../..');

const BIN = defaultKubeBin();
const missing = existsSync(join(BIN, 'pier-node')) ? undefined : `no Kubernetes build with pier-node at ${BIN} (run scripts/build-kubernetes.sh)`;
if (missing && process.env.CI === 'true') throw new Error(missing);

describe('a Kubernetes cluster as a Heat stack of Pier servers', { skip: missing }, () => {
  const prefix = uniquePrefix();
  const work = mkdtempSync(join(tmpdir(), 'pier-k8s-stack-'));
  const extNet = `172.29.${randomInt(10, 250)}`;
  let t: TestPier;
  let admin: string;
  let demo: string;
  let project: string;
  let pki: Pki;
  let build: NodeImageBuild;
  let imageId: string;
  let stackId = '';
  let serverIds: string[] = [];
  let kubeconfig = '';
  let apiAddress = '';
  const stackName = `${prefix}-k8s`;
  const nodeNames = [`${prefix}-master-0`, `${prefix}-node-0`, `${prefix}-node-1`];

  const heat = (method: string, path: string, body?: unknown) => call(t.url, method, `/orchestration/v1/${project}${path}`, { token: demo, body });
  const nova = (method: string, path: string, body?: unknown, token = demo) => call(t.url, method, `/compute/v2.1${path}`, { token, body, headers: { 'x-openstack-nova-api-version': '2.3' } });
  const kubectl = (...args: string[]) => sh(join(BIN, 'kubectl'), ['--kubeconfig', kubeconfig, '--request-timeout', '10s', ...args]);
  const kubectlIn = (input: string, ...args: string[]) => sh(join(BIN, 'kubectl'), ['--kubeconfig', kubeconfig, ...args], input);
  const runcExec = (id: string, ...cmd: string[]) => sh('runc', ['--root', join(t.dataDir, 'runc', 'state'), 'exec', id, ...cmd]);
  /** What each node server says: its console and the tails of its daemons' logs. */
  const diagnose = async () => {
    const out: string[] = [];
    for (const id of serverIds) {
      const console = (await nova('POST', `/servers/${id}/action`, { 'os-getConsoleOutput': { length: 40 } }, admin)).body?.output ?? '';
      const logs = await runcExec(id, 'sh', '-c', 'for f in /var/log/pier-node/*.log; do echo "--- $f"; tail -n 15 "$f"; done');
      out.push(`=== server ${id}\n${console}\n${logs.stdout}${logs.stderr}`);
    }
    return out.join('\n');
  };
  const withDiagnosis = async (what: string, ms: number, check: () => Promise<boolean>) => {
    try { await waitFor(what, check, ms); } catch (e) {
      // PIER_K8S_HOLD=seconds keeps a failed cluster up that long, to look at it by hand.
      const hold = Number(process.env.PIER_K8S_HOLD ?? 0);
      if (hold) { console.log(`# holding: KUBECONFIG=${kubeconfig} runc --root ${join(t.dataDir, 'runc', 'state')} exec <${serverIds.join('|')}>`); await new Promise((r) => setTimeout(r, hold * 1000)); }
      throw new Error(`${(e as Error).message}\n${await diagnose()}`);
    }
  };

  before(async () => {
    build = buildNodeImage({ kubeBin: BIN, progress: (l) => console.log(`# ${l}`) });
    console.log(`# node image: ${build.reused ? 'reused' : 'built'} in ${build.seconds.toFixed(1)} s (${Math.round(build.size / 1048576)} MiB)`);
    t = await startTestPier({
      dataplane: { driver: 'linuxbridge', namespace: `${prefix}-dp`, hostId: 'k8s-stack-test', vtep: '127.0.0.1', physnets: { public: { hostAddress: `${extNet}.1/24` } } },
      compute: { driver: 'runc' },
    });
    admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
    demo = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
    project = (await call(t.url, 'GET', '/identity/v3/auth/tokens', { token: demo, headers: { 'x-subject-token': demo } })).body.token.project.id;
    // Through the command, as an operator (or CI) would: built already, so this is the upload.
    const clouds = writeCloudsYaml(work, `${t.url}/identity/v3`, { admin: ADMIN_PASSWORD, demo: DEMO_PASSWORD });
    const cli = () => new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile('node', [join(REPO, 'bin/pier.js'), 'image', 'build', 'kubernetes', '--clouds', clouds, '--kube-bin', BIN], { timeout: 300_000 },
        (e, stdout, stderr) => done({ code: e ? 1 : 0, stdout, stderr }));
    });
    const t1 = performance.now();
    const first = await cli();
    assert.equal(first.code, 0, first.stderr);
    console.log(`# pier image build kubernetes (upload): ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    imageId = first.stdout.trim().split('\n').at(-1)!;
    const again = await cli();
    assert.equal(again.stdout.trim(), imageId, 'the same build is the same Glance image');
    assert.match(again.stderr, /reused/);
    const image = (await call(t.url, 'GET', `/image/v2/images/${imageId}`, { token: demo })).body;
    assert.deepEqual([image.visibility, image.os_distro, image.pier_container_host, image.container_format], ['public', 'pier-kubernetes', 'true', 'docker']);
    const net = (body: unknown, path: string) => call(t.url, 'POST', `/networking/v2.0${path}`, { token: admin, body });
    const ext = await net({ network: { name: 'public', 'router:external': true, 'provider:network_type': 'flat', 'provider:physical_network': 'public' } }, '/networks');
    assert.equal(ext.status, 201, JSON.stringify(ext.body));
    const sub = await net({ subnet: { network_id: ext.body.network.id, cidr: `${extNet}.0/24`, ip_version: 4, gateway_ip: `${extNet}.1`, enable_dhcp: false, allocation_pools: [{ start: `${extNet}.10`, end: `${extNet}.99` }] } }, '/subnets');
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    // The cluster CA (what Magnum keeps per cluster) and an admin client certificate from it.
    pki = makePki(join(work, 'pki'), [{ name: 'admin', cn: 'admin', groups: ['system:masters'], usage: 'client' }]);
  });

  after(async () => {
    if (stackId) await heat('DELETE', `/stacks/${stackName}/${stackId}`).catch(() => {});
    await waitFor('stack gone', async () => (await heat('GET', `/stacks/${stackName}/${stackId}`)).body?.stack?.stack_status !== 'DELETE_IN_PROGRESS', 120_000).catch(() => {});
    await t.pier.get(computeModule).controller.idle();
    for (const id of serverIds) await t.pier.get(computeModule).driver.remove(id).catch(() => {});
    await t.pier.get(dataplaneModule).driver.destroy();
    await t.close();
    if (!process.env.PIER_KEEP_KUBE_WORK) rmSync(work, { recursive: true, force: true });
  });

  test('the stack becomes a cluster whose three nodes are Ready for kubectl through the floating IP', { timeout: 300_000 }, async () => {
    const { template, files } = clusterStack();
    const t0 = performance.now();
    const r = await heat('POST', '/stacks', {
      stack_name: stackName, template, files, timeout_mins: 10,
      parameters: {
        image: imageId, cluster_uuid: randomUUID(), cluster_name: prefix, ca_cert: readFileSync(pki.ca, 'utf8'), ca_key: readFileSync(join(pki.dir, 'ca.key'), 'utf8'),
        bootstrap_token: newBootstrapToken(randomBytes), number_of_minions: 2, external_network: 'public', master_flavor: 'm1.medium', flavor: 'm1.small',
      },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    stackId = r.body.stack.id;
    let stack: any;
    await waitFor('CREATE_COMPLETE', async () => {
      stack = (await heat('GET', `/stacks/${stackName}/${stackId}`)).body.stack;
      if (stack.stack_status === 'CREATE_FAILED') throw new Error(`stack failed: ${stack.stack_status_reason}`);
      return stack.stack_status === 'CREATE_COMPLETE';
    }, 180_000);
    const tStack = performance.now();
    const output = (key: string) => stack.outputs.find((o: { output_key: string }) => o.output_key === key)?.output_value;
    apiAddress = output('api_address');
    assert.match(apiAddress, new RegExp(`^https://${extNet.replace(/\./g, '\\.')}\\.\\d+:6443$`));
    assert.equal(output('node_addresses').length, 2);
    const servers = (await nova('GET', `/servers/detail?name=${prefix}`)).body.servers as { id: string; name: string; 'OS-EXT-SRV-ATTR:user_data'?: string }[];
    serverIds = servers.map((s) => s.id);
    assert.deepEqual(servers.map((s) => s.name).sort(), [...nodeNames].sort());

    kubeconfig = join(work, 'admin.kubeconfig');
    writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "${apiAddress}", certificate-authority: ${pki.ca}}
users:
- name: admin
  user: {client-certificate: ${pki.crt('admin')}, client-key: ${pki.key('admin')}}
contexts:
- name: c
  context: {cluster: c, user: admin}
current-context: c
`);
    const ready = async () => {
      const r = await kubectl('get', 'nodes', '-o', 'json');
      if (r.code !== 0) return false;
      const items = JSON.parse(r.stdout).items as { metadata: { name: string }; status: { conditions: { type: string; status: string }[] } }[];
      return items.length === 3 && items.every((n) => n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'));
    };
    await withDiagnosis('three Ready nodes', 180_000, ready);
    const tReady = performance.now();
    console.log(`# stack create → CREATE_COMPLETE ${((tStack - t0) / 1000).toFixed(1)} s; → all 3 nodes Ready ${((tReady - t0) / 1000).toFixed(1)} s`);
    const names = JSON.parse((await kubectl('get', 'nodes', '-o', 'json')).stdout).items.map((n: { metadata: { name: string } }) => n.metadata.name).sort();
    assert.deepEqual(names, [...nodeNames].sort());

    const health = await clusterHealth({ server: apiAddress, ca: readFileSync(pki.ca, 'utf8'), cert: readFileSync(pki.crt('admin'), 'utf8'), key: readFileSync(pki.key('admin'), 'utf8') });
    assert.equal(health.status, 'HEALTHY', JSON.stringify(health.reason));
    assert.equal(health.reason['api'], 'ok');
  });

  test('the nodes were told their roles through user_data (the pier_node contract)', async () => {
    const servers = (await nova('GET', `/servers/detail?all_tenants=1&name=${prefix}`, undefined, admin)).body.servers as { name: string; 'OS-EXT-SRV-ATTR:user_data': string }[];
    for (const s of servers) {
      const d = parseNodeUserData(Buffer.from(s['OS-EXT-SRV-ATTR:user_data'], 'base64').toString());
      assert.equal(d.role, s.name.includes('master') ? 'master' : 'worker');
      assert.equal(d.ca_key !== undefined, d.role === 'master', 'only the master gets the CA key');
    }
  });

  const pod = (name: string, node: string, command: string, labels: Record<string, string> = {}) => JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, labels },
    spec: { nodeName: node, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'pier.local/busybox:1', imagePullPolicy: 'Never', command: ['sh', '-c', command] }] },
  });
  const phase = async (name: string) => (await kubectl('get', 'pod', name, '-o', 'jsonpath={.status.phase}')).stdout;

  test('busybox pods run on both workers; kubectl logs and exec reach them; they ping each other', { timeout: 200_000 }, async () => {
    await waitFor('the default service account', async () => (await kubectl('get', 'serviceaccount', 'default')).code === 0, 60_000);
    for (const [name, node] of [['pa', nodeNames[1]!], ['pb', nodeNames[2]!]] as const) {
      const r = await kubectlIn(pod(name, node, `echo "hello from ${name}"; exec sleep 3600`), 'apply', '-f', '-');
      assert.equal(r.code, 0, r.stderr);
    }
    await withDiagnosis('both pods Running', 120_000, async () => (await phase('pa')) === 'Running' && (await phase('pb')) === 'Running').catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${(await kubectl('describe', 'pods')).stdout}`);
    });
    await waitFor('the pod log', async () => (await kubectl('logs', 'pa')).stdout.includes('hello from pa'), 30_000);
    const exec = await kubectl('exec', 'pa', '--', 'sh', '-c', 'echo "exec in $(hostname)"');
    assert.equal(exec.stdout, 'exec in pa\n', exec.stderr);
    const ipB = (await kubectl('get', 'pod', 'pb', '-o', 'jsonpath={.status.podIP}')).stdout;
    const ipA = (await kubectl('get', 'pod', 'pa', '-o', 'jsonpath={.status.podIP}')).stdout;
    assert.notEqual(ipA.split('.').slice(0, 3).join('.'), ipB.split('.').slice(0, 3).join('.'), 'each node has its own pod range');
    await withDiagnosis('pa pings pb across workers', 30_000, async () => (await kubectl('exec', 'pa', '--', 'ping', '-c', '1', '-W', '2', ipB)).code === 0);
    assert.equal((await kubectl('exec', 'pb', '--', 'ping', '-c', '1', '-W', '2', ipA)).code, 0, 'and back');
  });

  test('a ClusterIP Service answers through kube-proxy', { timeout: 120_000 }, async () => {
    const web = await kubectlIn(pod('web', nodeNames[2]!, 'mkdir -p /www; echo pier-web > /www/index.html; exec httpd -f -p 8080 -h /www', { app: 'web' }), 'apply', '-f', '-');
    assert.equal(web.code, 0, web.stderr);
    const svc = await kubectlIn(JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } }), 'apply', '-f', '-');
    assert.equal(svc.code, 0, svc.stderr);
    await waitFor('web Running', async () => (await phase('web')) === 'Running', 60_000);
    const ip = (await kubectl('get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}')).stdout;
    // nc, not wget: the static busybox's wget crashes in a pod (exit 139) even on an IP address.
    const get = `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ip} 80`;
    await withDiagnosis(`the Service at ${ip} answers from the other worker`, 60_000, async () => (await kubectl('exec', 'pa', '--', 'sh', '-c', get)).stdout.includes('pier-web'));
  });

  test('deleting the stack leaves no server, port, network, process, cgroup, mount or namespace', { timeout: 200_000 }, async () => {
    const t0 = performance.now();
    assert.equal((await heat('DELETE', `/stacks/${stackName}/${stackId}`)).status, 204);
    await waitFor('DELETE_COMPLETE', async () => {
      const r = await heat('GET', `/stacks/${stackName}/${stackId}`);
      if (r.body?.stack?.stack_status === 'DELETE_FAILED') throw new Error(r.body.stack.stack_status_reason);
      return r.status === 404 || r.body?.stack?.stack_status === 'DELETE_COMPLETE';
    }, 180_000);
    console.log(`# stack delete: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    assert.deepEqual((await nova('GET', '/servers')).body.servers, []);
    const neutron = async (what: string) => (await call(t.url, 'GET', `/networking/v2.0/${what}?project_id=${project}`, { token: admin })).body[what.replace('-', '_')];
    assert.deepEqual(await neutron('ports'), []);
    assert.deepEqual((await neutron('networks')).map((n: { name: string }) => n.name), []);
    assert.deepEqual(await neutron('routers'), []);
    assert.deepEqual(await neutron('floatingips'), []);
    for (const id of serverIds) {
      assert.equal(existsSync(join(t.dataDir, 'runc', 'servers', id)), false, `bundle of ${id}`);
      assert.deepEqual(netnsWith(`pier-srv-${id}`), [], `netns of ${id}`);
      for (const h of cgroupHierarchies()) assert.equal(existsSync(join('/sys/fs/cgroup', h, ownMemoryCgroup(), `pier-srv-${id}`)), false, `cgroup ${h} of ${id}`);
    }
    assert.ok(!readFileSync('/proc/self/mounts', 'utf8').includes(join(t.dataDir, 'runc', 'servers')), 'no mount of a server left');
    // A process of a node (or of its pods) has its root in a server's bundle.
    const servers = join(t.dataDir, 'runc', 'servers');
    const left = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => { try { return readlinkSync(`/proc/${p}/root`).startsWith(servers); } catch { return false; } });
    assert.deepEqual(left, [], 'no node process left');
  });
});
