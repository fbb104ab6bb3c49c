// A Kubernetes node inside a runc container, as Magnum's node servers will be: the control plane
// runs in one namespace of the test's own; a runc container started by hand (its bundle made by
// test/support/kube/node-bundle.ts, in a second netns joined by a veth) runs containerd 1.6 and
// kubelet; the node turns Ready, a pod runs in it (runc inside runc), kubectl logs and exec reach
// it. Everything is gone afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { netnsWith, requireRoot, sh, uniquePrefix } from '../support/system.js';
import { NodeHost } from '../support/kube/node-host.js';
import { startControlPlane, type ControlPlane } from '../support/kube/control-plane.js';
import { KERNEL_DEFAULTS, TEST_IMAGES, writeCniConfig, writeContainerdConfig, writeKubeletConfig } from '../../src/clusters/drivers/kubernetes/node-configs.js';
import { busyboxArchive } from '../../src/clusters/drivers/kubernetes/busybox-image.js';
import { writeNodeBundle } from '../support/kube/node-bundle.js';

requireRoot();

const REPO = resolve(import.meta.dirname, '../../..');
const k8sVersion = /^\s*k8s\.io\/kubernetes (v\S+)/m.exec(readFileSync(join(REPO, 'kube/go.mod'), 'utf8'))?.[1];
const BIN = process.env.PIER_KUBE_BIN ?? join(process.env.PIER_CACHE_DIR ?? '/var/cache/pier', 'kubernetes', k8sVersion ?? '?', 'bin');
const missing = existsSync(join(BIN, 'kube')) ? undefined : `no Kubernetes build at ${BIN} (run scripts/build-kubernetes.sh)`;
if (missing && process.env.CI === 'true') throw new Error(missing);

const CONTROL_IP = '192.0.2.10';
const NODE_IP = '192.0.2.11';

describe('a Kubernetes node inside a runc container', { skip: missing }, () => {
  const prefix = uniquePrefix();
  const work = mkdtempSync(join(tmpdir(), 'pier-kube-nested-'));
  const host = new NodeHost(prefix, work, CONTROL_IP);
  const nodeName = `${prefix}-n1`;
  const nodeNetns = `${prefix}-n1`;
  const nodeDir = join(work, 'n1');
  const runcRoot = join(work, 'runc');
  const containerId = `${prefix}-n1`;
  let runc: ChildProcess | undefined;
  let cp: ControlPlane;
  let tornDown = false;
  const tails = () => ['containerd.log', 'kubelet.log', 'runc.log'].map((f) => {
    const p = join(nodeDir, f);
    return existsSync(p) ? `--- ${f} ---\n${readFileSync(p, 'utf8').split('\n').slice(-25).join('\n')}` : '';
  }).join('\n');

  const tearDown = async () => {
    tornDown = true;
    await sh('runc', ['--root', runcRoot, 'kill', '--all', containerId, 'KILL']);
    if (runc && runc.exitCode === null && runc.signalCode === null) await new Promise((r) => runc!.once('exit', r));
    await sh('runc', ['--root', runcRoot, 'delete', '--force', containerId]);
    const problems = await host.tearDown();
    await sh('ip', ['netns', 'del', nodeNetns]);
    return problems;
  };

  before(async () => {
    await host.setUp({});
    // The veth's far end becomes the node's eth0, in the node's own namespace.
    for (const args of [
      ['ip', 'netns', 'add', nodeNetns], ['ip', '-n', host.netns, 'link', 'set', 'eth0-peer', 'netns', nodeNetns],
      ['ip', '-n', nodeNetns, 'link', 'set', 'eth0-peer', 'name', 'eth0'], ['ip', '-n', nodeNetns, 'addr', 'add', `${NODE_IP}/24`, 'dev', 'eth0'],
      ['ip', '-n', nodeNetns, 'link', 'set', 'eth0', 'up'], ['ip', '-n', nodeNetns, 'link', 'set', 'lo', 'up'],
      ['ip', '-n', nodeNetns, 'route', 'add', 'default', 'dev', 'eth0'],
    ]) {
      const r = await sh(args[0]!, args.slice(1));
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    cp = await startControlPlane(host, { bin: (n) => join(BIN, n), address: CONTROL_IP, serviceCidr: '10.96.0.0/24', nodes: [nodeName] });

    mkdirSync(nodeDir, { recursive: true });
    const { socket, cniConf, config } = writeContainerdConfig(nodeDir, 'pier.test/pause:1');
    writeCniConfig(nodeDir, cniConf, '10.244.1.0/24');
    const cgroupRoot = `${host.cgroupRoot}/n1`;
    const kubeletConfig = writeKubeletConfig({ work: nodeDir, address: NODE_IP, cgroupRoot, containerdSocket: socket, clientCa: cp.pki.ca });
    const images = busyboxArchive(nodeDir, TEST_IMAGES);
    writeNodeBundle({
      dir: nodeDir, hostname: nodeName, kubeBin: BIN, shared: work, netnsPath: `/run/netns/${nodeNetns}`, cgroupsPath: cgroupRoot,
      masks: KERNEL_DEFAULTS,
      script: [
        `containerd --config ${config} >${nodeDir}/containerd.log 2>&1 &`,
        `while ! test -S ${socket}; do sleep 1; done`,
        `ctr --address ${socket} -n k8s.io images import ${images} >${nodeDir}/ctr.log 2>&1`,
        `exec kubelet --config ${kubeletConfig} --kubeconfig ${cp.kubeconfig(`kubelet-${nodeName}`)} --root-dir ${join(nodeDir, 'kubelet/root')}`
          + ` --hostname-override ${nodeName} --node-ip ${NODE_IP} --v 2 >${nodeDir}/kubelet.log 2>&1`,
      ],
    });
    const log = openSync(join(nodeDir, 'runc.log'), 'a');
    runc = spawn('runc', ['--root', runcRoot, 'run', '--bundle', nodeDir, containerId], { stdio: ['ignore', log, log] });
  });

  after(async () => {
    if (!tornDown) await tearDown();
    if (!process.env.PIER_KEEP_KUBE_WORK) rmSync(work, { recursive: true, force: true });
  });

  test('kubelet and containerd in the container register the node and it becomes Ready', { timeout: 200_000 }, async () => {
    const ready = async () => {
      if (runc?.exitCode !== null) throw new Error(`the node container exited ${runc?.exitCode}\n${tails()}`);
      return (await cp.kubectl('get', 'node', nodeName, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')).stdout === 'True';
    };
    try { await cp.wait('the nested node to be Ready', 180_000, ready); } catch (e) { throw new Error(`${(e as Error).message}\n${tails()}`); }
    const node = JSON.parse((await cp.kubectl('get', 'node', nodeName, '-o', 'json')).stdout);
    assert.equal(node.status.nodeInfo.kubeletVersion, k8sVersion);
    assert.ok(node.status.addresses.some((a: { type: string; address: string }) => a.type === 'InternalIP' && a.address === NODE_IP));
  });

  test('a pod runs inside the node container; kubectl logs and exec reach it', { timeout: 200_000 }, async () => {
    const pod = JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nested' },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'pier.test/busybox:1', imagePullPolicy: 'Never',
        command: ['sh', '-c', 'echo "nested hello"; exec sleep 3600'] }] },
    });
    // The controller-manager makes the namespace's default service account a moment after it starts.
    await cp.wait('the default service account', 60_000, async () => (await cp.kubectl('get', 'serviceaccount', 'default')).code === 0);
    const applied = await cp.kubectlWith(pod, 'apply', '-f', '-');
    assert.equal(applied.code, 0, applied.stderr);
    const phase = async () => (await cp.kubectl('get', 'pod', 'nested', '-o', 'jsonpath={.status.phase}')).stdout;
    try { await cp.wait('the pod to run', 150_000, async () => (await phase()) === 'Running'); } catch (e) {
      throw new Error(`${(e as Error).message}\n${(await cp.kubectl('describe', 'pod', 'nested')).stdout}\n${tails()}`);
    }
    await cp.wait('the pod\'s log', 30_000, async () => (await cp.kubectl('logs', 'nested')).stdout.includes('nested hello'));
    const exec = await cp.kubectl('exec', 'nested', '--', 'sh', '-c', 'echo "exec in $(hostname)"');
    assert.equal(exec.stdout, 'exec in nested\n', exec.stderr);
    const deleted = await cp.kubectl('delete', 'pod', 'nested', '--wait=true');
    assert.equal(deleted.code, 0, deleted.stderr);
  });

  test('stopping the node container and the control plane leaves nothing behind', { timeout: 120_000 }, async () => {
    assert.deepEqual(await tearDown(), []);
    assert.deepEqual(netnsWith(prefix), []);
    assert.ok(!readFileSync('/proc/self/mounts', 'utf8').includes(work), 'no mount of the test\'s directory on the host');
  });
});
