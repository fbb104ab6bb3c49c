// CNI conformance of the `pier` plugin (root), by direct invocation as a runtime does it: the
// executable `pier cni install` put in a directory of the test's own, the CNI_* environment,
// the network config on stdin, against a Pier in this process on a real dataplane. Every command
// at every version, results checked against the port and the kernel, real pings to a namespace
// Pier plugged itself, and bad configs or environments answered with the spec's error codes,
// leaving no port, interface or attached namespace behind. Each driver's test file runs it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_PASSWORD, DEMO_PASSWORD, call, startTestPier, tokenFor, type TestPier } from '../support/pier.js';
import { installCniPlugin, invokeCni, type CniInvocation } from '../support/cni.js';
import { Namespaces, inNs, netnsWith, pings, requireRoot, sh, uniquePrefix, waitFor } from '../support/system.js';
import { dataplaneModule } from '../../src/dataplane/index.js';
import { SUPPORTED_VERSIONS } from '../../src/kuryr/cni/versions.js';

export function runCniSuite(driver: 'linuxbridge' | 'routed'): void {
requireRoot();

describe(`CNI plugin on ${driver}`, () => {
  const prefix = uniquePrefix();
  const nss = new Namespaces(prefix);
  const octet = randomInt(10, 250); // suites may run side by side (and routed networks must not overlap)
  const cidr = `10.${octet}.0.0/24`;
  const gateway = `10.${octet}.0.1`;
  const hostRoute = { destination: `10.${octet}.200.0/24`, nexthop: `10.${octet}.0.254` };
  const dnsServer = `10.${octet}.0.53`;
  const work = mkdtempSync(join(tmpdir(), 'pier-cni-'));
  const plugin = join(work, 'bin', 'pier');
  const socket = join(work, 'cni.sock');
  const added = new Set<string>();
  const sleepers: ChildProcess[] = [];
  let t: TestPier;
  let demo: string;
  let admin: string;
  let probe: { ns: string; ip: string };
  const ids: Record<string, string> = {};

  const net = async (method: string, path: string, body?: unknown, token = demo) => {
    const r = await call(t.url, method, `/networking/v2.0${path}`, { token, body });
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const conf = (version: string, extra: Record<string, unknown> = {}) => ({ cniVersion: version, name: `${prefix}-net`, type: 'pier', network: 'cni-net', socket, ...extra });
  const cid = (name: string) => `${prefix}-${name}`;
  const run = (inv: CniInvocation, config: unknown) => {
    if (inv.command === 'ADD' && inv.containerId) added.add(`${inv.containerId} ${inv.ifname ?? 'eth0'}`);
    return invokeCni(plugin, inv, config);
  };
  const addTo = (name: string, ns: string, config: unknown, extra: Partial<CniInvocation> = {}) =>
    run({ command: 'ADD', containerId: cid(name), netns: `/run/netns/${ns}`, ifname: 'eth0', args: `IgnoreUnknown=1;K8S_POD_NAMESPACE=testns;K8S_POD_NAME=${name}`, ...extra }, config);
  const del = (name: string, config: unknown, extra: Partial<CniInvocation> = {}) => run({ command: 'DEL', containerId: cid(name), ifname: 'eth0', ...extra }, config);
  const portsOf = async (name: string) => (await net('GET', `/ports?device_id=${cid(name)}`)).ports as any[];
  const kuryrPorts = async () => ((await net('GET', '/ports?device_owner=compute:kuryr')).ports as any[]).map((p) => p.id as string).sort();
  const links = async (ns: string) => (JSON.parse((await inNs(ns, 'ip', '-j', 'link', 'show')).stdout) as { ifname: string }[]).map((l) => l.ifname).sort();
  const kernelAddr = async (ns: string, ifname = 'eth0') => {
    const [l] = JSON.parse((await inNs(ns, 'ip', '-j', 'addr', 'show', 'dev', ifname)).stdout) as { address: string; mtu: number; addr_info: { family: string; local: string; prefixlen: number }[] }[];
    return l!;
  };
  const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => assert.equal(r.code, 0, `${what}: ${r.stdout} ${r.stderr}`);
  const cniError = (r: { code: number; json?: any; stdout: string }, code: number, what: string) => {
    assert.notEqual(r.code, 0, `${what} succeeded: ${r.stdout}`);
    assert.equal(r.json?.code, code, `${what}: ${r.stdout}`);
    assert.equal(typeof r.json.msg, 'string', what);
  };

  before(async () => {
    const installed = installCniPlugin(join(work, 'bin'));
    assert.equal(installed.code, 0, `pier cni install: ${installed.stderr}`);
    t = await startTestPier({
      dataplane: { driver, namespace: `${prefix}-dp`, hostId: 'cni-test', vtep: '127.0.0.1', physnets: {} },
      kuryr: { user: 'demo', project: 'demo', cni: { socket } },
    });
    demo = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
    admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
    ids.net = (await net('POST', '/networks', { network: { name: 'cni-net' } })).network.id;
    ids.sub = (await net('POST', '/subnets', { subnet: { network_id: ids.net, name: 'cni-sub', cidr, ip_version: 4, dns_nameservers: [dnsServer], host_routes: [hostRoute] } })).subnet.id;
    // A network of two subnets, for a config that picks one.
    ids.two = (await net('POST', '/networks', { network: { name: 'cni-two' } })).network.id;
    await net('POST', '/subnets', { subnet: { network_id: ids.two, name: 'two-a', cidr: `10.${octet}.4.0/24`, ip_version: 4 } });
    ids.twoB = (await net('POST', '/subnets', { subnet: { network_id: ids.two, name: 'two-b', cidr: `10.${octet}.1.0/24`, ip_version: 4 } })).subnet.id;
    ids.other = (await net('POST', '/networks', { network: { name: 'cni-other' } })).network.id;
    ids.otherSub = (await net('POST', '/subnets', { subnet: { network_id: ids.other, name: 'other-sub', cidr: `10.${octet}.2.0/24`, ip_version: 4 } })).subnet.id;
    ids.web = (await net('POST', '/security-groups', { security_group: { name: 'cni-web' } })).security_group.id;
    // The probe: a namespace Pier plugged itself, in the same default security group.
    const ns = await nss.add('probe');
    const port = (await net('POST', '/ports', { port: { network_id: ids.net, fixed_ips: [{ subnet_id: ids.sub }] } })).port;
    const r = await call(t.url, 'PUT', `/pier/v1/ports/${port.id}/plug`, { token: admin, body: { netns: ns } });
    assert.equal(r.status, 204, JSON.stringify(r.body));
    probe = { ns, ip: port.fixed_ips[0].ip_address };
  });
  after(async () => {
    for (const a of added) {
      const [containerId, ifname] = a.split(' ');
      await invokeCni(plugin, { command: 'DEL', containerId, ifname }, conf('1.0.0')).catch(() => {});
    }
    for (const s of sleepers) s.kill('SIGKILL');
    await t.pier.get(dataplaneModule).driver.destroy();
    await t.close();
    await nss.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  test('VERSION: the plugin answers every supported version itself', async () => {
    for (const v of SUPPORTED_VERSIONS) {
      const r = await run({ command: 'VERSION' }, { cniVersion: v });
      ok(r, `VERSION ${v}`);
      assert.deepEqual(r.json, { cniVersion: v, supportedVersions: [...SUPPORTED_VERSIONS] });
    }
    // Without a config, and even with Pier unreachable: VERSION never asks Pier.
    const r = await run({ command: 'VERSION' }, { cniVersion: '1.0.0', socket: '/nonexistent/cni.sock' });
    ok(r, 'VERSION without Pier');
  });

  for (const version of SUPPORTED_VERSIONS) {
    test(`${version}: ADD plugs a port into the namespace and prints the result; CHECK; DEL removes both, and again`, async () => {
      const name = `v${version.replaceAll('.', '')}`;
      const ns = await nss.add(name);
      const r = await addTo(name, ns, conf(version));
      ok(r, 'ADD');
      const [port] = await portsOf(name);
      assert.ok(port, 'the port exists');
      assert.equal((await portsOf(name)).length, 1);
      assert.equal(port.device_owner, 'compute:kuryr');
      assert.equal(port.network_id, ids.net);
      assert.equal(port.name, `testns/${name}`);
      for (const tag of [`kuryr.cni.net:${prefix}-net`, 'kuryr.cni.host:cni-test', 'k8s.pod.namespace:testns', `k8s.pod.name:${name}`]) assert.ok(port.tags.includes(tag), `${tag} in ${port.tags}`);
      const ip = port.fixed_ips[0].ip_address as string;
      const kernel = await kernelAddr(ns);
      const prefixlen = kernel.addr_info.find((a) => a.local === ip)!.prefixlen;
      assert.equal(prefixlen, driver === 'routed' ? 32 : 24);
      const legacy = !['1.0.0', '1.1.0'].includes(version);
      assert.deepEqual(r.json.cniVersion, version);
      assert.deepEqual(r.json.interfaces, [{ name: 'eth0', mac: port.mac_address, ...(version === '1.1.0' ? { mtu: kernel.mtu } : {}), sandbox: `/run/netns/${ns}` }]);
      assert.deepEqual(r.json.ips, [{ ...(legacy ? { version: '4' } : {}), address: `${ip}/${prefixlen}`, gateway, interface: 0 }]);
      assert.deepEqual(r.json.routes.find((x: any) => x.dst === '0.0.0.0/0'), { dst: '0.0.0.0/0', gw: gateway });
      // The routes are the ones the dataplane gave the interface: routed has no host routes.
      const kernelRoutes = (JSON.parse((await inNs(ns, 'ip', '-j', 'route', 'show', 'dev', 'eth0')).stdout) as { dst: string; protocol?: string }[]).filter((x) => x.protocol !== 'kernel');
      assert.equal(r.json.routes.length, kernelRoutes.length, JSON.stringify(kernelRoutes));
      if (driver === 'linuxbridge') assert.deepEqual(r.json.routes.find((x: any) => x.dst === hostRoute.destination), { dst: hostRoute.destination, gw: hostRoute.nexthop });
      else assert.deepEqual(r.json.routes.find((x: any) => x.dst === `${gateway}/32`), { dst: `${gateway}/32`, ...(version === '1.1.0' ? { scope: 253 } : {}) });
      assert.deepEqual(r.json.dns, { nameservers: [dnsServer] });
      await waitFor('port ACTIVE', async () => (await portsOf(name))[0].status === 'ACTIVE');
      assert.ok(await pings(probe.ns, ip), 'the probe reaches the container');
      assert.ok(await pings(ns, probe.ip), 'the container reaches the probe');

      const check = await run({ command: 'CHECK', containerId: cid(name), netns: `/run/netns/${ns}`, ifname: 'eth0' }, conf(version, { prevResult: r.json }));
      if (version === '0.3.0' || version === '0.3.1') cniError(check, 1, 'CHECK before 0.4.0');
      else {
        ok(check, 'CHECK');
        assert.equal(check.stdout, '', 'CHECK prints nothing');
      }

      // A retried ADD (the runtime lost the answer) finds the same port.
      const again = await addTo(name, ns, conf(version));
      ok(again, 'ADD again');
      assert.deepEqual(again.json.ips, r.json.ips);
      assert.equal((await portsOf(name)).length, 1);

      ok(await del(name, conf(version)), 'DEL');
      assert.deepEqual(await portsOf(name), []);
      assert.deepEqual(await links(ns), ['lo']);
      ok(await del(name, conf(version)), 'DEL again');
      await sh('ip', ['netns', 'del', ns]);
      ok(await del(name, conf(version), { netns: `/run/netns/${ns}` }), 'DEL with the namespace gone');
    });
  }

  test('CHECK fails when the interface lost its address, or is gone', async () => {
    const ns = await nss.add('chk');
    const r = await addTo('chk', ns, conf('1.0.0'));
    ok(r, 'ADD');
    const checkIt = () => run({ command: 'CHECK', containerId: cid('chk'), netns: `/run/netns/${ns}`, ifname: 'eth0' }, conf('1.0.0', { prevResult: r.json }));
    ok(await checkIt(), 'CHECK');
    await inNs(ns, 'ip', 'addr', 'flush', 'dev', 'eth0');
    cniError(await checkIt(), 102, 'CHECK without the address');
    await inNs(ns, 'ip', 'link', 'del', 'eth0');
    cniError(await checkIt(), 102, 'CHECK without the interface');
    ok(await del('chk', conf('1.0.0')), 'DEL');
  });

  test('a namespace by another path (/proc/PID/ns/net) is attached for the plug and detached by DEL', async () => {
    const sleeper = spawn('unshare', ['--net', 'sleep', '300'], { stdio: 'ignore' });
    sleepers.push(sleeper);
    const path = `/proc/${sleeper.pid}/ns/net`;
    await waitFor('the sleeper has its own namespace', async () => (await sh('readlink', [path])).stdout !== (await sh('readlink', ['/proc/self/ns/net'])).stdout);
    const before = netnsWith('cni-pier-');
    const r = await run({ command: 'ADD', containerId: cid('proc'), netns: path, ifname: 'net1' }, conf('1.0.0'));
    ok(r, 'ADD');
    assert.equal(r.json.interfaces[0].sandbox, path);
    assert.equal(r.json.interfaces[0].name, 'net1');
    const attached = netnsWith('cni-pier-').filter((n) => !before.includes(n));
    assert.equal(attached.length, 1, 'one name attached under /run/netns');
    const ip = r.json.ips[0].address.split('/')[0];
    await waitFor('the probe reaches it', () => pings(probe.ns, ip));
    const inside = await sh('nsenter', [`--net=${path}`, 'ip', '-j', 'addr', 'show', 'dev', 'net1']);
    assert.match(inside.stdout, new RegExp(`"local":"${ip.replaceAll('.', '\\.')}"`));
    ok(await run({ command: 'CHECK', containerId: cid('proc'), netns: path, ifname: 'net1' }, conf('1.0.0', { prevResult: r.json })), 'CHECK');
    ok(await run({ command: 'DEL', containerId: cid('proc'), netns: path, ifname: 'net1' }, conf('1.0.0')), 'DEL');
    assert.deepEqual(netnsWith('cni-pier-').filter((n) => !before.includes(n)), [], 'the attached name is gone');
    assert.equal((await sh('nsenter', [`--net=${path}`, 'ip', 'link', 'show', 'net1'])).code !== 0, true, 'the interface is gone');
    sleeper.kill('SIGKILL');
  });

  test('subnet and securityGroups by name; a chained ADD keeps the previous result', async () => {
    const ns = await nss.add('opts');
    const prevResult = { cniVersion: '1.0.0', interfaces: [{ name: 'other0', sandbox: `/run/netns/${ns}` }], ips: [{ address: '192.0.2.7/24', interface: 0 }], routes: [{ dst: '192.0.2.0/24' }], dns: { search: ['example.org'] } };
    const r = await addTo('opts', ns, conf('1.0.0', { network: 'cni-two', subnet: 'two-b', securityGroups: ['cni-web', 'default'], prevResult }));
    ok(r, 'ADD');
    const [port] = await portsOf('opts');
    assert.equal(port.fixed_ips[0].subnet_id, ids.twoB);
    const groups = (await net('GET', '/security-groups?name=default')).security_groups;
    assert.deepEqual([...port.security_groups].sort(), [ids.web, groups[0].id].sort());
    assert.equal(r.json.interfaces.length, 2);
    assert.deepEqual(r.json.interfaces[0], prevResult.interfaces[0]);
    assert.deepEqual(r.json.ips[0], prevResult.ips[0]);
    assert.equal(r.json.ips[1].interface, 1);
    assert.equal(r.json.ips[1].address.split('/')[0], port.fixed_ips[0].ip_address);
    assert.deepEqual(r.json.routes[0], prevResult.routes[0]);
    assert.deepEqual(r.json.dns.search, ['example.org']);
    ok(await del('opts', conf('1.0.0', { network: 'cni-two' })), 'DEL');
  });

  test('containers added at once each get their own port', async () => {
    const names = ['c1', 'c2', 'c3', 'c4', 'c5'];
    const spaces = await Promise.all(names.map((n) => nss.add(n)));
    const results = await Promise.all(names.map((n, i) => addTo(n, spaces[i]!, conf('1.0.0'))));
    results.forEach((r, i) => ok(r, `ADD ${names[i]}`));
    const ips = results.map((r) => r.json.ips[0].address.split('/')[0] as string);
    assert.equal(new Set(ips).size, names.length);
    for (const ip of ips) await waitFor(`probe reaches ${ip}`, () => pings(probe.ns, ip));
    await Promise.all(names.map((n) => del(n, conf('1.0.0')).then((r) => ok(r, `DEL ${n}`))));
    for (const n of names) assert.deepEqual(await portsOf(n), []);
  });

  test('GC (1.1.0) releases the network\'s ports on this host that no valid attachment names', async () => {
    const spaces = await Promise.all(['g1', 'g2', 'g3', 'gx'].map((n) => nss.add(n)));
    for (const [i, n] of ['g1', 'g2', 'g3'].entries()) ok(await addTo(n, spaces[i]!, conf('1.1.0')), `ADD ${n}`);
    const otherCni = conf('1.1.0', { name: `${prefix}-other` }); // another CNI network on the same Neutron network
    ok(await addTo('gx', spaces[3]!, otherCni), 'ADD gx');
    cniError(await run({ command: 'GC' }, conf('1.0.0', { 'cni.dev/valid-attachments': [] })), 1, 'GC at 1.0.0');
    const gc = await run({ command: 'GC' }, conf('1.1.0', { 'cni.dev/valid-attachments': [{ containerID: cid('g1'), ifname: 'eth0' }] }));
    ok(gc, 'GC');
    assert.equal((await portsOf('g1')).length, 1, 'the valid attachment stays');
    assert.deepEqual(await portsOf('g2'), []);
    assert.deepEqual(await portsOf('g3'), []);
    assert.deepEqual(await links(spaces[1]!), ['lo']);
    const ip = (await portsOf('g1'))[0].fixed_ips[0].ip_address;
    assert.ok(await pings(probe.ns, ip), 'the valid attachment still answers');
    // Another CNI network's ports and the probe's (no CNI port) are not this GC's to touch.
    assert.equal((await portsOf('gx')).length, 1);
    assert.ok((await net('GET', `/ports?network_id=${ids.net}`)).ports.some((p: any) => p.fixed_ips[0].ip_address === probe.ip));
    ok(await del('g1', conf('1.1.0')), 'DEL g1');
    ok(await del('gx', otherCni), 'DEL gx');
  });

  test('STATUS (1.1.0): ready while Pier and the network are there; 50 when not', async () => {
    const r = await run({ command: 'STATUS' }, conf('1.1.0'));
    ok(r, 'STATUS');
    assert.equal(r.stdout, '');
    cniError(await run({ command: 'STATUS' }, conf('1.1.0', { network: 'no-such-net' })), 50, 'STATUS without the network');
    cniError(await run({ command: 'STATUS' }, conf('1.1.0', { socket: join(work, 'nobody.sock') })), 50, 'STATUS without Pier');
    cniError(await run({ command: 'STATUS' }, conf('1.0.0')), 1, 'STATUS at 1.0.0');
  });

  test('an interface name the container already has: ADD fails (101) and leaves the port and the interface as they were', async () => {
    const ns = await nss.add('busy');
    await inNs(ns, 'ip', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'busy1');
    const portsBefore = await kuryrPorts();
    const r = await addTo('busy', ns, conf('1.0.0'));
    cniError(r, 101, 'ADD onto an existing eth0');
    assert.deepEqual(await kuryrPorts(), portsBefore, 'no port left');
    assert.deepEqual(await links(ns), ['busy1', 'eth0', 'lo']);
    ok(await del('busy', conf('1.0.0')), 'DEL after the failed ADD');
  });

  test('no free address: Networking\'s refusal (100) with Neutron\'s message, and no port', async () => {
    const tiny = (await net('POST', '/networks', { network: { name: 'cni-tiny' } })).network.id;
    await net('POST', '/subnets', { subnet: { network_id: tiny, cidr: `10.${octet}.3.0/29`, ip_version: 4, allocation_pools: [{ start: `10.${octet}.3.2`, end: `10.${octet}.3.2` }] } });
    const [a, b] = [await nss.add('tiny1'), await nss.add('tiny2')];
    ok(await addTo('tiny1', a, conf('1.0.0', { network: 'cni-tiny' })), 'ADD takes the only address');
    const portsBefore = await kuryrPorts();
    const r = await addTo('tiny2', b, conf('1.0.0', { network: tiny }));
    cniError(r, 100, 'ADD with no address left');
    assert.match(r.json.msg, /IpAddressGenerationFailure/);
    assert.match(r.json.details, /No more IP addresses available/);
    assert.deepEqual(await kuryrPorts(), portsBefore);
    assert.deepEqual(await links(b), ['lo']);
    ok(await del('tiny1', conf('1.0.0', { network: 'cni-tiny' })), 'DEL');
  });

  test('bad configs and environments get the spec\'s error codes and leave nothing behind', async () => {
    const ns = await nss.add('bad');
    const path = `/run/netns/${ns}`;
    const env = { command: 'ADD', containerId: cid('bad'), netns: path, ifname: 'eth0' };
    const cases: [string, Partial<CniInvocation>, unknown, number][] = [
      ['config not JSON', {}, '{"cniVersion": "1.0.0", "name":', 6],
      ['config not an object', {}, '[1, 2]', 6],
      ['no name', {}, { ...conf('1.0.0'), name: undefined }, 7],
      ['a name with a space', {}, conf('1.0.0', { name: 'a b' }), 7],
      ['an unsupported version', {}, conf('9.9.9'), 1],
      ['no version', {}, { ...conf('1.0.0'), cniVersion: undefined }, 1],
      ['no network', {}, { ...conf('1.0.0'), network: undefined }, 7],
      ['a network that does not exist', {}, conf('1.0.0', { network: 'no-such-net' }), 7],
      ['a network of another project', {}, conf('1.0.0', { network: 'admin-only' }), 7],
      ['a subnet of another network', {}, conf('1.0.0', { subnet: 'other-sub' }), 7],
      ['a security group that does not exist', {}, conf('1.0.0', { securityGroups: ['no-such-group'] }), 7],
      ['securityGroups not a list', {}, conf('1.0.0', { securityGroups: 'cni-web' }), 7],
      ['an ipam section (Pier is the IPAM)', {}, conf('1.0.0', { ipam: { type: 'host-local' } }), 2],
      ['no CNI_CONTAINERID', { containerId: undefined }, conf('1.0.0'), 4],
      ['a bad CNI_CONTAINERID', { containerId: '-bad id' }, conf('1.0.0'), 4],
      ['no CNI_IFNAME', { ifname: undefined }, conf('1.0.0'), 4],
      ['a CNI_IFNAME too long', { ifname: 'eth0123456789012' }, conf('1.0.0'), 4],
      ['no CNI_NETNS', { netns: undefined }, conf('1.0.0'), 4],
      ['CNI_NETNS that does not exist', { netns: '/run/netns/no-such-ns' }, conf('1.0.0'), 4],
      ['CNI_NETNS that is no namespace', { netns: work }, conf('1.0.0'), 4],
      ['an unknown CNI_COMMAND', { command: 'FROB' }, conf('1.0.0'), 4],
      ['no CNI_COMMAND', { command: '' }, conf('1.0.0'), 4],
      ['CHECK at 0.3.1', { command: 'CHECK' }, conf('0.3.1'), 1],
      ['GC at 0.4.0', { command: 'GC' }, conf('0.4.0'), 1],
      ['Pier not reachable', {}, conf('1.0.0', { socket: join(work, 'nobody.sock') }), 11],
    ];
    const adminNet = (await net('POST', '/networks', { network: { name: 'admin-only' } }, admin)).network.id;
    const portsBefore = await kuryrPorts();
    const attachedBefore = netnsWith('cni-pier-');
    for (const [what, inv, config, code] of cases) {
      const r = await run({ ...env, ...inv } as CniInvocation, config);
      cniError(r, code, what);
      if (typeof config === 'object' && config && 'cniVersion' in config && typeof config.cniVersion === 'string') assert.equal(r.json.cniVersion, config.cniVersion, `${what}: the error's cniVersion`);
      assert.deepEqual(await kuryrPorts(), portsBefore, `${what}: no port left`);
      assert.deepEqual(await links(ns), ['lo'], `${what}: no interface left`);
      assert.deepEqual(netnsWith('cni-pier-'), attachedBefore, `${what}: no namespace attached`);
    }
    await net('DELETE', `/networks/${adminNet}`, undefined, admin);
  });
});
}
