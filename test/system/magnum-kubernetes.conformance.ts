// Root: Magnum end to end, driven by the Debian `openstack coe` CLI and judged by the real
// kubectl, once per pod network (network_driver): pier-bridge (cluster-internal) and kuryr (each
// pod a Neutron port nested on its node's, made by Pier's CNI plugin inside the node; this run
// also gives each node a Cinder storage volume, docker_volume_size, which holds its containerd's
// images and snapshots). Pier runs with the runc runtime on linuxbridge; the node image is built
// (or reused) and imported by `pier image build kubernetes`; a cluster template and a 1 master +
// 2 worker cluster are made with `openstack coe`, and `coe cluster config` writes the kubeconfig
// kubectl uses. The cluster reaches CREATE_COMPLETE with its api_address; kubectl sees three
// Ready nodes; Pier's health check turns it HEALTHY. Pods on the two workers run, answer
// `kubectl logs` and `exec`, ping each other and a Pier server on the cluster network (kuryr:
// the pods' addresses are Neutron ports of the cluster network, and the server reaches the pod
// too); a ClusterIP Service answers through kube-proxy. A resize to three workers brings a
// fourth Ready node; a resize to one naming the worker to remove drains and forgets the two that
// go. Deleting the cluster leaves no server, port, network, volume, process, cgroup, mount or
// namespace.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, startTestPier, type TestPier } from '../support/pier.js';
import { netnsWith, requireRoot, sh, uniquePrefix, waitFor } from '../support/system.js';
import { diagnose, externalRange, kubeCloud, kubeMissing, kubectl, kubectlIn, prepareNodeImage, untilReady, type KubeCloud } from '../support/magnum-kube.js';
import { computeModule, hostnameOf } from '../../src/compute/index.js';
import { cgroupHierarchies, ownMemoryCgroup } from '../../src/compute/runtime/drivers/cgroups.js';
import { dataplaneModule } from '../../src/dataplane/index.js';
import { parseNodeUserData } from '../../src/clusters/drivers/kubernetes/index.js';

export function runMagnumKubernetesSuite(networkDriver: 'pier-bridge' | 'kuryr'): void {
requireRoot();
const missing = kubeMissing();
const kuryr = networkDriver === 'kuryr';

describe(`Magnum: a Kubernetes cluster of Pier servers (${networkDriver} pods), judged by kubectl`, { skip: missing }, () => {
  const prefix = uniquePrefix();
  const work = mkdtempSync(join(tmpdir(), 'pier-magnum-k8s-'));
  const extNet = externalRange();
  let t: TestPier;
  let k: KubeCloud;
  let clusterId = '';
  let kubeconfig = '';
  let serverIds: string[] = [];
  const name = `${prefix}-c`;
  const nodeNames = [`${name}-master-0`, `${name}-default-worker-0`, `${name}-default-worker-1`].map(hostnameOf);
  const runcRoot = () => join(t.dataDir, 'runc', 'state');
  const demo = (method: string, path: string, body?: unknown) => call(t.url, method, path, { token: k.demo, body });
  /** A wait that, failing, says what each node server says. PIER_K8S_HOLD=seconds keeps a failed cluster up to look at. */
  const withDiagnosis = async (what: string, ms: number, check: () => Promise<boolean>) => {
    try { await waitFor(what, check, ms); } catch (e) {
      const hold = Number(process.env.PIER_K8S_HOLD ?? 0);
      if (hold) { console.log(`# holding: KUBECONFIG=${kubeconfig} runc --root ${runcRoot()} exec <server id>`); await new Promise((r) => setTimeout(r, hold * 1000)); }
      throw new Error(`${(e as Error).message}\n${await diagnose(t.url, k.admin, runcRoot())}`);
    }
  };
  const pod = (podName: string, node: string, command: string, labels: Record<string, string> = {}) => JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: podName, labels },
    spec: { nodeName: node, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'pier.local/busybox:1', imagePullPolicy: 'Never', command: ['sh', '-c', command] }] },
  });
  const phase = async (podName: string) => (await kubectl(kubeconfig, 'get', 'pod', podName, '-o', 'jsonpath={.status.phase}')).stdout;

  before(async () => {
    prepareNodeImage();
    t = await startTestPier({
      dataplane: { driver: 'linuxbridge', namespace: `${prefix}-dp`, hostId: 'magnum-test', vtep: '127.0.0.1', physnets: { public: { hostAddress: `${extNet}.1/24` } } },
      compute: { driver: 'runc' },
      clusters: { healthMs: 2000 },
      ...(kuryr ? { kuryr: { project: 'admin', user: 'admin', cni: { socket: join(work, 'cni.sock') } } } : {}),
    });
    k = await kubeCloud(t.url, extNet, work);
  });

  after(async () => {
    if (clusterId) {
      await k.magnum('DELETE', `/clusters/${clusterId}`).catch(() => {});
      await waitFor('cluster gone', async () => (await k.magnum('GET', `/clusters/${clusterId}`)).status === 404, 120_000).catch(() => {});
    }
    await t.pier.get(computeModule).controller.idle();
    for (const id of serverIds) await t.pier.get(computeModule).driver.remove(id).catch(() => {});
    await t.pier.get(dataplaneModule).driver.destroy();
    await t.close();
    if (!process.env.PIER_KEEP_KUBE_WORK) rmSync(work, { recursive: true, force: true });
  });

  test('pier image build kubernetes made a public node image, and the same build again is the same image', async () => {
    const again = await k.importImage();
    assert.equal(again.id, k.imageId);
    assert.match(again.stderr, /reused/);
    const image = (await demo('GET', `/image/v2/images/${k.imageId}`)).body;
    assert.deepEqual([image.visibility, image.os_distro, image.pier_container_host, image.container_format], ['public', 'pier-kubernetes', 'true', 'docker']);
  });

  test('coe cluster create → CREATE_COMPLETE, three Ready nodes for kubectl, HEALTHY', { timeout: 360_000 }, async () => {
    // As a user does it: the Debian `openstack coe` CLI (python3-magnumclient).
    const json = (out: string) => JSON.parse(out.slice(out.indexOf('{'))); // magnumclient prints "Request … accepted" first
    await k.openstack(['coe', 'cluster', 'template', 'create', `${prefix}-k8s`, '--coe', 'kubernetes', '--image', k.imageId, '--external-network', 'public',
      '--keypair', 'k8s-key', '--flavor', 'm1.small', '--master-flavor', 'm1.medium', '--network-driver', networkDriver, ...(kuryr ? ['--docker-volume-size', '1'] : [])]);
    const t0 = performance.now();
    await k.openstack(['coe', 'cluster', 'create', '--cluster-template', `${prefix}-k8s`, '--master-count', '1', '--node-count', '2', name]);
    clusterId = json(await k.openstack(['coe', 'cluster', 'show', name, '-f', 'json'])).uuid;
    const c = await k.until(clusterId, 'CREATE_COMPLETE');
    const tComplete = performance.now();
    assert.match(c.api_address, new RegExp(`^https://${extNet.replace(/\./g, '\\.')}\\.\\d+:6443$`));
    assert.equal(c.node_addresses.length, 2);
    serverIds = ((await k.nova('/servers?all_tenants=1')).body.servers as { id: string }[]).map((s) => s.id);
    // `coe cluster config`: magnumclient's kubeconfig (the cluster CA, a CN=admin,O=system:masters certificate it had signed).
    const dir = join(work, 'kubeconfig');
    mkdirSync(dir);
    await k.openstack(['coe', 'cluster', 'config', name, '--dir', dir]);
    kubeconfig = join(dir, 'config');
    let names: string[] = [];
    await withDiagnosis('three Ready nodes', 240_000, async () => { names = await untilReady(kubeconfig, 3, 5_000).catch(() => []); return names.length === 3; });
    const tReady = performance.now();
    console.log(`# coe cluster create → CREATE_COMPLETE ${((tComplete - t0) / 1000).toFixed(1)} s; → 3 nodes Ready ${((tReady - t0) / 1000).toFixed(1)} s`);
    assert.deepEqual(names, [...nodeNames].sort());
    if (kuryr) {
      // Each node's containerd keeps its images on the node's own volume (a loop device of Cinder's file driver).
      const volumes = (await demo('GET', `/volume/v3/${k.demoProject}/volumes/detail`)).body.volumes as { status: string; attachments: { server_id: string; device: string }[] }[];
      assert.deepEqual(volumes.map((v) => [v.status, v.attachments[0]?.device]), serverIds.map(() => ['in-use', '/dev/vdb']));
      assert.deepEqual(volumes.map((v) => v.attachments[0]!.server_id).sort(), [...serverIds].sort());
      for (const id of serverIds) {
        const mounts = await sh('runc', ['--root', runcRoot(), 'exec', id, 'cat', '/proc/mounts']);
        assert.match(mounts.stdout, /^\/dev\/loop\d+ \/var\/lib\/containerd /m, `containerd's root on the volume in ${id}`);
      }
    }
    await waitFor('health_status HEALTHY', async () => (await k.cluster(clusterId)).health_status === 'HEALTHY', 60_000);
    const reason = (await k.cluster(clusterId)).health_status_reason;
    assert.equal((typeof reason === 'string' ? JSON.parse(reason) : reason).api, 'ok', JSON.stringify(reason));
  });

  test('the nodes were told their roles through user_data (the pier_node contract)', async () => {
    const servers = (await call(t.url, 'GET', '/compute/v2.1/servers/detail?all_tenants=1', { token: k.admin, headers: { 'x-openstack-nova-api-version': '2.3' } })).body.servers as { name: string; 'OS-EXT-SRV-ATTR:user_data': string }[];
    assert.equal(servers.length, 3);
    for (const s of servers) {
      const d = parseNodeUserData(Buffer.from(s['OS-EXT-SRV-ATTR:user_data'], 'base64').toString());
      assert.equal(d.role, s.name.includes('master') ? 'master' : 'worker');
      assert.equal(d.ca_key !== undefined, d.role === 'master', 'only the master gets the CA key');
    }
  });

  test('pods on both workers run; kubectl logs and exec reach them; they ping each other and a Pier server', { timeout: 240_000 }, async () => {
    await waitFor('the default service account', async () => (await kubectl(kubeconfig, 'get', 'serviceaccount', 'default')).code === 0, 60_000);
    for (const [podName, node] of [['pa', nodeNames[1]!], ['pb', nodeNames[2]!]] as const) {
      const r = await kubectlIn(kubeconfig, pod(podName, node, `echo "hello from ${podName}"; exec sleep 3600`), 'apply', '-f', '-');
      assert.equal(r.code, 0, r.stderr);
    }
    await withDiagnosis('both pods Running', 120_000, async () => (await phase('pa')) === 'Running' && (await phase('pb')) === 'Running').catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${(await kubectl(kubeconfig, 'describe', 'pods')).stdout}`);
    });
    await waitFor('the pod log', async () => (await kubectl(kubeconfig, 'logs', 'pa')).stdout.includes('hello from pa'), 30_000);
    const exec = await kubectl(kubeconfig, 'exec', 'pa', '--', 'sh', '-c', 'echo "exec in $(hostname)"');
    assert.equal(exec.stdout, 'exec in pa\n', exec.stderr);
    const ipA = (await kubectl(kubeconfig, 'get', 'pod', 'pa', '-o', 'jsonpath={.status.podIP}')).stdout;
    const ipB = (await kubectl(kubeconfig, 'get', 'pod', 'pb', '-o', 'jsonpath={.status.podIP}')).stdout;
    const clusterNet = (await demo('GET', `/networking/v2.0/networks?name=${name}-net`)).body.networks[0];
    assert.ok(clusterNet, 'the cluster network');
    if (kuryr) {
      // Each pod's address is a Neutron port of its own on the cluster network, paired on its node's port.
      for (const [ip, node] of [[ipA, nodeNames[1]!], [ipB, nodeNames[2]!]] as const) {
        const ports = (await k.neutron(`/ports?fixed_ips=ip_address%3D${ip}`)).body.ports as { network_id: string; device_owner: string }[];
        assert.deepEqual(ports.map((p) => [p.network_id, p.device_owner]), [[clusterNet.id, 'compute:kuryr']], `the port of ${ip}`);
        const server = ((await k.nova('/servers/detail?all_tenants=1')).body.servers as { id: string; name: string }[]).find((s) => hostnameOf(s.name) === node)!;
        const nodePort = (await k.neutron(`/ports?device_id=${server.id}`)).body.ports[0];
        assert.ok(nodePort.allowed_address_pairs.some((a: { ip_address: string }) => a.ip_address === ip), `${node}'s port lets ${ip} through`);
      }
    } else assert.notEqual(ipA.split('.').slice(0, 3).join('.'), ipB.split('.').slice(0, 3).join('.'), 'each node has its own pod range');
    await withDiagnosis('pa pings pb across workers', 30_000, async () => (await kubectl(kubeconfig, 'exec', 'pa', '--', 'ping', '-c', '1', '-W', '2', ipB)).code === 0);
    assert.equal((await kubectl(kubeconfig, 'exec', 'pb', '--', 'ping', '-c', '1', '-W', '2', ipA)).code, 0, 'and back');

    // A Pier server on the cluster's network, reached from a pod once its security group lets icmp in.
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
    await waitFor('the pod pings the server', async () => (await kubectl(kubeconfig, 'exec', 'pa', '--', 'ping', '-c', '1', '-W', '2', vmIp)).code === 0, 30_000);
    // kuryr: the pod is on the network like any port, so the server reaches it as well (its node's group lets icmp in).
    if (kuryr) {
      const ping = () => sh('runc', ['--root', runcRoot(), 'exec', vm.body.server.id, 'ping', '-c', '1', '-W', '2', ipA]);
      await waitFor('the server pings the pod', async () => (await ping()).code === 0, 30_000);
    }
    assert.equal((await demo('DELETE', `/compute/v2.1/servers/${vm.body.server.id}`)).status, 204);
    await waitFor('the server gone', async () => (await demo('GET', `/compute/v2.1/servers/${vm.body.server.id}`)).status === 404, 60_000);
    assert.equal((await demo('DELETE', `/networking/v2.0/security-groups/${sg.id}`)).status, 204);
  });

  test('a ClusterIP Service answers through kube-proxy', { timeout: 120_000 }, async () => {
    const web = await kubectlIn(kubeconfig, pod('web', nodeNames[2]!, 'mkdir -p /www; echo pier-web > /www/index.html; exec httpd -f -p 8080 -h /www', { app: 'web' }), 'apply', '-f', '-');
    assert.equal(web.code, 0, web.stderr);
    const svc = await kubectlIn(kubeconfig, JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } }), 'apply', '-f', '-');
    assert.equal(svc.code, 0, svc.stderr);
    await waitFor('web Running', async () => (await phase('web')) === 'Running', 60_000);
    const ip = (await kubectl(kubeconfig, 'get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}')).stdout;
    // nc, not wget: the static busybox's wget crashes in a pod (exit 139) even on an IP address.
    const get = `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ip} 80`;
    await withDiagnosis(`the Service at ${ip} answers from the other worker`, 60_000, async () => (await kubectl(kubeconfig, 'exec', 'pa', '--', 'sh', '-c', get)).stdout.includes('pier-web'));
  });

  test('resize up: a third worker joins; resize down naming a worker: the two that go are drained and forgotten', { timeout: 300_000 }, async () => {
    const t1 = performance.now();
    assert.equal((await k.magnum('POST', `/clusters/${clusterId}/actions/resize`, { node_count: 3 })).status, 202);
    const grown = await k.until(clusterId, 'UPDATE_COMPLETE');
    assert.equal(grown.node_addresses.length, 3);
    await untilReady(kubeconfig, 4);
    console.log(`# resize +1 → 4 nodes Ready ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    serverIds = ((await k.nova('/servers?all_tenants=1')).body.servers as { id: string }[]).map((s) => s.id);

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
    // pa lived on the named worker: drained (its end confirmed by its kubelet before the server went), it is gone — not left
    // Terminating on a dead node until the pod garbage collector (40 s after the node object goes) takes it.
    await waitFor('the drained pod gone', async () => (await kubectl(kubeconfig, 'get', 'pod', 'pa')).code !== 0, 30_000);
  });

  test('deleting the cluster leaves no server, port, network, process, cgroup, mount or namespace', { timeout: 200_000 }, async () => {
    assert.equal((await k.magnum('DELETE', `/clusters/${clusterId}`)).status, 204);
    await waitFor('cluster gone', async () => (await k.magnum('GET', `/clusters/${clusterId}`)).status === 404, 120_000);
    clusterId = '';
    assert.deepEqual((await k.nova('/servers?all_tenants=1')).body.servers, []);
    assert.deepEqual((await k.neutron('/ports?device_owner=compute:nova')).body.ports, []);
    assert.deepEqual((await k.neutron('/ports?device_owner=compute:kuryr')).body.ports, [], 'no pod\'s port');
    assert.deepEqual((await demo('GET', `/volume/v3/${k.demoProject}/volumes`)).body.volumes, [], 'no volume');
    assert.deepEqual((await k.neutron('/networks')).body.networks.map((n: { name: string }) => n.name), ['public']);
    assert.deepEqual((await k.neutron('/routers')).body.routers, []);
    assert.deepEqual((await k.neutron('/floatingips')).body.floatingips, []);
    for (const id of serverIds) {
      assert.equal(existsSync(join(t.dataDir, 'runc', 'servers', id)), false, `bundle of ${id}`);
      assert.deepEqual(netnsWith(`pier-srv-${id}`), [], `netns of ${id}`);
      for (const h of cgroupHierarchies()) assert.equal(existsSync(join('/sys/fs/cgroup', h, ownMemoryCgroup(), `pier-srv-${id}`)), false, `cgroup ${h} of ${id}`);
    }
    const servers = join(t.dataDir, 'runc', 'servers');
    assert.ok(!readFileSync('/proc/self/mounts', 'utf8').includes(servers), 'no mount of a server left');
    // A process of a node (or of its pods) has its root in a server's bundle.
    const left = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => { try { return readlinkSync(`/proc/${p}/root`).startsWith(servers); } catch { return false; } });
    assert.deepEqual(left, [], 'no node process left');
  });
});
}
