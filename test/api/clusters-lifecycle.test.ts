// Clusters end to end over real HTTP on both stores with the fake compute runtime: create →
// CREATE_COMPLETE from its stack (servers ACTIVE, addresses from the outputs), show / list,
// nodegroups, resize (and nodes_to_remove) as stack updates, certificates (CA, CSR signing with
// the subject kept, rotation), quotas, stats, template in use refused, bad input refused with
// nothing made, restart during create resumes, delete leaves no stack, server, port or network.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { parseNodeUserData } from '../../src/clusters/drivers/kubernetes/index.js';
import { testStores } from '../support/pier.js';
import { magnumError, startMagnum, type MagnumCloud } from '../support/clusters.js';

function csr(subject: string): string {
  return execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', '/dev/null', '-subj', subject], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
}

for (const store of testStores()) describe(`clusters: lifecycle on ${store}`, () => {
  let c: MagnumCloud;
  before(async () => { c = await startMagnum(store); await c.template({ name: 'k8s' }); });
  after(() => c.close());

  const heat = (method: string, path: string) => c.api('orchestration', method, `/v1/${c.demoProject}${path}`);
  const servers = async () => (await c.api('compute', 'GET', '/v2.1/servers/detail')).body.servers;
  const create = async (body: Record<string, unknown>, version?: string) => {
    const r = await c.magnum('POST', '/v1/clusters', { body: { cluster_template_id: 'k8s', ...body }, version });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body), ['uuid']);
    return r.body.uuid as string;
  };

  test('bad cluster requests: Magnum\'s errors, nothing created', async () => {
    const bad = async (body: Record<string, unknown>, status: number, detail: RegExp, version?: string) =>
      magnumError(await c.magnum('POST', '/v1/clusters', { body: { cluster_template_id: 'k8s', ...body }, version }), status, detail);
    await bad({ cluster_template_id: 'nope' }, 400, /ClusterTemplate nope could not be found/);
    await bad({ master_count: 0 }, 400, /master_count/);
    await bad({ node_count: -1 }, 400, /node_count/);
    await bad({ node_count: 0 }, 400, /Resizing a nodegroup to zero is not supported/, '1.9');
    await bad({ keypair: 'nokey' }, 404, /Unable to find keypair nokey/);
    await bad({ flavor_id: 'm9.huge' }, 400, /Unable to find flavor/);
    await bad({ name: '9starts-with-digit' }, 400, /name/);
    await bad({ bogus: true }, 400, /Unknown attribute for argument cluster: bogus/);
    const r = await c.magnum('POST', '/v1/clusters', { body: { name: 'x' } });
    magnumError(r, 400, /cluster_template_id.*Mandatory field missing/);
    assert.deepEqual((await c.magnum('GET', '/v1/clusters')).body.clusters, []);
    assert.deepEqual((await heat('GET', '/stacks')).body.stacks, []);
  });

  test('create → CREATE_COMPLETE with its stack, servers, addresses and nodegroups; resize; delete leaves nothing', async () => {
    const id = await create({ name: 'k1', master_count: 1, node_count: 2, labels: { extra: 'yes' }, merge_labels: true });
    const early = (await c.magnum('GET', `/v1/clusters/${id}`)).body;
    assert.match(early.status, /^CREATE_(IN_PROGRESS|COMPLETE)$/);
    assert.equal(early.health_status, 'UNKNOWN');
    const k = await c.settle(id);
    assert.equal(k.status, 'CREATE_COMPLETE', k.status_reason);
    for (const f of ['uuid', 'name', 'status', 'status_reason', 'health_status', 'health_status_reason', 'cluster_id', 'api_address', 'master_addresses',
      'node_addresses', 'coe_version', 'faults', 'labels', 'node_count', 'master_count', 'keypair', 'create_timeout', 'cluster_template_id', 'project_id',
      'flavor_id', 'master_flavor_id', 'floating_ip_enabled', 'labels_added', 'links']) assert.ok(f in k, f);
    assert.equal(k.node_count, 2);
    assert.equal(k.master_count, 1);
    assert.equal(k.keypair, 'demo-key');
    assert.match(k.api_address, /^https:\/\/172\.24\.4\.\d+:6443$/);
    assert.deepEqual(k.master_addresses, [k.api_address.slice(8, -5)]);
    assert.equal(k.node_addresses.length, 2);
    for (const a of k.node_addresses) assert.match(a, /^10\.0\.0\.\d+$/);
    assert.deepEqual(k.labels_added, { extra: 'yes' });
    // 1.12 shows stack_id, 1.13+ cluster_id.
    const old = (await c.magnum('GET', `/v1/clusters/${id}`, { version: '1.12' })).body;
    assert.equal(old.stack_id, k.cluster_id);
    assert.ok(!('cluster_id' in old));
    // The stack is the project's; its servers are ACTIVE with the pier_node user_data.
    const stacks = (await heat('GET', '/stacks')).body.stacks;
    assert.deepEqual(stacks.map((s: any) => s.id), [k.cluster_id]);
    assert.equal(stacks[0].stack_status, 'CREATE_COMPLETE');
    const all = await servers();
    assert.equal(all.length, 3);
    for (const s of all) assert.equal(s.status, 'ACTIVE');
    // Each node's user_data is the {"pier_node": …} document the node image reads.
    const details = (await c.api('compute', 'GET', `/v2.1/servers/detail?all_tenants=1`, { token: c.admin, headers: { 'X-OpenStack-Nova-API-Version': '2.3' } })).body.servers;
    const docs = details.map((s: any) => JSON.parse(Buffer.from(s['OS-EXT-SRV-ATTR:user_data'], 'base64').toString()).pier_node);
    // …and the node image's own check of it passes (kube/node_config.go makes the same).
    for (const s of details) parseNodeUserData(Buffer.from(s['OS-EXT-SRV-ATTR:user_data'], 'base64').toString());
    // Pods' addresses may cross the cluster network: every node's port allows the pod range.
    for (const s of details) {
      const ports = (await c.api('networking', 'GET', `/v2.0/ports?device_id=${s.id}`, { token: c.admin })).body.ports;
      assert.deepEqual(ports.map((p: any) => p.allowed_address_pairs.map((a: any) => a.ip_address)), [['10.100.0.0/16']], s.name);
    }
    const master = docs.find((d: any) => d.role === 'master');
    const workers = docs.filter((d: any) => d.role === 'worker');
    assert.equal(master.cluster_uuid, id);
    // api_addresses: the master's fixed address (workers' kubelets use it), then its floating one.
    assert.equal(master.api_addresses[1], k.master_addresses[0]);
    assert.match(master.api_addresses[0], /^10\.0\.0\.\d+$/);
    assert.equal(master.pod_cidr, '10.100.0.0/16');
    assert.equal(master.network_driver, 'pier-bridge');
    assert.match(master.ca_key, /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.equal(master.ca_cert, (await c.magnum('GET', `/v1/certificates/${id}`)).body.pem);
    assert.match(master.bootstrap_token, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    assert.deepEqual(workers.map((w: any) => w.index).sort(), [0, 1]);
    for (const w of workers) {
      assert.ok(!('ca_key' in w));
      assert.deepEqual(w.api_addresses, master.api_addresses);
      assert.equal(w.bootstrap_token, master.bootstrap_token);
      assert.equal(w.nodegroup, 'default-worker');
    }
    const shown = await heat('GET', `/stacks/${stacks[0].stack_name}/${k.cluster_id}`);
    assert.equal(shown.body.stack.parameters.ca_key, '******');
    // Summary list and detail.
    const list = (await c.magnum('GET', '/v1/clusters')).body.clusters;
    assert.equal(list.length, 1);
    assert.deepEqual(Object.keys(list[0]).sort(), ['cluster_id', 'cluster_template_id', 'create_timeout', 'docker_volume_size', 'flavor_id', 'health_status',
      'keypair', 'labels', 'links', 'master_count', 'master_flavor_id', 'name', 'node_count', 'status', 'uuid'].sort());
    assert.equal((await c.magnum('GET', '/v1/clusters/k1')).body.uuid, id);
    // Nodegroups.
    const ngs = (await c.magnum('GET', `/v1/clusters/${id}/nodegroups`)).body.nodegroups;
    assert.deepEqual(ngs.map((n: any) => [n.name, n.role, n.node_count, n.status]).sort(), [['default-master', 'master', 1, 'CREATE_COMPLETE'], ['default-worker', 'worker', 2, 'CREATE_COMPLETE']]);
    const w = (await c.magnum('GET', `/v1/clusters/${id}/nodegroups/default-worker`)).body;
    assert.equal(w.node_addresses.length, 2);
    magnumError(await c.magnum('DELETE', `/v1/clusters/${id}/nodegroups/default-worker`), 400, /Deleting a default nodegroup is not supported/);
    // The template is in use.
    magnumError(await c.magnum('DELETE', '/v1/clustertemplates/k8s'), 400, /referenced by one or multiple clusters/);
    magnumError(await c.magnum('PATCH', '/v1/clustertemplates/k8s', { body: [{ op: 'replace', path: '/flavor_id', value: 'm1.small' }] }), 400, /referenced/);
    assert.equal((await c.magnum('PATCH', '/v1/clustertemplates/k8s', { body: [{ op: 'replace', path: '/name', value: 'k8s' }] })).status, 200);

    // Resize up through the action, then down through PATCH.
    magnumError(await c.magnum('POST', `/v1/clusters/${id}/actions/resize`, { body: { node_count: 'x' } }), 400, /node_count/);
    magnumError(await c.magnum('POST', `/v1/clusters/${id}/actions/resize`, { body: { node_count: 1, nodegroup: 'default-master' } }), 400, /Resizing the master nodegroup/);
    magnumError(await c.magnum('POST', `/v1/clusters/${id}/actions/resize`, { body: { node_count: 1 }, version: '1.6' }), 404, /could not be found/);
    const up = await c.magnum('POST', `/v1/clusters/${id}/actions/resize`, { body: { node_count: 3 } });
    assert.equal(up.status, 202, JSON.stringify(up.body));
    const grown = await c.settle(id);
    assert.equal(grown.status, 'UPDATE_COMPLETE', grown.status_reason);
    assert.equal(grown.node_count, 3);
    assert.equal(grown.node_addresses.length, 3);
    assert.equal((await servers()).length, 4);
    // Remove a named worker.
    const workerIds = (await servers()).filter((s: any) => s.metadata.role === 'worker').map((s: any) => s.id);
    const victim = workerIds[0];
    const down = await c.magnum('POST', `/v1/clusters/${id}/actions/resize`, { body: { node_count: 2, nodes_to_remove: [victim] } });
    assert.equal(down.status, 202, JSON.stringify(down.body));
    const shrunk = await c.settle(id);
    assert.equal(shrunk.status, 'UPDATE_COMPLETE', shrunk.status_reason);
    const left = (await servers()).filter((s: any) => s.metadata.role === 'worker').map((s: any) => s.id);
    assert.equal(left.length, 2);
    assert.ok(!left.includes(victim), 'the named node was the one removed');
    const patched = await c.magnum('PATCH', `/v1/clusters/${id}`, { body: [{ op: 'replace', path: '/node_count', value: 1 }] });
    assert.equal(patched.status, 202, JSON.stringify(patched.body));
    assert.equal((await c.settle(id)).node_count, 1);
    magnumError(await c.magnum('PATCH', `/v1/clusters/${id}`, { body: [{ op: 'replace', path: '/name', value: 'other' }] }), 400, /Only node_count/);
    magnumError(await c.magnum('POST', `/v1/clusters/${id}/actions/upgrade`, { body: { cluster_template: 'k8s' } }), 400, /not supported/);

    // An extra worker nodegroup, then its removal.
    const ng = await c.magnum('POST', `/v1/clusters/${id}/nodegroups`, { body: { name: 'extra', node_count: 1 } });
    assert.equal(ng.status, 202, JSON.stringify(ng.body));
    assert.equal((await c.settle(id)).status, 'UPDATE_COMPLETE');
    assert.equal((await servers()).length, 3);
    magnumError(await c.magnum('POST', `/v1/clusters/${id}/nodegroups`, { body: { name: 'extra', node_count: 1 } }), 409, /already exists/);
    magnumError(await c.magnum('POST', `/v1/clusters/${id}/nodegroups`, { body: { name: 'm2', role: 'master' } }), 400, /Creating master nodegroups/);
    assert.equal((await c.magnum('DELETE', `/v1/clusters/${id}/nodegroups/extra`)).status, 204);
    assert.equal((await c.settle(id)).status, 'UPDATE_COMPLETE');
    assert.equal((await servers()).length, 2);
    assert.deepEqual((await c.magnum('GET', `/v1/clusters/${id}/nodegroups`)).body.nodegroups.map((n: any) => n.name).sort(), ['default-master', 'default-worker']);

    // Certificates: the CA, a CSR signed with its subject kept, rotation.
    const ca = await c.magnum('GET', `/v1/certificates/${id}`);
    assert.equal(ca.status, 200);
    assert.equal(ca.body.cluster_uuid, id);
    const caCert = new X509Certificate(ca.body.pem);
    assert.ok(caCert.ca);
    const signed = await c.magnum('POST', '/v1/certificates', { body: { cluster_uuid: id, csr: csr('/CN=admin/O=system:masters') } });
    assert.equal(signed.status, 201, JSON.stringify(signed.body));
    const cert = new X509Certificate(signed.body.pem);
    assert.ok(cert.checkIssued(caCert) && cert.verify(caCert.publicKey));
    assert.deepEqual(cert.subject.split('\n').sort(), ['CN=admin', 'O=system:masters']);
    magnumError(await c.magnum('POST', '/v1/certificates', { body: { cluster_uuid: id, csr: 'garbage' } }), 400, /invalid csr/);
    magnumError(await c.magnum('POST', '/v1/certificates', { body: { cluster_uuid: 'nope', csr: csr('/CN=x') } }), 404, /Cluster nope could not be found/);
    assert.equal((await c.magnum('PATCH', `/v1/certificates/${id}`, { body: { cluster_uuid: id } })).status, 202);
    assert.notEqual((await c.magnum('GET', `/v1/certificates/${id}`)).body.pem, ca.body.pem);

    // Stats.
    const stats = await c.magnum('GET', '/v1/stats');
    assert.deepEqual(stats.body, { clusters: 1, nodes: 2 });

    // Delete: the stack, servers, ports and networks go, then the cluster.
    const netsBefore = (await c.api('networking', 'GET', '/v2.0/networks')).body.networks.length;
    assert.equal((await c.magnum('DELETE', `/v1/clusters/${id}`)).status, 204);
    assert.equal(await c.settle(id), undefined);
    assert.deepEqual(await servers(), []);
    assert.deepEqual((await heat('GET', '/stacks')).body.stacks, []);
    assert.deepEqual((await c.api('networking', 'GET', `/v2.0/ports?project_id=${c.demoProject}`)).body.ports, []);
    assert.deepEqual((await c.api('networking', 'GET', '/v2.0/floatingips')).body.floatingips, []);
    assert.deepEqual((await c.api('networking', 'GET', '/v2.0/routers')).body.routers, []);
    assert.equal((await c.api('networking', 'GET', '/v2.0/networks')).body.networks.length, netsBefore - 1);
    magnumError(await c.magnum('GET', `/v1/certificates/${id}`), 404, /could not be found/);
    assert.equal((await c.magnum('DELETE', '/v1/clustertemplates/k8s')).status, 204);
    await c.template({ name: 'k8s' });
  });

  test('network_driver kuryr with docker_volume_size: container hosts, no pod range on their ports, pods in the node\'s group, a storage volume per node through resizes', async () => {
    await c.template({ name: 'k8s-kuryr', network_driver: 'kuryr', docker_volume_size: 2 });
    const id = await create({ name: 'kk', cluster_template_id: 'k8s-kuryr', master_count: 1, node_count: 2 });
    assert.equal((await c.settle(id)).status, 'CREATE_COMPLETE');
    const details = async () => (await c.api('compute', 'GET', '/v2.1/servers/detail?all_tenants=1', { token: c.admin, headers: { 'X-OpenStack-Nova-API-Version': '2.79' } })).body.servers;
    const volumes = async () => (await c.api('volume', 'GET', `/v3/${c.demoProject}/volumes/detail`)).body.volumes;
    for (const s of await details()) {
      assert.equal(s.metadata['kuryr:nested'], 'true', s.name);
      const doc = parseNodeUserData(Buffer.from(s['OS-EXT-SRV-ATTR:user_data'], 'base64').toString());
      assert.equal(doc.network_driver, 'kuryr');
      assert.equal(doc.storage_volume, '/mnt/vdb');
      const ports = (await c.api('networking', 'GET', `/v2.0/ports?device_id=${s.id}`, { token: c.admin })).body.ports;
      assert.equal(ports.length, 1);
      assert.deepEqual(ports[0].allowed_address_pairs, [], 'pods bring their own pairs');
      assert.deepEqual(doc.pod_security_groups, ports[0].security_groups, 'pods join their node\'s group');
      // Its storage volume: docker_volume_size GB, in-use at /dev/vdb.
      const [v] = s['os-extended-volumes:volumes_attached'];
      const vol = (await volumes()).find((x: any) => x.id === v.id);
      assert.deepEqual([vol.size, vol.status, vol.attachments[0].device, vol.name], [2, 'in-use', '/dev/vdb', `${s.name}-storage`]);
    }
    assert.equal((await volumes()).length, 3);
    // Members are still their servers: a resize naming a worker removes that one, with its volume.
    const victim = (await details()).find((s: any) => s.metadata.role === 'worker');
    const down = await c.magnum('POST', `/v1/clusters/${id}/actions/resize`, { body: { node_count: 1, nodes_to_remove: [victim.id] } });
    assert.equal(down.status, 202, JSON.stringify(down.body));
    assert.equal((await c.settle(id)).status, 'UPDATE_COMPLETE');
    const left = await details();
    assert.equal(left.length, 2);
    assert.ok(!left.some((s: any) => s.id === victim.id), 'the named worker went');
    assert.equal((await volumes()).length, 2, 'its volume with it');
    assert.equal((await c.magnum('DELETE', `/v1/clusters/${id}`)).status, 204);
    assert.equal(await c.settle(id), undefined);
    assert.deepEqual(await volumes(), []);
    assert.equal((await c.magnum('DELETE', '/v1/clustertemplates/k8s-kuryr')).status, 204);
  });

  test('quotas: admin sets a limit; the project is held to it', async () => {
    magnumError(await c.magnum('POST', '/v1/quotas', { body: { project_id: c.demoProject, resource: 'Cluster', hard_limit: 1 } }), 403, /Policy doesn't allow quota:create/);
    const q = await c.magnum('POST', '/v1/quotas', { token: c.admin, body: { project_id: c.demoProject, resource: 'Cluster', hard_limit: 1 } });
    assert.equal(q.status, 201, JSON.stringify(q.body));
    assert.equal((await c.magnum('GET', `/v1/quotas/${c.demoProject}/Cluster`)).body.hard_limit, 1);
    const id = await create({ name: 'q1', node_count: 1 });
    magnumError(await c.magnum('POST', '/v1/clusters', { body: { cluster_template_id: 'k8s', name: 'q2' } }), 403, /maximum clusters per project, 1/);
    assert.equal((await c.magnum('PATCH', `/v1/quotas/${c.demoProject}/Cluster`, { token: c.admin, body: { project_id: c.demoProject, resource: 'Cluster', hard_limit: 5 } })).status, 202);
    assert.equal((await c.magnum('GET', '/v1/quotas?all_tenants=True', { token: c.admin })).body.quotas.length, 1);
    assert.equal((await c.magnum('DELETE', `/v1/quotas/${c.demoProject}/Cluster`, { token: c.admin })).status, 204);
    assert.equal((await c.magnum('GET', `/v1/quotas/${c.demoProject}/Cluster`)).body.hard_limit, 20);
    assert.equal((await c.settle(id)).status, 'CREATE_COMPLETE');
    assert.equal((await c.magnum('DELETE', `/v1/clusters/${id}`)).status, 204);
    assert.equal(await c.settle(id), undefined);
    const ms = await c.magnum('GET', '/v1/mservices', { token: c.admin });
    assert.equal(ms.body.mservices[0].binary, 'magnum-conductor');
  });

  test('lists of clusters page; a restart during create resumes to CREATE_COMPLETE', async () => {
    const ids = [await create({ name: 'p1' }), await create({ name: 'p2' }), await create({ name: 'p3' })];
    await c.t.restart();
    for (const id of ids) assert.equal((await c.settle(id)).status, 'CREATE_COMPLETE');
    const seen: string[] = [];
    let path = '/v1/clusters?limit=2';
    while (path) {
      const r = await c.magnum('GET', path);
      seen.push(...r.body.clusters.map((x: any) => x.uuid));
      path = r.body.next ? r.body.next.slice(r.body.next.indexOf('/v1/')) : '';
    }
    assert.deepEqual([...seen].sort(), [...ids].sort());
    for (const id of ids) assert.equal((await c.magnum('DELETE', `/v1/clusters/${id}`)).status, 204);
    for (const id of ids) assert.equal(await c.settle(id), undefined);
    assert.deepEqual(await servers(), []);
  });
});
