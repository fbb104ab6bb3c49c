// The conformance suite every real dataplane driver runs, with real packets (root): containers
// are network namespaces of the test's own, plugged through Pier's API; connectivity, isolation,
// routers, security groups, anti-spoofing, floating IPs, restart continuity, bad plug requests
// and full cleanup. Each driver's test file calls runDataplaneSuite.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { ADMIN_PASSWORD, call, startTestPier, tokenFor, type TestPier } from '../support/pier.js';
import { Namespaces, connects, hostLinksWith, inNs, listen, netnsWith, pings, requireRoot, sh, uniquePrefix, waitFor } from '../support/system.js';
import { dataplaneModule, portPlugger, type AddressSpec } from '../../src/dataplane/index.js';
import { renderFarEnd } from '../../src/dataplane/far-end.js';

export function runDataplaneSuite(driver: 'linuxbridge' | 'routed'): void {
requireRoot();

describe(`${driver} dataplane`, () => {
  const prefix = uniquePrefix();
  const dpns = `${prefix}-dp`;
  const extNet = `${driver === 'linuxbridge' ? '172.31' : '172.30'}.${randomInt(10, 250)}`; // suites may run side by side
  const nss = new Namespaces(prefix);
  let t: TestPier;
  let admin: string;
  const api = (method: string, path: string, body?: unknown) => call(t.url, method, path, { token: admin, body });
  const net = (method: string, path: string, body?: unknown) => api(method, `/networking/v2.0${path}`, body);
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await net(method, path, body);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const stores = { network: new Map<string, string>(), subnet: new Map<string, string>() };

  async function network(name: string, cidr: string, extra: Record<string, unknown> = {}, subnetExtra: Record<string, unknown> = {}) {
    const n = (await ok('POST', '/networks', { network: { name, ...extra } })).network;
    const s = (await ok('POST', '/subnets', { subnet: { network_id: n.id, cidr, ip_version: 4, name: `${name}-sub`, ...subnetExtra } })).subnet;
    stores.network.set(name, n.id);
    stores.subnet.set(name, s.id);
    return { net: n, sub: s };
  }

  /** A container: a namespace of the test's own with a port plugged into it. */
  async function container(name: string, netName: string, portExtra: Record<string, unknown> = {}) {
    const ns = await nss.add(name);
    const port = (await ok('POST', '/ports', { port: { network_id: stores.network.get(netName), name, ...portExtra } })).port;
    const r = await api('PUT', `/pier/v1/ports/${port.id}/plug`, { netns: ns });
    assert.equal(r.status, 204, JSON.stringify(r.body));
    await waitFor(`${name} ACTIVE`, async () => (await net('GET', `/ports/${port.id}`)).body.port.status === 'ACTIVE');
    return { ns, port, ip: port.fixed_ips[0].ip_address as string };
  }

  before(async () => {
    t = await startTestPier({ dataplane: { driver, namespace: dpns, hostId: 'system-test', vtep: '127.0.0.1', physnets: { public: { hostAddress: `${extNet}.1/24` } } } });
    admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
  });
  after(async () => {
    await t.pier.get(dataplaneModule).driver.destroy();
    await t.close();
    await nss.cleanup();
  });

  let a1: Awaited<ReturnType<typeof container>>;
  let a2: Awaited<ReturnType<typeof container>>;
  let b1: Awaited<ReturnType<typeof container>>;
  let router: { id: string };

  test('two containers on one network reach each other; on two networks they do not, until a router joins them', async () => {
    await network('a', '10.71.1.0/24');
    await network('b', '10.71.2.0/24');
    a1 = await container('a1', 'a');
    a2 = await container('a2', 'a');
    b1 = await container('b1', 'b');
    assert.ok(await pings(a1.ns, a2.ip), 'same network');
    assert.ok(!(await pings(a1.ns, b1.ip)), 'different networks, no router');
    router = (await ok('POST', '/routers', { router: { name: 'r' } })).router;
    await ok('PUT', `/routers/${router.id}/add_router_interface`, { subnet_id: stores.subnet.get('a') });
    await ok('PUT', `/routers/${router.id}/add_router_interface`, { subnet_id: stores.subnet.get('b') });
    await waitFor('routed ping', () => pings(a1.ns, b1.ip));
    await ok('PUT', `/routers/${router.id}/remove_router_interface`, { subnet_id: stores.subnet.get('b') });
    await waitFor('router interface gone', async () => !(await pings(a1.ns, b1.ip)));
    await ok('PUT', `/routers/${router.id}/add_router_interface`, { subnet_id: stores.subnet.get('b') });
  });

  test('a handed-off port: its far end waits on the host until a runtime moves it in and configures it as farEnd says', async () => {
    const plugger = portPlugger(t.pier.get(dataplaneModule));
    const hostEnd = `${prefix}ho`;
    const ns = await nss.add('ho');
    const port = (await ok('POST', '/ports', { port: { network_id: stores.network.get('a'), name: 'handoff' } })).port;
    await plugger.handoff(port.id, hostEnd);
    await plugger.handoff(port.id, hostEnd);
    await waitFor('handed-off port ACTIVE', async () => (await net('GET', `/ports/${port.id}`)).body.port.status === 'ACTIVE');
    assert.equal((await sh('ip', ['link', 'show', hostEnd])).code, 0, 'the far end is in the host namespace');
    // What Docker does at SetKey: move it in, rename it, configure it.
    const subnet = (await ok('GET', `/subnets/${stores.subnet.get('a')}`)).subnet;
    const addresses: AddressSpec[] = [{ ip: port.fixed_ips[0].ip_address, version: 4, prefix: 24, subnetId: subnet.id, cidr: subnet.cidr, gateway: subnet.gateway_ip, hostRoutes: [] }];
    assert.equal((await sh('ip', ['link', 'set', hostEnd, 'netns', ns])).code, 0);
    const far = ['link set lo up', `link set ${hostEnd} name eth0`, 'link set eth0 up', ...renderFarEnd('eth0', plugger.farEnd(addresses), true)];
    assert.equal((await sh('ip', ['-n', ns, '-batch', '-'], `${far.join('\n')}\n`)).code, 0);
    await waitFor('the handed-off container reaches a plugged one', () => pings(ns, a1.ip));
    await plugger.unplug(port.id);
    assert.notEqual((await inNs(ns, 'ip', 'link', 'show', 'eth0')).code, 0, 'unplugging removed the moved end too');
    await ok('DELETE', `/ports/${port.id}`);
  });

  test('security groups: icmp and tcp/22 from a remote group pass, the rest is dropped; changes apply live', async () => {
    const web = (await ok('POST', '/security-groups', { security_group: { name: 'web' } })).security_group;
    const clients = (await ok('POST', '/security-groups', { security_group: { name: 'clients' } })).security_group;
    for (const rule of [{ protocol: 'icmp' }, { protocol: 'tcp', port_range_min: 22, port_range_max: 22 }]) {
      await ok('POST', '/security-group-rules', { security_group_rule: { security_group_id: web.id, direction: 'ingress', remote_group_id: clients.id, ...rule } });
    }
    const server = await container('srv', 'a', { security_groups: [web.id] });
    const client = await container('cli', 'a', { security_groups: [clients.id] });
    const stranger = await container('str', 'b', { security_groups: [clients.id] });
    const other = await container('oth', 'a');
    const stops = [listen(server.ns, 22), listen(server.ns, 80)];
    try {
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(await pings(client.ns, server.ip), 'icmp from the remote group');
      assert.ok(await connects(client.ns, server.ip, 22), 'tcp/22 from the remote group');
      assert.ok(await connects(stranger.ns, server.ip, 22), 'tcp/22 from a member on another network, through the router');
      assert.ok(!(await connects(client.ns, server.ip, 80)), 'tcp/80 is not allowed');
      assert.ok(!(await pings(other.ns, server.ip)), 'a port outside the remote group');
      await ok('POST', '/security-group-rules', { security_group_rule: { security_group_id: web.id, direction: 'ingress', protocol: 'tcp', port_range_min: 80, port_range_max: 80, remote_group_id: clients.id } });
      await waitFor('new rule applies without re-plugging', () => connects(client.ns, server.ip, 80));
      await ok('PUT', `/ports/${other.port.id}`, { port: { security_groups: [clients.id] } });
      await waitFor('a member joining the remote group gains access', () => pings(other.ns, server.ip));
    } finally {
      for (const s of stops) s();
    }
  });

  test('anti-spoofing: a changed address reaches no one; an allowed address pair lets it', async () => {
    const spoofer = await container('spf', 'a');
    assert.ok(await pings(spoofer.ns, a1.ip));
    await inNs(spoofer.ns, 'ip', 'addr', 'flush', 'dev', 'eth0');
    await inNs(spoofer.ns, 'ip', 'addr', 'add', '10.71.1.200/24', 'dev', 'eth0');
    assert.ok(!(await pings(spoofer.ns, a1.ip)), 'spoofed source is dropped');
    await ok('PUT', `/ports/${spoofer.port.id}`, { port: { allowed_address_pairs: [{ ip_address: '10.71.1.200' }] } });
    await waitFor('allowed address pair passes', () => pings(spoofer.ns, a1.ip));
  });

  test('floating IP: the host reaches the container through it; SNAT lets the container out; disassociation cuts it', async () => {
    const ext = (await ok('POST', '/networks', { network: { name: 'ext', 'router:external': true, 'provider:network_type': 'flat', 'provider:physical_network': 'public' } })).network;
    await ok('POST', '/subnets', { subnet: { network_id: ext.id, cidr: `${extNet}.0/24`, ip_version: 4, gateway_ip: `${extNet}.1`, enable_dhcp: false, allocation_pools: [{ start: `${extNet}.10`, end: `${extNet}.99` }] } });
    await ok('PUT', `/routers/${router.id}`, { router: { external_gateway_info: { network_id: ext.id } } });
    const sg = a1.port.security_groups[0];
    await ok('POST', '/security-group-rules', { security_group_rule: { security_group_id: sg, direction: 'ingress', protocol: 'icmp', remote_ip_prefix: '0.0.0.0/0' } });
    const fip = (await ok('POST', '/floatingips', { floatingip: { floating_network_id: ext.id, port_id: a1.port.id } })).floatingip;
    await waitFor('floating IP answers from the host side', async () => (await sh('ping', ['-c', '1', '-W', '1', fip.floating_ip_address])).code === 0);
    assert.ok(await pings(a1.ns, `${extNet}.1`), 'SNAT: the container reaches the host side of the external network');
    await ok('PUT', `/floatingips/${fip.id}`, { floatingip: { port_id: null } });
    await waitFor('disassociated', async () => (await sh('ping', ['-c', '1', '-W', '1', fip.floating_ip_address])).code !== 0).catch(async (err: Error) => {
      // Seen once in a full run and never since: say what answered and what the dataplane held.
      const seen = await Promise.all([
        ['ping', '-c', '1', '-W', '1', fip.floating_ip_address], ['ip', '-n', dpns, 'addr', 'show'], ['ip', '-n', dpns, 'route', 'show'],
        ['nsenter', `--net=/run/netns/${dpns}`, 'nft', 'list', 'table', 'ip', 'pier'],
        ['sh', '-c', `curl -s -H 'x-auth-token: ${admin}' ${t.url}/networking/v2.0/floatingips/${fip.id}`],
      ].map(async ([cmd, ...args]) => `$ ${cmd} ${args.join(' ')}\n${(r => r.stdout + r.stderr)(await sh(cmd!, args))}`));
      throw new Error(`${err.message}\n${seen.join('\n')}`);
    });
  });

  test('a restart of Pier loses at most one reply of a ping running every 0.1 s', async () => {
    const ping = spawn('nsenter', [`--net=/run/netns/${a1.ns}`, 'ping', '-i', '0.1', '-c', '40', '-W', '1', a2.ip]);
    let out = '';
    ping.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    const done = new Promise((r) => ping.once('exit', r));
    await new Promise((r) => setTimeout(r, 1000));
    await t.restart();
    admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
    await done;
    const m = /(\d+) packets transmitted, (\d+) received/.exec(out);
    assert.ok(m, out);
    assert.ok(Number(m[1]) - Number(m[2]) <= 1, `lost ${Number(m[1]) - Number(m[2])} of ${m[1]}`);
  });

  test('bad plug requests: another host, unknown namespace, already plugged — clear errors, nothing half-plugged', async () => {
    const ns = await nss.add('bad');
    const elsewhere = (await ok('POST', '/ports', { port: { network_id: stores.network.get('a'), 'binding:host_id': 'another-host' } })).port;
    const r1 = await api('PUT', `/pier/v1/ports/${elsewhere.id}/plug`, { netns: ns });
    assert.equal(r1.status, 409);
    assert.equal(r1.body.NeutronError.type, 'PortBoundElsewhere');
    const fresh = (await ok('POST', '/ports', { port: { network_id: stores.network.get('a') } })).port;
    const r2 = await api('PUT', `/pier/v1/ports/${fresh.id}/plug`, { netns: `${prefix}-nosuch` });
    assert.equal(r2.status, 404);
    assert.equal(r2.body.NeutronError.type, 'NetnsNotFound');
    const r3 = await api('PUT', `/pier/v1/ports/${a1.port.id}/plug`, { netns: ns });
    assert.equal(r3.status, 409);
    assert.equal(r3.body.NeutronError.type, 'PortAlreadyPlugged');
    for (const p of [elsewhere, fresh]) {
      assert.equal((await net('GET', `/ports/${p.id}`)).body.port.status, 'DOWN');
      assert.equal((await inNs(dpns, 'ip', 'link', 'show', `tp-${p.id.replaceAll('-', '').slice(0, 11)}`)).code !== 0, true, 'no veth left behind');
    }
    assert.equal((await inNs(ns, 'ip', '-br', 'link')).stdout.trim().split('\n').length, 1, 'only lo in the namespace');
  });

  test('after everything is deleted, no Pier link, namespace or nftables table is left', async () => {
    assert.ok(netnsWith(dpns).length > 0, 'the dataplane namespaces exist before');
    for (const f of (await ok('GET', '/floatingips')).floatingips) await ok('DELETE', `/floatingips/${f.id}`);
    await ok('PUT', `/routers/${router.id}`, { router: { external_gateway_info: null } });
    for (const s of ['a', 'b']) await ok('PUT', `/routers/${router.id}/remove_router_interface`, { subnet_id: stores.subnet.get(s) });
    await ok('DELETE', `/routers/${router.id}`);
    for (const p of (await ok('GET', '/ports')).ports) await ok('DELETE', `/ports/${p.id}`);
    for (const n of (await ok('GET', '/networks')).networks) await ok('DELETE', `/networks/${n.id}`);
    await t.pier.get(dataplaneModule).syncNow();
    assert.deepEqual(netnsWith(dpns), [], 'no dataplane or router namespace');
    const tag = (t.pier.get(dataplaneModule).driver as unknown as { tag: string }).tag;
    assert.deepEqual(await hostLinksWith(`pu${tag}`), [], 'no uplink on the host');
    const tables = (await sh('nft', ['list', 'tables'])).stdout;
    assert.ok(!tables.includes(dpns), 'no nftables table on the host');
  });
});
}
