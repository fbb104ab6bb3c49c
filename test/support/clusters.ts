// A Magnum cloud for API tests: a test Pier, admin and demo tokens, an external network, the
// busybox image marked as a Pier kubernetes node image (os_distro), a demo keypair, and calls
// to /container-infra/v1 at a chosen microversion.
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, DEMO_PASSWORD, call, startTestPier, tokenFor, type Reply, type TestPier } from './pier.js';
import { NODE_OS_DISTRO } from '../../src/clusters/index.js';

export interface MagnumCloud {
  t: TestPier;
  admin: string;
  demo: string;
  demoProject: string;
  externalNetworkId: string;
  imageId: string;
  magnum<T = any>(method: string, path: string, opts?: { body?: unknown; token?: string; version?: string }): Promise<Reply<T>>;
  api<T = any>(service: string, method: string, path: string, opts?: { body?: unknown; token?: string; headers?: Record<string, string> }): Promise<Reply<T>>;
  /** Polls a cluster until its status no longer ends in IN_PROGRESS (or it is gone: undefined). */
  settle(id: string, timeoutMs?: number): Promise<any>;
  template(extra?: Record<string, unknown>): Promise<any>;
  close(): Promise<void>;
}

export async function startMagnum(store: 'sqlite' | 'postgres'): Promise<MagnumCloud> {
  const t = await startTestPier({ clusters: { resyncMs: 500 } }, store);
  const admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
  const demo = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
  const demoProject = (await call(t.url, 'GET', '/identity/v3/auth/tokens', { token: demo, headers: { 'x-subject-token': demo } })).body.token.project.id;
  const api = (service: string, method: string, path: string, opts: { body?: unknown; token?: string; headers?: Record<string, string> } = {}) =>
    call(t.url, method, `/${service}${path}`, { token: opts.token ?? demo, body: opts.body, headers: opts.headers });
  const ext = await api('networking', 'POST', '/v2.0/networks', { token: admin, body: { network: { name: 'public', 'router:external': true } } });
  assert.equal(ext.status, 201, JSON.stringify(ext.body));
  const sub = await api('networking', 'POST', '/v2.0/subnets', { token: admin, body: { subnet: { network_id: ext.body.network.id, cidr: '172.24.4.0/24', ip_version: 4 } } });
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  const images = await api('image', 'GET', '/v2/images?name=busybox', { token: admin });
  const imageId = images.body.images[0].id;
  const p = await api('image', 'PATCH', `/v2/images/${imageId}`, {
    token: admin, body: [{ op: 'add', path: '/os_distro', value: NODE_OS_DISTRO }], headers: { 'content-type': 'application/openstack-images-v2.1-json-patch' },
  });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  const kp = await api('compute', 'POST', '/v2.1/os-keypairs', { body: { keypair: { name: 'demo-key' } } });
  assert.equal(kp.status, 200, JSON.stringify(kp.body));
  const c: MagnumCloud = {
    t, admin, demo, demoProject, externalNetworkId: ext.body.network.id, imageId, api,
    magnum: (method, path, opts = {}) => call(t.url, method, `/container-infra${path}`, {
      token: opts.token ?? demo, body: opts.body, headers: { 'OpenStack-API-Version': `container-infra ${opts.version ?? 'latest'}` },
    }),
    async settle(id, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const r = await c.magnum('GET', `/v1/clusters/${id}`);
        if (r.status === 404) return undefined;
        assert.equal(r.status, 200, JSON.stringify(r.body));
        if (!String(r.body.status).endsWith('IN_PROGRESS')) return r.body;
        if (Date.now() > end) assert.fail(`cluster ${id} still ${r.body.status}`);
        await new Promise((res) => setTimeout(res, 100));
      }
    },
    async template(extra = {}) {
      const r = await c.magnum('POST', '/v1/clustertemplates', {
        body: { name: `k8s-${Math.random().toString(36).slice(2, 8)}`, coe: 'kubernetes', image_id: 'busybox', external_network_id: 'public', flavor_id: 'm1.tiny', master_flavor_id: 'm1.tiny', keypair_id: 'demo-key', network_driver: 'pier-bridge', ...extra },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body;
    },
    close: () => t.close(),
  };
  return c;
}

/** Asserts Magnum's error body: status, code, and a detail matching `detail`. */
export function magnumError(r: Reply, status: number, detail: RegExp): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  const e = r.body.errors?.[0];
  assert.ok(e, `no errors[] in ${JSON.stringify(r.body)}`);
  assert.equal(e.status, status);
  assert.match(e.detail, detail);
  assert.ok(typeof e.title === 'string' && typeof e.code === 'string' && typeof e.request_id === 'string');
}
