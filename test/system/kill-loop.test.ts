// Root: `pier up` (linuxbridge dataplane, runc servers) killed with SIGKILL at a random moment,
// then started again, 20 rounds. Each round starts a stack (network, subnet, router to the
// external network, two servers) while the previous round's stack is being deleted, and kills
// Pier somewhere in that work. Every restart must start; then the interrupted work must finish
// (stacks settle, the deleted one goes) and the kernel and runc must agree with the store:
// a running container for each ACTIVE server and none other, a tap for each port (servers' and routers')
// and none other, a namespace for each router and none other. After the last round everything is
// deleted and nothing of Pier's is left: no container, link or namespace.
// The moments come from a seeded generator: PIER_KILL_SEED repeats a run (the seed is printed).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { ADMIN_PASSWORD, call, DEMO_PASSWORD, tokenFor } from '../support/pier.js';
import { startPierProcess, type PierProcess } from '../support/process.js';
import { hostLinksWith, netnsWith, requireRoot, sh, uniquePrefix, waitFor } from '../support/system.js';
import { instanceTag, tapName } from '../../src/dataplane/linux/uplinks.js';

requireRoot();

const ROUNDS = 20;
const SEED = Number(process.env.PIER_KILL_SEED ?? randomInt(1, 2 ** 31));

/** mulberry32: small, seedable, good enough to pick moments. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function template(round: number, external: string): unknown {
  const server = (n: number) => ({
    type: 'OS::Nova::Server', depends_on: ['subnet'],
    properties: { name: `r${round}-s${n}`, image: 'busybox', flavor: 'm1.tiny', networks: [{ network: { get_resource: 'net' } }] },
  });
  return {
    heat_template_version: '2018-08-31',
    resources: {
      net: { type: 'OS::Neutron::Net', properties: { name: `r${round}` } },
      subnet: { type: 'OS::Neutron::Subnet', properties: { network: { get_resource: 'net' }, cidr: `10.77.${round}.0/24` } },
      router: { type: 'OS::Neutron::Router', properties: { external_gateway_info: { network: external } } },
      iface: { type: 'OS::Neutron::RouterInterface', properties: { router: { get_resource: 'router' }, subnet: { get_resource: 'subnet' } } },
      s0: server(0),
      s1: server(1),
    },
  };
}

describe(`kill -9 at random moments, ${ROUNDS} rounds (linuxbridge + runc)`, () => {
  const prefix = uniquePrefix();
  const ns = `${prefix}-dp`;
  const ext = `172.28.${randomInt(10, 250)}`;
  let p: PierProcess;
  let token = '';
  let admin = '';
  let project = '';

  const heat = (method: string, path: string, body?: unknown) => call(p.url, method, `/orchestration/v1/${project}${path}`, { token, body });
  const get = async (path: string) => {
    const r = await call(p.url, 'GET', path, { token: admin });
    assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const runcRunning = async () => {
    const r = await sh('runc', ['--root', join(p.dataDir, 'runc', 'state'), 'list', '--format', 'json']);
    const list = (JSON.parse(r.stdout || 'null') ?? []) as { id: string; status: string }[];
    return list.filter((c) => c.status === 'running').map((c) => c.id).sort();
  };
  const links = async () => {
    const r = await sh('ip', ['-n', ns, '-j', 'link', 'show']);
    return r.code === 0 ? (JSON.parse(r.stdout) as { ifname: string }[]).map((l) => l.ifname) : [];
  };
  const login = async () => {
    token = await tokenFor(p.url, 'demo', DEMO_PASSWORD, 'demo');
    admin = await tokenFor(p.url, 'admin', ADMIN_PASSWORD, 'admin');
    project = (await call(p.url, 'GET', '/identity/v3/auth/tokens', { token, headers: { 'x-subject-token': token } })).body.token.project.id;
  };

  before(async () => {
    console.log(`# PIER_KILL_SEED=${SEED}`);
    p = await startPierProcess('sqlite', ['--dataplane', 'linuxbridge', '--dataplane-namespace', ns, '--physnet', `public=${ext}.1/24`, '--compute', 'runc']);
    await login();
    const net = (body: unknown, path: string) => call(p.url, 'POST', `/networking/v2.0${path}`, { token: admin, body });
    const public_ = await net({ network: { name: 'public', 'router:external': true, 'provider:network_type': 'flat', 'provider:physical_network': 'public' } }, '/networks');
    assert.equal(public_.status, 201, JSON.stringify(public_.body));
    const sub = await net({ subnet: { network_id: public_.body.network.id, cidr: `${ext}.0/24`, gateway_ip: `${ext}.1`, ip_version: 4, enable_dhcp: false } }, '/subnets');
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
  });

  after(async () => {
    // A failed round leaves its stacks: delete them (and any server) so no container outlives the test.
    const stacks = ((await heat('GET', '/stacks').catch(() => undefined))?.body?.stacks ?? []) as { id: string; stack_name: string }[];
    for (const s of stacks) await heat('DELETE', `/stacks/${s.stack_name}/${s.id}`).catch(() => {});
    const servers = async () => ((await call(p.url, 'GET', '/compute/v2.1/servers?all_tenants=1', { token: admin }).catch(() => undefined))?.body?.servers ?? []) as { id: string }[];
    await waitFor('no server left', async () => (await servers()).length === 0, 60_000).catch(async () => {
      for (const s of await servers()) await call(p.url, 'DELETE', `/compute/v2.1/servers/${s.id}`, { token: admin }).catch(() => {});
      await waitFor('no server left', async () => (await servers()).length === 0, 30_000).catch(() => {});
    });
    await p.cleanup();
    for (const n of netnsWith(ns)) await sh('ip', ['netns', 'del', n]);
  });

  /** Waits until no stack is in progress and every server has settled; answers the stacks. */
  async function settle(): Promise<any[]> {
    let stacks: any[] = [];
    await waitFor('stacks settled', async () => {
      stacks = (await heat('GET', '/stacks')).body.stacks ?? [];
      return stacks.every((s) => !String(s.stack_status).endsWith('IN_PROGRESS'));
    }, 180_000);
    await waitFor('servers settled', async () => {
      const servers = (await get('/compute/v2.1/servers/detail?all_tenants=1')).servers as { status: string }[];
      return servers.every((s) => s.status === 'ACTIVE' || s.status === 'ERROR');
    }, 120_000);
    return stacks;
  }

  /** The kernel and runc as the store says, within a bound (the controllers converge after a start). */
  async function consistent(round: number): Promise<void> {
    let why = '';
    await waitFor(`round ${round}: kernel and runc agree with the store`, async () => {
      const servers = (await get('/compute/v2.1/servers/detail?all_tenants=1')).servers as { id: string; status: string }[];
      const ports = (await get('/networking/v2.0/ports')).ports as { id: string; device_owner: string; status: string }[];
      const routers = (await get('/networking/v2.0/routers')).routers as { id: string }[];
      const active = servers.filter((s) => s.status === 'ACTIVE').map((s) => s.id).sort();
      const running = await runcRunning();
      const serverPorts = ports.filter((x) => x.device_owner.startsWith('compute:'));
      const taps = (await links()).filter((l) => l.startsWith('tp-')).sort();
      const routerNs = netnsWith(`${ns}-r-`).map((n) => n.slice(`${ns}-r-`.length)).sort();
      const checks: [string, unknown, unknown][] = [
        ['running containers = ACTIVE servers', running, active],
        ['taps = ports (servers\' and routers\')', taps, ports.map((x) => tapName(x.id)).sort()],
        ['router namespaces = routers', routerNs, routers.map((r) => r.id).sort()],
        ['every port ACTIVE', ports.filter((x) => x.status !== 'ACTIVE').map((x) => x.id), []],
        ['one port per server', serverPorts.length, servers.length],
      ];
      const bad = checks.filter(([, a, b]) => JSON.stringify(a) !== JSON.stringify(b));
      why = bad.map(([what, a, b]) => `${what}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`).join('; ')
        + (bad.length ? `; ports: ${ports.map((x) => `${tapName(x.id)} ${x.device_owner} ${x.status}`).join(', ')}` : '');
      return bad.length === 0;
    }, 60_000).catch((err: Error) => { throw new Error(`${err.message}: ${why}`); });
  }

  test('every round starts, finishes what it was doing, and agrees with the kernel; nothing is left at the end', { timeout: 1_800_000 }, async () => {
    const random = generator(SEED);
    const external = (await get('/networking/v2.0/networks?name=public')).networks[0].id as string;
    let previous: { name: string; id: string } | undefined;
    const started = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      const made = await heat('POST', '/stacks', { stack_name: `r${round}`, template: template(round, external) });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      if (previous) assert.equal((await heat('DELETE', `/stacks/${previous.name}/${previous.id}`)).status, 204);
      const delay = Math.floor(random() * 3000);
      await new Promise((r) => setTimeout(r, delay));
      const child = p.child;
      child.kill('SIGKILL');
      while (child.exitCode === null && child.signalCode === null) await new Promise((res) => setTimeout(res, 10));
      await p.restart();
      await login();
      const stacks = await settle();
      const mine = stacks.find((s) => s.id === made.body.stack.id);
      assert.equal(mine?.stack_status, 'CREATE_COMPLETE', `round ${round} (killed after ${delay} ms): ${mine?.stack_status_reason}`);
      if (previous) assert.ok(!stacks.some((s) => s.id === previous!.id), `round ${round}: the stack deleted before the kill is gone`);
      await consistent(round);
      console.log(`# round ${round}: killed after ${delay} ms; consistent at ${((performance.now() - started) / 1000).toFixed(0)} s`);
      previous = { name: `r${round}`, id: made.body.stack.id };
    }
    assert.equal((await heat('DELETE', `/stacks/${previous!.name}/${previous!.id}`)).status, 204);
    await waitFor('the last stack gone', async () => ((await heat('GET', '/stacks')).body.stacks as unknown[]).length === 0, 120_000);
    await waitFor('no server', async () => ((await get('/compute/v2.1/servers?all_tenants=1')).servers as unknown[]).length === 0, 60_000);
    for (const n of (await get('/networking/v2.0/networks')).networks as { id: string }[]) {
      assert.equal((await call(p.url, 'DELETE', `/networking/v2.0/networks/${n.id}`, { token: admin })).status, 204);
    }
    await waitFor('nothing of Pier\'s left in the kernel', async () => netnsWith(ns).length === 0 && (await hostLinksWith(`pu${instanceTag(ns)}-`)).length === 0, 30_000);
    assert.deepEqual(await runcRunning(), []);
  });
});
