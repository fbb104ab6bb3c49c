// Root: what the Magnum Kubernetes system tests and the benchmark share — a Pier (in this process
// or a `pier up` child) with an external network, a key pair and the node image imported by
// `pier image build kubernetes`; a template; a kubeconfig made as `openstack coe cluster config`
// makes it (the cluster's CA, a CN=admin,O=system:masters certificate signed through the
// certificates API); and waits on cluster status and Ready nodes seen by the real kubectl.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ADMIN_PASSWORD, DEMO_PASSWORD, call, tokenFor, type Reply } from './pier.js';
import { sh, waitFor } from './system.js';
import { buildNodeImage, defaultKubeBin } from '../../src/clusters/drivers/kubernetes/index.js';
import { writeCloudsYaml } from '../../src/cli/clouds-yaml.js';

const REPO = resolve(import.meta.dirname, '../../..');
export const KUBE_BIN = defaultKubeBin();

/** Why the Kubernetes tests cannot run here (thrown under CI, where that is a failure), or undefined. */
export function kubeMissing(): string | undefined {
  const missing = existsSync(join(KUBE_BIN, 'pier-node')) ? undefined : `no Kubernetes build with pier-node at ${KUBE_BIN} (run scripts/build-kubernetes.sh)`;
  if (missing && process.env.CI === 'true') throw new Error(missing);
  return missing;
}

/** A /24 for the external network, unlikely to collide with a parallel test's. */
export const externalRange = () => `172.30.${randomInt(10, 250)}`;

/** Builds (or reuses) the node image's root filesystem; answers seconds taken and whether it was reused. */
export function prepareNodeImage(): { seconds: number; reused: boolean } {
  const build = buildNodeImage({ kubeBin: KUBE_BIN, progress: (l) => console.log(`# ${l}`) });
  console.log(`# node image: ${build.reused ? 'reused' : 'built'} in ${build.seconds.toFixed(1)} s`);
  return build;
}

export interface KubeCloud {
  url: string;
  admin: string;
  demo: string;
  /** The demo project's id (clusters are made as demo). */
  demoProject: string;
  /** The Debian `openstack` CLI as demo (cloud pier-demo of this Pier's clouds.yaml): its stdout; a failure throws with its stderr. */
  openstack(args: string[]): Promise<string>;
  imageId: string;
  /** Runs `pier image build kubernetes` against this Pier again: the image's id, and what it said. */
  importImage(): Promise<{ id: string; stderr: string }>;
  magnum(method: string, path: string, body?: unknown): Promise<Reply>;
  nova(path: string): Promise<Reply>;
  neutron(path: string): Promise<Reply>;
  cluster(id: string): Promise<any>;
  /** A kubernetes template on the node image (name given). */
  template(name: string, networkDriver?: string): Promise<string>;
  /** Waits for `status` (failing at once on a *_FAILED one); answers the cluster. */
  until(id: string, status: string, ms?: number): Promise<any>;
  /** Writes a kubeconfig for the cluster into `dir` as `coe cluster config` does; answers its path. */
  kubeconfig(id: string, dir: string): Promise<string>;
}

/** Sets a Pier up at `url` for Kubernetes clusters: external network `public` on `ext`.0/24, key pair `k8s-key`, the node image imported through the CLI. */
export async function kubeCloud(url: string, ext: string, work: string): Promise<KubeCloud> {
  const admin = await tokenFor(url, 'admin', ADMIN_PASSWORD, 'admin');
  const demo = await tokenFor(url, 'demo', DEMO_PASSWORD, 'demo');
  const demoProject = (await call(url, 'GET', '/identity/v3/auth/tokens', { token: demo, headers: { 'x-subject-token': demo } })).body.token.project.id as string;
  const clouds = writeCloudsYaml(work, `${url}/identity/v3`, { admin: ADMIN_PASSWORD, demo: DEMO_PASSWORD });
  const importImage = () => new Promise<{ id: string; stderr: string }>((done, fail) => {
    execFile('node', [join(REPO, 'bin/pier.js'), 'image', 'build', 'kubernetes', '--clouds', clouds, '--kube-bin', KUBE_BIN], { timeout: 300_000 },
      (e, stdout, stderr) => (e ? fail(new Error(stderr)) : done({ id: stdout.trim().split('\n').at(-1)!, stderr })));
  });
  const imageId = (await importImage()).id;
  const net = (body: unknown, path: string) => call(url, 'POST', `/networking/v2.0${path}`, { token: admin, body });
  const public_ = await net({ network: { name: 'public', 'router:external': true, 'provider:network_type': 'flat', 'provider:physical_network': 'public' } }, '/networks');
  assert.equal(public_.status, 201, JSON.stringify(public_.body));
  const sub = await net({ subnet: { network_id: public_.body.network.id, cidr: `${ext}.0/24`, ip_version: 4, gateway_ip: `${ext}.1`, enable_dhcp: false, allocation_pools: [{ start: `${ext}.10`, end: `${ext}.99` }] } }, '/subnets');
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  const kp = await call(url, 'POST', '/compute/v2.1/os-keypairs', { token: demo, body: { keypair: { name: 'k8s-key' } } });
  assert.equal(kp.status, 200, JSON.stringify(kp.body));

  const magnum = (method: string, path: string, body?: unknown) =>
    call(url, method, `/container-infra/v1${path}`, { token: demo, body, headers: { 'OpenStack-API-Version': 'container-infra latest' } });
  const k: KubeCloud = {
    url, admin, demo, demoProject, imageId, importImage, magnum,
    openstack: (args) => new Promise((done, fail) => {
      execFile('openstack', ['--os-cloud', 'pier-demo', ...args], { timeout: 120_000, env: { ...process.env, OS_CLIENT_CONFIG_FILE: clouds, SHELL: '/bin/bash' } },
        (e, stdout, stderr) => (e ? fail(new Error(`openstack ${args.join(' ')}: ${stderr.trim()}`)) : done(stdout)));
    }),
    nova: (path) => call(url, 'GET', `/compute/v2.1${path}`, { token: admin }),
    neutron: (path) => call(url, 'GET', `/networking/v2.0${path}`, { token: admin }),
    cluster: async (id) => (await magnum('GET', `/clusters/${id}`)).body,
    async template(name, networkDriver = 'pier-bridge') {
      const tpl = await magnum('POST', '/clustertemplates', {
        name, coe: 'kubernetes', image_id: imageId, external_network_id: 'public', keypair_id: 'k8s-key',
        flavor_id: 'm1.small', master_flavor_id: 'm1.medium', network_driver: networkDriver,
      });
      assert.equal(tpl.status, 201, JSON.stringify(tpl.body));
      return tpl.body.uuid;
    },
    async until(id, status, ms = 240_000) {
      let c: any;
      await waitFor(status, async () => {
        c = await k.cluster(id);
        if (String(c.status).endsWith('_FAILED')) throw new Error(`cluster ${c.status}: ${c.status_reason}`);
        return c.status === status;
      }, ms);
      return c;
    },
    async kubeconfig(id, dir) {
      const c = await k.cluster(id);
      const ca = (await magnum('GET', `/certificates/${id}`)).body.pem;
      const key = join(dir, 'admin.key');
      const csr = execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-subj', '/CN=admin/O=system:masters'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
      const signed = await magnum('POST', '/certificates', { cluster_uuid: id, csr });
      assert.equal(signed.status, 201, JSON.stringify(signed.body));
      writeFileSync(join(dir, 'ca.pem'), ca);
      writeFileSync(join(dir, 'admin.pem'), signed.body.pem);
      const path = join(dir, 'config');
      writeFileSync(path, `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "${c.api_address}", certificate-authority: ${join(dir, 'ca.pem')}}
users:
- name: admin
  user: {client-certificate: ${join(dir, 'admin.pem')}, client-key: ${key}}
contexts:
- name: c
  context: {cluster: c, user: admin}
current-context: c
`);
      return path;
    },
  };
  return k;
}

export const kubectl = (kubeconfig: string, ...args: string[]) => sh(join(KUBE_BIN, 'kubectl'), ['--kubeconfig', kubeconfig, '--request-timeout', '10s', ...args]);
export const kubectlIn = (kubeconfig: string, input: string, ...args: string[]) => sh(join(KUBE_BIN, 'kubectl'), ['--kubeconfig', kubeconfig, ...args], input);

/** The names of the Ready nodes kubectl sees (undefined while the API does not answer). */
export async function readyNodes(kubeconfig: string): Promise<string[] | undefined> {
  const r = await kubectl(kubeconfig, 'get', 'nodes', '-o', 'json');
  if (r.code !== 0) return undefined;
  const items = JSON.parse(r.stdout).items as { metadata: { name: string }; status: { conditions: { type: string; status: string }[] } }[];
  return items.filter((n) => n.status.conditions.some((x) => x.type === 'Ready' && x.status === 'True')).map((n) => n.metadata.name).sort();
}

/** Every node kubectl sees, Ready or not. */
export async function allNodes(kubeconfig: string): Promise<string[]> {
  const r = await kubectl(kubeconfig, 'get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}');
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split(/\s+/).filter(Boolean).sort();
}

/** Waits until exactly `n` nodes exist and all are Ready; answers their names. */
export async function untilReady(kubeconfig: string, n: number, ms = 240_000): Promise<string[]> {
  let names: string[] = [];
  await waitFor(`${n} Ready nodes`, async () => {
    const ready = await readyNodes(kubeconfig);
    if (!ready || ready.length !== n) return false;
    names = ready;
    return (await allNodes(kubeconfig)).length === n;
  }, ms);
  return names;
}

/** What each node server says when a wait fails: its console and the tails of its daemons' logs. */
export async function diagnose(url: string, admin: string, runcRoot: string): Promise<string> {
  const servers = (await call(url, 'GET', '/compute/v2.1/servers?all_tenants=1', { token: admin })).body.servers as { id: string }[];
  const out: string[] = [];
  for (const { id } of servers) {
    const console = (await call(url, 'POST', `/compute/v2.1/servers/${id}/action`, { token: admin, body: { 'os-getConsoleOutput': { length: 40 } } })).body?.output ?? '';
    const logs = await sh('runc', ['--root', runcRoot, 'exec', id, 'sh', '-c', 'for f in /var/log/pier-node/*.log; do echo "--- $f"; tail -n 15 "$f"; done']);
    out.push(`=== server ${id}\n${console}\n${logs.stdout}${logs.stderr}`);
  }
  return out.join('\n');
}
