// Real upstream Kubernetes (kube/, built by scripts/build-kubernetes.sh) runs on this host: in a
// network namespace of the test's own, etcd, kube-apiserver (TLS, certificates made here),
// kube-controller-manager and kube-scheduler; containerd 1.6 with its CRI and a kubelet
// (cgroup v1, cgroupfs) register a node that turns Ready; a Deployment's busybox pod, from an
// image imported without a registry, runs; `kubectl logs` and `kubectl exec` reach it through
// the apiserver and kubelet. Everything the test made is gone afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { requireRoot, uniquePrefix, netnsWith } from '../support/system.js';
import { NodeHost } from '../support/kube/node-host.js';
import { startControlPlane, type ControlPlane } from '../support/kube/control-plane.js';
import { KERNEL_DEFAULTS, TEST_IMAGES, writeCniConfig, writeContainerdConfig, writeKubeletConfig } from '../../src/clusters/drivers/kubernetes/node-configs.js';
import { busyboxArchive } from '../../src/clusters/drivers/kubernetes/busybox-image.js';

requireRoot();

const REPO = resolve(import.meta.dirname, '../../..');
const k8sVersion = /^\s*k8s\.io\/kubernetes (v\S+)/m.exec(readFileSync(join(REPO, 'kube/go.mod'), 'utf8'))?.[1];
const BIN = process.env.PIER_KUBE_BIN ?? join(process.env.PIER_CACHE_DIR ?? '/var/cache/pier', 'kubernetes', k8sVersion ?? '?', 'bin');
const missing = existsSync(join(BIN, 'kube')) ? undefined : `no Kubernetes build at ${BIN} (run scripts/build-kubernetes.sh)`;
// CI must prove it: there a missing build fails the suite instead of skipping it.
if (missing && process.env.CI === 'true') throw new Error(missing);

const NODE_IP = '192.0.2.10'; // TEST-NET-1, only ever inside the test's namespace
const POD_CIDR = '10.244.0.0/24';
const SERVICE_CIDR = '10.96.0.0/24';
// Where the components write by default; none of them may appear on the host.
const HOST_PATHS = ['/usr/libexec/kubernetes', '/var/lib/kubelet', '/var/lib/cni', '/var/log/pods', '/var/log/containers',
  '/etc/kubernetes', '/var/run/kubernetes', '/var/lib/etcd', '/opt/cni'];

describe('upstream Kubernetes components', { skip: missing }, () => {
  const prefix = uniquePrefix();
  const work = mkdtempSync(join(tmpdir(), 'pier-kube-'));
  const host = new NodeHost(prefix, work, NODE_IP);
  const nodeName = `${prefix}-node`;
  const bin = (name: string) => join(BIN, name);
  let tornDown = false;
  const hostPathsBefore = HOST_PATHS.filter((p) => existsSync(p));
  const sysctlsBefore = readFileSync('/proc/sys/vm/overcommit_memory', 'utf8');
  let cp: ControlPlane;
  const kubectl = (...args: string[]) => cp.kubectl(...args);
  const logs = (...names: string[]) => names.map((n) => host.tail(n)).join('\n');
  const waitKube = (what: string, ms: number, check: () => Promise<boolean>, ...daemons: string[]) => cp.wait(what, ms, check, ...daemons);

  before(async () => {
    // kubelet checks these global sysctls (protectKernelDefaults) and would write them otherwise:
    // it is shown the values it wants in the node's private mount namespace; the host keeps its own.
    await host.setUp(KERNEL_DEFAULTS);
    cp = await startControlPlane(host, { bin, address: NODE_IP, serviceCidr: SERVICE_CIDR, nodes: [nodeName] });

    const { socket, cniConf, config } = writeContainerdConfig(work, 'pier.test/pause:1');
    host.start('containerd', ['containerd', '--config', config]);
    await waitKube('containerd\'s socket', 30_000, async () => existsSync(socket), 'containerd');
    const imported = await host.exec(['ctr', '--address', socket, '-n', 'k8s.io', 'images', 'import', busyboxArchive(work, TEST_IMAGES)]);
    assert.equal(imported.code, 0, `ctr images import: ${imported.stderr}`);

    writeCniConfig(work, cniConf, POD_CIDR);
    const kubeletConfig = writeKubeletConfig({ work, address: NODE_IP, cgroupRoot: host.cgroupRoot, containerdSocket: socket, clientCa: cp.pki.ca });
    host.start('kubelet', [bin('kubelet'), '--config', kubeletConfig, '--kubeconfig', cp.kubeconfig(`kubelet-${nodeName}`),
      '--root-dir', join(work, 'kubelet/root'), '--hostname-override', nodeName, '--node-ip', NODE_IP, '--v', '2']);
  });

  after(async () => {
    if (!tornDown) await host.tearDown();
    if (process.env.PIER_KEEP_KUBE_WORK) return;
    rmSync(work, { recursive: true, force: true });
  });

  test('the control plane is up: apiserver ready over TLS with etcd, controller-manager and scheduler healthy', { timeout: 120_000 }, async () => {
    const ready = await kubectl('get', '--raw', '/readyz?verbose');
    assert.match(ready.stdout, /\[\+\]etcd ok/, ready.stdout + ready.stderr);
    const versions = JSON.parse((await kubectl('version', '-o', 'json')).stdout);
    assert.equal(versions.clientVersion.gitVersion, k8sVersion);
    assert.equal(versions.serverVersion.gitVersion, k8sVersion);
    const whoami = JSON.parse((await kubectl('auth', 'whoami', '-o', 'json')).stdout);
    assert.equal(whoami.status.userInfo.username, 'admin');
    assert.ok(whoami.status.userInfo.groups.includes('system:masters'));
    // The controller-manager's service-account controller makes `default` in every namespace.
    await waitKube('the default service account', 60_000, async () => (await kubectl('get', 'serviceaccount', 'default')).code === 0, 'kube-controller-manager');
  });

  test('kubelet on containerd registers the node and it becomes Ready', { timeout: 180_000 }, async () => {
    const readyStatus = async () => (await kubectl('get', 'node', nodeName, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')).stdout;
    await waitKube('the node to be Ready', 150_000, async () => (await readyStatus()) === 'True', 'kubelet', 'containerd');
    const node = JSON.parse((await kubectl('get', 'node', nodeName, '-o', 'json')).stdout);
    assert.equal(node.status.nodeInfo.kubeletVersion, k8sVersion);
    assert.match(node.status.nodeInfo.containerRuntimeVersion, /^containerd:\/\/1\.6\./);
    assert.ok(node.status.addresses.some((a: { type: string; address: string }) => a.type === 'InternalIP' && a.address === NODE_IP));
  });

  test('a Deployment\'s busybox pod runs; kubectl logs and exec reach it', { timeout: 180_000 }, async () => {
    const manifest = JSON.stringify({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'hello' },
      spec: {
        replicas: 1, selector: { matchLabels: { app: 'hello' } },
        template: {
          metadata: { labels: { app: 'hello' } },
          spec: {
            terminationGracePeriodSeconds: 1,
            containers: [{ name: 'hello', image: 'pier.test/busybox:1', imagePullPolicy: 'Never',
              command: ['sh', '-c', 'echo "hello from $(hostname)"; exec sleep 3600'] }],
          },
        },
      },
    });
    const applied = await cp.kubectlWith(manifest, 'apply', '-f', '-');
    assert.equal(applied.code, 0, applied.stderr);
    const pod = async () => JSON.parse((await kubectl('get', 'pods', '-l', 'app=hello', '-o', 'json')).stdout).items[0];
    await waitKube('the pod to run', 150_000, async () => (await pod())?.status?.phase === 'Running', 'kubelet', 'containerd', 'kube-scheduler', 'kube-controller-manager');
    const p = await pod();
    assert.equal(p.spec.nodeName, nodeName, 'the scheduler placed it on the node');
    assert.ok(p.status.podIP.startsWith('10.244.0.'), `a pod address from the CNI range: ${p.status.podIP}`);

    await waitKube('the pod\'s log line', 30_000, async () => (await kubectl('logs', p.metadata.name)).stdout.includes(`hello from ${p.metadata.name}`), 'kubelet');
    const exec = await kubectl('exec', p.metadata.name, '--', 'sh', '-c', 'echo "exec as $(id -u) in $(hostname)"; cat /var/run/secrets/kubernetes.io/serviceaccount/namespace');
    assert.equal(exec.code, 0, exec.stderr + logs('kubelet', 'containerd'));
    assert.equal(exec.stdout, `exec as 0 in ${p.metadata.name}\ndefault`);
    // The pod is on the node's bridge: the node reaches it (inside the test's namespace).
    assert.equal((await host.exec(['ping', '-c', '1', '-W', '2', p.status.podIP])).code, 0, 'the node pings the pod');

    const deleted = await kubectl('delete', 'deployment', 'hello', '--wait=true');
    assert.equal(deleted.code, 0, deleted.stderr);
    await waitKube('the pod to be gone', 60_000, async () => (await pod()) === undefined, 'kubelet');
  });

  test('stopping everything leaves no process, cgroup, namespace or mount behind', { timeout: 120_000 }, async () => {
    tornDown = true;
    const problems = await host.tearDown();
    assert.deepEqual(problems, []);
    assert.deepEqual(netnsWith(prefix), []);
    assert.deepEqual(HOST_PATHS.filter((p) => existsSync(p)), hostPathsBefore, 'no default host path was created');
    assert.equal(readFileSync('/proc/sys/vm/overcommit_memory', 'utf8'), sysctlsBefore, 'the host\'s sysctls are untouched');
    assert.ok(!readFileSync('/proc/self/mounts', 'utf8').includes(work), 'no mount of the test\'s directory on the host');
  });
});
