// A Kubernetes control plane inside a NodeHost: etcd (loopback of its netns), kube-apiserver with
// TLS from a PKI made here, kube-controller-manager and kube-scheduler, each with a client
// certificate of its own. Also makes the kubelet certificates for the nodes the test will run.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../system.js';
import type { NodeHost } from './node-host.js';
import { makePki, writeKubeconfig, type CertSpec, type Pki } from './pki.js';

export interface ControlPlane {
  pki: Pki;
  /** The kubeconfig file of `user` (admin, kubelet-<node>, …). */
  kubeconfig(user: string): string;
  kubectl(...args: string[]): ReturnType<NodeHost['exec']>;
  kubectlWith(input: string, ...args: string[]): ReturnType<NodeHost['exec']>;
  /** waitFor, whose timeout message carries the named daemons' last log lines. */
  wait(what: string, ms: number, check: () => Promise<boolean>, ...daemons: string[]): Promise<void>;
}

export interface ControlPlaneOptions {
  bin: (name: string) => string;
  address: string;
  serviceCidr: string;
  /** Node names: each gets a kubelet-<name> certificate (system:node:<name>, system:nodes). */
  nodes: string[];
}

export async function startControlPlane(host: NodeHost, o: ControlPlaneOptions): Promise<ControlPlane> {
  const work = host.work;
  const client = (name: string, cn: string, groups: string[] = []): CertSpec => ({ name, cn, groups, usage: 'client' });
  const pki = makePki(join(work, 'pki'), [
    { name: 'apiserver', cn: 'kube-apiserver', usage: 'server', sans: [
      'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:localhost',
      'IP:127.0.0.1', `IP:${o.address}`, 'IP:10.96.0.1'] },
    client('admin', 'admin', ['system:masters']),
    client('apiserver-kubelet-client', 'kube-apiserver-kubelet-client', ['system:masters']),
    client('controller-manager', 'system:kube-controller-manager'),
    client('scheduler', 'system:kube-scheduler'),
    ...o.nodes.map((n) => client(`kubelet-${n}`, `system:node:${n}`, ['system:nodes'])),
  ]);
  const kubeconfig = (user: string) => {
    const file = join(work, `${user}.kubeconfig`);
    return existsSync(file) ? file : writeKubeconfig(file, pki, `https://${o.address}:6443`, user);
  };
  const admin = kubeconfig('admin');
  const kubectl = (...args: string[]) => host.exec([o.bin('kubectl'), '--kubeconfig', admin, ...args]);
  const kubectlWith = (input: string, ...args: string[]) => host.exec([o.bin('kubectl'), '--kubeconfig', admin, ...args], input);
  const wait = async (what: string, ms: number, check: () => Promise<boolean>, ...daemons: string[]) => {
    try { await waitFor(what, check, ms); } catch (e) { throw new Error(`${(e as Error).message}\n${daemons.map((d) => host.tail(d)).join('\n')}`); }
  };

  host.start('etcd', [o.bin('etcd'), '--name', 'node', '--data-dir', join(work, 'etcd'), '--unsafe-no-fsync',
    '--listen-client-urls', 'http://127.0.0.1:2379', '--advertise-client-urls', 'http://127.0.0.1:2379',
    '--listen-peer-urls', 'http://127.0.0.1:2380', '--initial-advertise-peer-urls', 'http://127.0.0.1:2380',
    '--initial-cluster', 'node=http://127.0.0.1:2380', '--listen-metrics-urls', 'http://127.0.0.1:2381']);
  host.start('kube-apiserver', [o.bin('kube-apiserver'), '--etcd-servers', 'http://127.0.0.1:2379',
    '--bind-address', o.address, '--advertise-address', o.address, '--secure-port', '6443', '--cert-dir', join(work, 'apiserver'),
    '--tls-cert-file', pki.crt('apiserver'), '--tls-private-key-file', pki.key('apiserver'), '--client-ca-file', pki.ca,
    '--kubelet-client-certificate', pki.crt('apiserver-kubelet-client'), '--kubelet-client-key', pki.key('apiserver-kubelet-client'),
    '--kubelet-preferred-address-types', 'InternalIP',
    '--service-account-issuer', 'https://kubernetes.default.svc', '--service-account-key-file', pki.saPub,
    '--service-account-signing-key-file', pki.saKey, '--service-cluster-ip-range', o.serviceCidr,
    '--authorization-mode', 'Node,RBAC', '--enable-admission-plugins', 'NodeRestriction', '--profiling=false']);
  await wait('kube-apiserver /readyz', 120_000, async () => (await kubectl('get', '--raw', '/readyz')).stdout === 'ok', 'etcd', 'kube-apiserver');

  const cm = kubeconfig('controller-manager');
  host.start('kube-controller-manager', [o.bin('kube-controller-manager'), '--kubeconfig', cm,
    '--authentication-kubeconfig', cm, '--authorization-kubeconfig', cm,
    '--bind-address', '127.0.0.1', '--leader-elect=false', '--use-service-account-credentials',
    '--service-account-private-key-file', pki.saKey, '--root-ca-file', pki.ca, '--cert-dir', join(work, 'controller-manager'),
    '--flex-volume-plugin-dir', join(work, 'controller-manager/flexvolume')]); // it would make /usr/libexec/kubernetes/…
  const sched = kubeconfig('scheduler');
  host.start('kube-scheduler', [o.bin('kube-scheduler'), '--kubeconfig', sched,
    '--authentication-kubeconfig', sched, '--authorization-kubeconfig', sched, '--bind-address', '127.0.0.1', '--leader-elect=false']);
  return { pki, kubeconfig, kubectl, kubectlWith, wait };
}
