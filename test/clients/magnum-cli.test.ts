// The Debian `openstack` CLI with python3-magnumclient against `pier up`, unmodified: cluster
// template create / list / show / update / delete, cluster create / list / show / resize /
// delete, nodegroup list, ca show / sign, cluster config (a kubeconfig with the cluster CA, a
// client certificate it signed for CN=admin,O=system:masters, and https://<api>:6443), quotas
// and stats. Without the client this suite fails under CI=true and skips elsewhere.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { testStores } from '../support/pier.js';
import { openstack, openstackJson, openstackOk, startPierProcess, type PierProcess } from '../support/process.js';

const HAVE = existsSync('/usr/lib/python3/dist-packages/magnumclient');
if (!HAVE && process.env.CI === 'true') throw new Error('CI=true but python3-magnumclient is not installed (scripts/install.sh --system)');

for (const store of testStores()) describe(`openstack coe against pier up on ${store}`, { skip: !HAVE && 'python3-magnumclient is not installed' }, () => {
  let p: PierProcess;
  let dir: string;
  const env = { SHELL: '/bin/bash' };
  const coe = (args: string[]) => openstackOk(p, ['coe', ...args], 'pier', env);
  const coeJson = (args: string[]) => openstackJson(p, ['coe', ...args], 'pier', env);
  const settle = async (name: string) => {
    for (let i = 0; i < 300; i++) {
      const r = await openstack(p, ['coe', 'cluster', 'show', name, '-f', 'json'], 'pier', env);
      if (r.code !== 0) return undefined;
      const c = JSON.parse(r.stdout);
      if (!String(c.status).endsWith('IN_PROGRESS')) return c;
      await new Promise((res) => setTimeout(res, 200));
    }
    assert.fail(`cluster ${name} did not settle`);
  };

  before(async () => {
    p = await startPierProcess(store);
    dir = mkdtempSync(join(tmpdir(), 'pier-coe-'));
    await openstackOk(p, ['network', 'create', '--external', 'public']);
    await openstackOk(p, ['subnet', 'create', '--network', 'public', '--subnet-range', '172.24.4.0/24', 'public-subnet']);
    await openstackOk(p, ['image', 'set', '--property', 'os_distro=pier-kubernetes', 'busybox']);
    await openstackOk(p, ['keypair', 'create', 'coe-key']);
  });
  after(async () => { await p?.cleanup(); rmSync(dir, { recursive: true, force: true }); });

  test('cluster templates: create, list, show, update, delete', async () => {
    const made = await coe(['cluster', 'template', 'create', 'k8s', '--coe', 'kubernetes', '--image', 'busybox', '--external-network', 'public',
      '--flavor', 'm1.tiny', '--master-flavor', 'm1.tiny', '--keypair', 'coe-key', '--network-driver', 'pier-bridge', '--labels', 'a=b']);
    assert.match(made.stdout, /Request to create cluster template k8s accepted/);
    const t = await coeJson(['cluster', 'template', 'show', 'k8s']);
    assert.equal(t.coe, 'kubernetes');
    assert.deepEqual(t.labels, { a: 'b' });
    assert.equal(t.cluster_distro, 'pier-kubernetes');
    const list = await coeJson(['cluster', 'template', 'list']);
    assert.deepEqual(list.map((x: any) => x.name), ['k8s']);
    const shown = await coeJson(['cluster', 'template', 'show', 'k8s']);
    assert.equal(shown.uuid, t.uuid);
    await coe(['cluster', 'template', 'update', 'k8s', 'replace', 'dns_nameserver=1.1.1.1']);
    assert.equal((await coeJson(['cluster', 'template', 'show', 'k8s'])).dns_nameserver, '1.1.1.1');
    const bad = await openstack(p, ['coe', 'cluster', 'template', 'create', 'nope', '--coe', 'kubernetes', '--image', 'no-such-image', '--external-network', 'public'], 'pier', env);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Image no-such-image could not be found/);
    await coe(['cluster', 'template', 'create', 'spare', '--coe', 'kubernetes', '--image', 'busybox', '--external-network', 'public']);
    await coe(['cluster', 'template', 'delete', 'spare']);
    assert.equal((await coeJson(['cluster', 'template', 'list'])).length, 1);
  });

  test('clusters: create, show, nodegroups, resize, ca, config, quotas, stats, delete', async () => {
    const made = await coe(['cluster', 'create', 'k1', '--cluster-template', 'k8s', '--master-count', '1', '--node-count', '2']);
    assert.match(made.stdout, /Request to create cluster [0-9a-f-]{36} accepted/);
    const c = await settle('k1');
    assert.equal(c.status, 'CREATE_COMPLETE', c.status_reason);
    assert.match(c.api_address, /^https:\/\/172\.24\.4\.\d+:6443$/);
    assert.equal(c.node_addresses.length, 2);
    assert.deepEqual((await coeJson(['cluster', 'list'])).map((x: any) => [x.name, x.status]), [['k1', 'CREATE_COMPLETE']]);
    const ngs = await coeJson(['nodegroup', 'list', 'k1']);
    assert.deepEqual(ngs.map((n: any) => n.name).sort(), ['default-master', 'default-worker']);
    const stacks = await openstackJson(p, ['stack', 'list']);
    assert.equal(stacks.length, 1);
    assert.match(stacks[0]['Stack Name'], /^k1-/);

    await coe(['cluster', 'resize', 'k1', '3']);
    const grown = await settle('k1');
    assert.equal(grown.status, 'UPDATE_COMPLETE', grown.status_reason);
    assert.equal(grown.node_count, 3);

    const caPem = (await coe(['ca', 'show', 'k1'])).stdout;
    const ca = new X509Certificate(caPem);
    const csrFile = join(dir, 'client.csr');
    writeFileSync(csrFile, execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=someone/O=devs'], { stdio: ['ignore', 'pipe', 'ignore'] }));
    const signed = new X509Certificate((await coe(['ca', 'sign', 'k1', csrFile])).stdout);
    assert.ok(signed.checkIssued(ca) && signed.verify(ca.publicKey));
    assert.deepEqual(signed.subject.split('\n').sort(), ['CN=someone', 'O=devs']);

    const cfgDir = join(dir, 'kube');
    execFileSync('mkdir', ['-p', cfgDir]);
    const out = await coe(['cluster', 'config', 'k1', '--dir', cfgDir]);
    assert.match(out.stdout, /export KUBECONFIG=/);
    const kube = parse(readFileSync(join(cfgDir, 'config'), 'utf8'));
    assert.equal(kube.clusters[0].cluster.server, grown.api_address);
    const kubeCa = new X509Certificate(Buffer.from(kube.clusters[0].cluster['certificate-authority-data'], 'base64'));
    assert.equal(kubeCa.fingerprint256, ca.fingerprint256);
    const client = new X509Certificate(Buffer.from(kube.users[0].user['client-certificate-data'], 'base64'));
    assert.ok(client.checkIssued(ca) && client.verify(ca.publicKey));
    assert.deepEqual(client.subject.split('\n').sort(), ['CN=admin', 'O=system:masters']);

    const project = (await openstackJson(p, ['token', 'issue'])).project_id;
    await coe(['quotas', 'create', '--project-id', project, '--resource', 'Cluster', '--hard-limit', '5']);
    // magnumclient's quotas and stats commands print tables only (no -f).
    assert.match((await coe(['quotas', 'show', '--project-id', project, '--resource', 'Cluster'])).stdout, /hard_limit\s*\|\s*5\s*\|/);
    assert.match((await coe(['stats', 'list', project])).stdout, /clusters\s*\|\s*1\s*\|/);

    await coe(['cluster', 'delete', 'k1']);
    assert.equal(await settle('k1'), undefined);
    assert.deepEqual(await openstackJson(p, ['stack', 'list']), []);
    assert.deepEqual(await openstackJson(p, ['server', 'list']), []);
    await coe(['cluster', 'template', 'delete', 'k8s']);
  });
});
