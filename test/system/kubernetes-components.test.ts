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
import { requireRoot, uniquePrefix, waitFor, netnsWith } from '../support/system.js';
import { NodeHost } from '../support/kube/node-host.js';
import { makePki, writeKubeconfig, type CertSpec } from '../support/kube/pki.js';
import { writeCniConfig, writeContainerdConfig, writeKubeletConfig } from '../support/kube/node-configs.js';
import { busyboxArchive } from '../support/kube/busybox-image.js';

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
  let admin = '';
  let tornDown = false;
  const hostPathsBefore = HOST_PATHS.filter((p) => existsSync(p));
  const sysctlsBefore = readFileSync('/proc/sys/vm/overcommit_memory', 'utf8');

  const kubectl = (...args: string[]) => host.exec([bin('kubectl'), '--kubeconfig', admin, ...args]);
  const kubectlWith = (input: string, ...args: string[]) => host.exec([bin('kubectl'), '--kubeconfig', admin, ...args], input);
  const logs = (...names: string[]) => names.map((n) => host.tail(n)).join('\n');
  const waitKube = async (what: string, ms: number, check: () => Promise<boolean>, ...daemons: string[]) => {
    try { await waitFor(what, check, ms); } catch (e) { throw new Error(`${(e as Error).message}\n${logs(...daemons)}`); }
  };

  before(async () => {
    const client = (name: string, cn: string, groups: string[] = []): CertSpec => ({ name, cn, groups, usage: 'client' });
    const pki = makePki(join(work, 'pki'), [
      { name: 'apiserver', cn: 'kube-apiserver', usage: 'server', sans: [
        'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:localhost',
        'IP:127.0.0.1', `IP:${NODE_IP}`, 'IP:10.96.0.1'] },
      client('admin', 'admin', ['system:masters']),
      client('apiserver-kubelet-client', 'kube-apiserver-kubelet-client', ['system:masters']),
      client('controller-manager', 'system:kube-controller-manager'),
      client('scheduler', 'system:kube-scheduler'),
      client('kubelet', `system:node:${nodeName}`, ['system:nodes']),
    ]);
    const server = `https://${NODE_IP}:6443`;
    const kc = (user: string) => writeKubeconfig(join(work, `${user}.kubeconfig`), pki, server, user);
    admin = kc('admin');

    // kubelet checks these global sysctls (protectKernelDefaults) and would write them otherwise:
    // it is shown the values it wants in the node's private mount namespace; the host keeps its own.
    await host.setUp({ '/proc/sys/vm/overcommit_memory': '1\n', '/proc/sys/kernel/panic': '10\n', '/proc/sys/kernel/panic_on_oops': '1\n' });

    host.start('etcd', [bin('etcd'), '--name', 'node', '--data-dir', join(work, 'etcd'), '--unsafe-no-fsync',
      '--listen-client-urls', 'http://127.0.0.1:2379', '--advertise-client-urls', 'http://127.0.0.1:2379',
      '--listen-peer-urls', 'http://127.0.0.1:2380', '--initial-advertise-peer-urls', 'http://127.0.0.1:2380',
      '--initial-cluster', 'node=http://127.0.0.1:2380', '--listen-metrics-urls', 'http://127.0.0.1:2381']);
    host.start('kube-apiserver', [bin('kube-apiserver'), '--etcd-servers', 'http://127.0.0.1:2379',
      '--bind-address', NODE_IP, '--advertise-address', NODE_IP, '--secure-port', '6443', '--cert-dir', join(work, 'apiserver'),
      '--tls-cert-file', pki.crt('apiserver'), '--tls-private-key-file', pki.key('apiserver'), '--client-ca-file', pki.ca,
      '--kubelet-client-certificate', pki.crt('apiserver-kubelet-client'), '--kubelet-client-key', pki.key('apiserver-kubelet-client'),
      '--kubelet-preferred-address-types', 'InternalIP',
      '--service-account-issuer', 'https://kubernetes.default.svc', '--service-account-key-file', pki.saPub,
      '--service-account-signing-key-file', pki.saKey, '--service-cluster-ip-range', SERVICE_CIDR,
      '--authorization-mode', 'Node,RBAC', '--enable-admission-plugins', 'NodeRestriction', '--profiling=false']);

    const { socket, cniConf, config } = writeContainerdConfig(work, 'pier.test/pause:1');
    host.start('containerd', ['containerd', '--config', config]);
    await waitKube('containerd\'s socket', 30_000, async () => existsSync(socket), 'containerd');
    const images = busyboxArchive(work, [
      { ref: 'pier.test/pause:1', cmd: ['/bin/sleep', '2147483647'] },
      { ref: 'pier.test/busybox:1', cmd: ['/bin/sh'] },
    ]);
    const imported = await host.exec(['ctr', '--address', socket, '-n', 'k8s.io', 'images', 'import', images]);
    assert.equal(imported.code, 0, `ctr images import: ${imported.stderr}`);

    await waitKube('kube-apiserver /readyz', 120_000, async () => (await kubectl('get', '--raw', '/readyz')).stdout === 'ok', 'etcd', 'kube-apiserver');
    host.start('kube-controller-manager', [bin('kube-controller-manager'), '--kubeconfig', kc('controller-manager'),
      '--authentication-kubeconfig', kc('controller-manager'), '--authorization-kubeconfig', kc('controller-manager'),
      '--bind-address', '127.0.0.1', '--leader-elect=false', '--use-service-account-credentials',
      '--service-account-private-key-file', pki.saKey, '--root-ca-file', pki.ca, '--cert-dir', join(work, 'controller-manager'),
      '--flex-volume-plugin-dir', join(work, 'controller-manager/flexvolume')]); // it would make /usr/libexec/kubernetes/…
    host.start('kube-scheduler', [bin('kube-scheduler'), '--kubeconfig', kc('scheduler'),
      '--authentication-kubeconfig', kc('scheduler'), '--authorization-kubeconfig', kc('scheduler'),
      '--bind-address', '127.0.0.1', '--leader-elect=false']);

    writeCniConfig(work, cniConf, POD_CIDR);
    const kubeletConfig = writeKubeletConfig({ work, address: NODE_IP, cgroupRoot: host.cgroupRoot, containerdSocket: socket, clientCa: pki.ca });
    host.start('kubelet', [bin('kubelet'), '--config', kubeletConfig, '--kubeconfig', kc('kubelet'),
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
    const applied = await kubectlWith(manifest, 'apply', '-f', '-');
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
