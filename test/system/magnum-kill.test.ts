// Root: `pier up` (runc servers on linuxbridge) killed with SIGKILL in the middle of a Magnum
// cluster create, once the stack has begun making the node servers, then started again on the
// same data dir: the cluster reaches CREATE_COMPLETE by itself, the real kubectl sees its three
// nodes Ready, and deleting it leaves no server, port, network or runc container.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPierProcess, type PierProcess } from '../support/process.js';
import { netnsWith, requireRoot, sh, uniquePrefix, waitFor } from '../support/system.js';
import { externalRange, kubeCloud, kubeMissing, prepareNodeImage, untilReady, type KubeCloud } from '../support/magnum-kube.js';

requireRoot();
const missing = kubeMissing();

describe('Magnum: kill -9 during a cluster create', { skip: missing }, () => {
  const prefix = uniquePrefix();
  const work = mkdtempSync(join(tmpdir(), 'pier-magnum-kill-'));
  const ext = externalRange();
  let p: PierProcess;
  let k: KubeCloud;
  let clusterId = '';
  const runcList = async () => (await sh('runc', ['--root', join(p.dataDir, 'runc', 'state'), 'list', '-q'])).stdout.split('\n').filter(Boolean);

  before(async () => {
    prepareNodeImage();
    p = await startPierProcess('sqlite', ['--dataplane', 'linuxbridge', '--dataplane-namespace', `${prefix}-dp`, '--physnet', `public=${ext}.1/24`, '--compute', 'runc']);
    k = await kubeCloud(p.url, ext, work);
  });

  after(async () => {
    if (clusterId) {
      await k.magnum('DELETE', `/clusters/${clusterId}`).catch(() => {});
      await waitFor('cluster gone', async () => (await k.magnum('GET', `/clusters/${clusterId}`)).status === 404, 120_000).catch(() => {});
    }
    await p.cleanup();
    for (const ns of netnsWith(`${prefix}-dp`)) await sh('ip', ['netns', 'del', ns]);
    rmSync(work, { recursive: true, force: true });
  });

  test('the cluster completes after the restart, its nodes Ready; delete leaves nothing', { timeout: 600_000 }, async () => {
    const template = await k.template(`${prefix}-k8s`);
    const made = await k.magnum('POST', '/clusters', { name: `${prefix}-c`, cluster_template_id: template, master_count: 1, node_count: 2 });
    assert.equal(made.status, 202, JSON.stringify(made.body));
    clusterId = made.body.uuid;
    await waitFor('the first node server', async () => ((await k.nova('/servers?all_tenants=1')).body.servers as unknown[]).length > 0, 120_000);
    assert.equal((await k.cluster(clusterId)).status, 'CREATE_IN_PROGRESS', 'the kill must come mid-create');
    const child = p.child;
    child.kill('SIGKILL');
    while (child.exitCode === null && child.signalCode === null) await new Promise((res) => setTimeout(res, 10));
    const t0 = performance.now();
    await p.restart();
    const c = await k.until(clusterId, 'CREATE_COMPLETE');
    assert.equal(c.node_addresses.length, 2);
    const kubeconfig = await k.kubeconfig(clusterId, work);
    await untilReady(kubeconfig, 3);
    console.log(`# restart → CREATE_COMPLETE and 3 nodes Ready ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const servers = (await k.nova('/servers?all_tenants=1')).body.servers as unknown[];
    assert.equal(servers.length, 3, 'no server made twice');
    assert.equal((await runcList()).length, 3);

    assert.equal((await k.magnum('DELETE', `/clusters/${clusterId}`)).status, 204);
    await waitFor('cluster gone', async () => (await k.magnum('GET', `/clusters/${clusterId}`)).status === 404, 120_000);
    clusterId = '';
    assert.deepEqual((await k.nova('/servers?all_tenants=1')).body.servers, []);
    assert.deepEqual((await k.neutron('/ports?device_owner=compute:nova')).body.ports, []);
    assert.deepEqual((await k.neutron('/networks')).body.networks.map((n: { name: string }) => n.name), ['public']);
    await waitFor('no runc container', async () => (await runcList()).length === 0, 30_000);
  });
});
