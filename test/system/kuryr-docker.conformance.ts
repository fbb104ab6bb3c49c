// Docker on Pier networks, with a real Docker (Debian docker.io 20.10, a private dockerd started
// here) and `pier up` serving it as the `docker network create -d <plugin> --ipam-driver <plugin>`
// driver, on one dataplane. Containers ping each other and a Nova server on the same Neutron
// network; security groups, -p/--expose, floating IPs, IPv6, --ip/--ip6/--mac-address,
// --internal, two networks per container, adopting a Neutron network, Neutron's errors as
// Docker's, Pier and Docker restarts, and nothing left behind. Each dataplane's file calls it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { ADMIN_PASSWORD, call, tokenFor } from '../support/pier.js';
import { openstackJson, openstackOk, startPierProcess, type PierProcess } from '../support/process.js';
import { BUSYBOX_IMAGE, startDockerd, type PrivateDocker } from '../support/docker.js';
import { requireRoot, sh, uniquePrefix, waitFor } from '../support/system.js';

interface Attached { name: string; ip: string; ip6: string; endpoint: string; mac: string }

export function runKuryrDockerSuite(driver: 'linuxbridge' | 'routed'): void {
requireRoot();

describe(`Docker containers on Pier networks (${driver})`, () => {
  const prefix = uniquePrefix();
  const plugin = `${prefix}k`;
  const o = driver === 'linuxbridge' ? 93 : 94; // a second octet per suite: both may run on one host
  const ext = `172.${driver === 'linuxbridge' ? 25 : 26}.${randomInt(10, 250)}`;
  let p: PierProcess;
  let d: PrivateDocker;
  let admin: string;
  const servers: string[] = [];

  const api = (method: string, path: string, body?: unknown) => call(p.url, method, path, { token: admin, body });
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await api(method, `/networking/v2.0${path}`, body);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const inspect = async (name: string, net: string): Promise<Attached> => {
    const n = JSON.parse(await d.ok(['inspect', name]))[0].NetworkSettings.Networks[net];
    assert.ok(n, `${name} is on ${net}`);
    return { name, ip: n.IPAddress, ip6: n.GlobalIPv6Address, endpoint: n.EndpointID, mac: n.MacAddress };
  };
  /** `docker run -d` on `net` (extra flags before the image); `cmd` defaults to sleeping. */
  const run = async (name: string, net: string, extra: string[] = [], cmd = ['sleep', '3600']) => {
    await d.ok(['run', '-d', '--name', name, '--net', net, ...extra, BUSYBOX_IMAGE, ...cmd]);
    return inspect(name, net);
  };
  const exec = (name: string, ...cmd: string[]) => d.docker(['exec', name, ...cmd]);
  const pings = async (from: string, ip: string) => (await exec(from, ip.includes(':') ? 'ping6' : 'ping', '-c', '1', '-W', '1', ip)).code === 0;
  const kuryrNet = async (dockerNet: string) => {
    const id = (await d.ok(['network', 'inspect', '-f', '{{.Id}}', dockerNet])).trim();
    const [n] = (await ok('GET', `/networks?tags=kuryr.net.uuid.lh:${id.slice(0, 32)}`)).networks;
    assert.ok(n, `a Neutron network is tagged for ${dockerNet}`);
    return n;
  };
  const portOf = async (c: Attached) => {
    const ports = (await ok('GET', `/ports?device_id=${c.endpoint}`)).ports;
    assert.equal(ports.length, 1, `one port for ${c.name}`);
    return ports[0];
  };
  const kuryrPorts = async () => (await ok('GET', '/ports?device_owner=compute:kuryr')).ports as { id: string; device_id: string; status: string }[];
  const create = (args: string[]) => d.ok(['network', 'create', '-d', plugin, '--ipam-driver', plugin, ...args]);
  /** One call of the plugin protocol, straight on its socket. */
  const plugged = (method: string, body: unknown) => new Promise<{ status: number; body: any }>((done, fail) => {
    const req = request({ socketPath: `/run/docker/plugins/${plugin}.sock`, path: `/${method}`, method: 'POST' }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => done({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', fail);
    req.end(JSON.stringify(body));
  });

  before(async () => {
    d = await startDockerd();
    p = await startPierProcess('sqlite', [
      '--dataplane', driver, '--dataplane-namespace', `${prefix}-dp`, '--physnet', `public=${ext}.1/24`, '--compute', 'runc', '--docker-plugin', plugin,
    ]);
    admin = await tokenFor(p.url, 'admin', ADMIN_PASSWORD, 'admin');
  });
  after(async () => {
    // Docker first, while its plugin still answers: what it made in Neutron goes with it.
    await d?.cleanup();
    for (const id of servers) await api('DELETE', `/compute/v2.1/servers/${id}`);
    for (const id of servers) await waitFor('server gone', async () => (await api('GET', `/compute/v2.1/servers/${id}`)).status === 404, 30_000).catch(() => {});
    for (const f of (await ok('GET', '/floatingips')).floatingips) await ok('DELETE', `/floatingips/${f.id}`);
    for (const r of (await ok('GET', '/routers')).routers) {
      await ok('PUT', `/routers/${r.id}`, { router: { external_gateway_info: null } });
      for (const port of (await ok('GET', `/ports?device_id=${r.id}`)).ports) await ok('PUT', `/routers/${r.id}/remove_router_interface`, { port_id: port.id });
      await ok('DELETE', `/routers/${r.id}`);
    }
    for (const port of (await ok('GET', '/ports')).ports) if (!String(port.device_owner).startsWith('network:')) await api('DELETE', `/networking/v2.0/ports/${port.id}`);
    for (const n of (await ok('GET', '/networks')).networks) await api('DELETE', `/networking/v2.0/networks/${n.id}`);
    await p?.cleanup();
    for (const ns of (await sh('ip', ['netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith(prefix))) await sh('ip', ['netns', 'del', ns]);
  });

  let c1: Attached;
  let c2: Attached;
  let net1: { id: string; subnets: string[] };

  test('two containers on a kuryr network ping each other and a Nova server on the same Neutron network; openstack port list shows their ports', async () => {
    await create(['--subnet', `10.${o}.1.0/24`, 'kn1']);
    c1 = await run('c1', 'kn1');
    c2 = await run('c2', 'kn1');
    net1 = await kuryrNet('kn1');
    const image = (await api('GET', '/image/v2/images?name=busybox')).body.images[0].id;
    const boot = await api('POST', '/compute/v2.1/servers', { server: { name: 'nova-peer', imageRef: image, flavorRef: '1', networks: [{ uuid: net1.id }] } });
    assert.equal(boot.status, 202, JSON.stringify(boot.body));
    servers.push(boot.body.server.id);
    await waitFor('server ACTIVE', async () => (await api('GET', `/compute/v2.1/servers/${boot.body.server.id}`)).body.server.status === 'ACTIVE', 60_000);
    const server = (await api('GET', `/compute/v2.1/servers/${boot.body.server.id}`)).body.server;
    const serverIp = (Object.values(server.addresses)[0] as { addr: string }[])[0]!.addr;
    assert.ok(await pings('c1', c2.ip), 'container to container');
    await waitFor('container to Nova server', () => pings('c1', serverIp), 15_000);
    assert.ok(await pings('c2', c1.ip), 'and back');
    assert.ok(await pings('c2', 'c1'), 'by name: Docker\'s embedded DNS still answers');

    const listed = await openstackJson<{ ID: string; 'Device Owner': string; 'Fixed IP Addresses': unknown; Status: string; 'Device ID'?: string }[]>(p, ['port', 'list', '--device-owner', 'compute:kuryr', '--long']);
    for (const c of [c1, c2]) {
      const port = await portOf(c);
      const row = listed.find((r) => r.ID === port.id);
      assert.ok(row, `${c.name}'s port ${port.id} in openstack port list`);
      assert.equal(row.Status, 'ACTIVE');
      assert.equal(port.mac_address, c.mac, 'the port has the MAC Docker gave the interface');
      assert.equal(port.fixed_ips[0].ip_address, c.ip);
      assert.equal(port['binding:host_id'].length > 0, true);
    }
    const iface = await exec('c1', 'ip', '-o', 'link', 'show', 'eth0');
    assert.match(iface.stdout, new RegExp(c1.mac), 'Docker named the handed-off end eth0 and gave it its MAC');
    // The dataplane's own far end: the subnet's prefix on a bridge, the address alone when routed.
    assert.match((await exec('c1', 'ip', '-o', '-4', 'addr', 'show', 'eth0')).stdout, new RegExp(`${c1.ip.replaceAll('.', '\\.')}/${driver === 'routed' ? 32 : 24} `));
  });

  test('a security group without icmp blocks pings; back in the default group they pass again', async () => {
    const port = await portOf(c2);
    await openstackOk(p, ['security', 'group', 'create', 'no-icmp']);
    await openstackOk(p, ['port', 'set', '--no-security-group', '--security-group', 'no-icmp', port.id]);
    await waitFor('icmp blocked', async () => !(await pings('c1', c2.ip)));
    await openstackOk(p, ['port', 'set', '--no-security-group', '--security-group', port.security_groups[0], port.id]);
    await waitFor('icmp allowed again', () => pings('c1', c2.ip));
  });

  test('-p / --expose: a security group of the port\'s own lets those ports in, and goes with the container', async () => {
    const serve = ['sh', '-c', 'mkdir -p /www && echo hi > /www/index.html && httpd -p 80 -h /www && httpd -p 81 -h /www && exec sleep 3600'];
    const web = await run('web', 'kn1', ['-p', '8080:80', '--expose', '90-91/udp'], serve);
    const client = await run('client', 'kn1');
    await openstackOk(p, ['port', 'set', '--no-security-group', '--security-group', 'no-icmp', (await portOf(client)).id]);
    const port = await portOf(web);
    const exposed = (await ok('GET', `/security-groups?name=${port.id}-exposed_ports`)).security_groups;
    assert.equal(exposed.length, 1, 'an exposed-ports group');
    assert.ok(port.security_groups.includes(exposed[0].id), 'on the port, beside the default group');
    const rules = exposed[0].security_group_rules.filter((r: { direction: string }) => r.direction === 'ingress')
      .map((r: { protocol: string; port_range_min: number; port_range_max: number }) => `${r.protocol} ${r.port_range_min}-${r.port_range_max}`).sort();
    assert.deepEqual(rules, ['tcp 80-80', 'udp 90-91']);
    const get = async (portNo: number) => (await exec('client', 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${web.ip} ${portNo}`)).stdout;
    await waitFor('the exposed port answers a container outside the default group', async () => (await get(80)).trim().endsWith('hi'), 10_000);
    assert.doesNotMatch(await get(81), /hi/, 'an unexposed port does not');
    await d.ok(['rm', '-f', 'web', 'client']);
    assert.deepEqual((await ok('GET', `/security-groups?name=${port.id}-exposed_ports`)).security_groups, [], 'the group went with the container');
  });

  test('a floating IP on a container\'s port answers from the host side', async () => {
    const extNet = (await ok('POST', '/networks', { network: { name: 'ext', 'router:external': true, 'provider:network_type': 'flat', 'provider:physical_network': 'public' } })).network;
    await ok('POST', '/subnets', { subnet: { network_id: extNet.id, cidr: `${ext}.0/24`, ip_version: 4, gateway_ip: `${ext}.1`, enable_dhcp: false, allocation_pools: [{ start: `${ext}.10`, end: `${ext}.99` }] } });
    const router = (await ok('POST', '/routers', { router: { name: 'r', external_gateway_info: { network_id: extNet.id } } })).router;
    await ok('PUT', `/routers/${router.id}/add_router_interface`, { subnet_id: net1.subnets[0] });
    const port = await portOf(c1);
    await ok('POST', '/security-group-rules', { security_group_rule: { security_group_id: port.security_groups[0], direction: 'ingress', protocol: 'icmp', remote_ip_prefix: '0.0.0.0/0' } });
    const fip = (await ok('POST', '/floatingips', { floatingip: { floating_network_id: extNet.id, port_id: port.id } })).floatingip;
    await waitFor('the floating IP answers from the host', async () => (await sh('ping', ['-c', '1', '-W', '1', fip.floating_ip_address])).code === 0, 15_000);
    await ok('DELETE', `/floatingips/${fip.id}`);
  });

  let c5: Attached;
  test('IPv6: on a dual-stack network the containers reach each other over IPv6 too', async () => {
    await create(['--ipv6', '--subnet', `10.${o}.2.0/24`, '--subnet', `fd00:${o}::/64`, 'kn6']);
    c5 = await run('c5', 'kn6');
    const c6 = await run('c6', 'kn6');
    assert.ok(c5.ip6 && c6.ip6, 'both have an IPv6 address');
    assert.equal((await portOf(c5)).fixed_ips.length, 2, 'one port with both addresses');
    assert.ok(await pings('c5', c6.ip));
    await waitFor('ping over IPv6', () => pings('c5', c6.ip6), 10_000);
  });

  test('--ip, --ip6 and --mac-address are the port\'s; a container on two networks reaches both', async () => {
    const mac = '02:42:0a:5d:00:32';
    const c7 = await run('c7', 'kn6', ['--ip', `10.${o}.2.50`, '--ip6', `fd00:${o}::50`, '--mac-address', mac]);
    assert.deepEqual([c7.ip, c7.ip6, c7.mac], [`10.${o}.2.50`, `fd00:${o}::50`, mac]);
    const port = await portOf(c7);
    assert.equal(port.mac_address, mac);
    assert.deepEqual(port.fixed_ips.map((f: { ip_address: string }) => f.ip_address), [`10.${o}.2.50`, `fd00:${o}::50`]);
    await d.ok(['network', 'connect', 'kn1', 'c7']);
    const on1 = await inspect('c7', 'kn1');
    assert.match((await exec('c7', 'ip', '-o', 'link')).stdout, /eth1/, 'a second interface');
    await waitFor('c7 reaches kn1', () => pings('c7', c1.ip), 10_000);
    assert.ok(await pings('c7', c5.ip), 'and kn6');
    assert.ok(await pings('c1', on1.ip), 'and is reached on kn1');
    await d.ok(['network', 'disconnect', 'kn1', 'c7']);
    assert.equal((await ok('GET', `/ports?device_id=${on1.endpoint}`)).ports.length, 0, 'disconnect freed that port');
    assert.doesNotMatch((await exec('c7', 'ip', '-o', 'link')).stdout, /eth1/);
  });

  test('--internal: containers reach each other but get no default route', async () => {
    await create(['--internal', '--subnet', `10.${o}.3.0/24`, 'kni']);
    await run('c8', 'kni');
    const c9 = await run('c9', 'kni');
    assert.ok(await pings('c8', c9.ip));
    assert.doesNotMatch((await exec('c8', 'ip', 'route')).stdout, /default/);
  });

  test('adopting a Neutron network by neutron.net.uuid: containers use it, docker network rm leaves it', async () => {
    const net = (await ok('POST', '/networks', { network: { name: 'adopted' } })).network;
    const sub = (await ok('POST', '/subnets', { subnet: { network_id: net.id, cidr: `10.${o}.4.0/24`, ip_version: 4 } })).subnet;
    await create(['-o', `neutron.net.uuid=${net.id}`, '--subnet', `10.${o}.4.0/24`, 'kna']);
    const c10 = await run('c10', 'kna');
    const port = await portOf(c10);
    assert.equal(port.network_id, net.id);
    assert.equal(port.fixed_ips[0].subnet_id, sub.id);
    await d.ok(['rm', '-f', 'c10']);
    await d.ok(['network', 'rm', 'kna']);
    const kept = (await ok('GET', `/networks/${net.id}`)).network;
    assert.deepEqual(kept.tags, [], 'still there, without Docker\'s tags');
    assert.equal((await ok('GET', `/subnets/${sub.id}`)).subnet.id, sub.id, 'its subnet too');
    assert.deepEqual((await ok('GET', `/subnetpools?name=kuryrPool-10.${o}.4.0/24`)).subnetpools, [], 'the pool Pier made for it is gone');
    assert.deepEqual((await ok('GET', `/ports?network_id=${net.id}&device_owner=compute:kuryr`)).ports, []);
  });

  test('Neutron\'s errors come back as Docker\'s, with Neutron\'s message, and change nothing', async () => {
    const before = (await kuryrPorts()).length;
    const nowhere = randomUUID();
    const missing = await d.docker(['network', 'create', '-d', plugin, '--ipam-driver', plugin, '-o', `neutron.net.uuid=${nowhere}`, '--subnet', `10.${o}.5.0/24`, 'knx']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, new RegExp(`Network ${nowhere} could not be found`));
    const taken = await d.docker(['run', '-d', '--name', 'dup', '--net', 'kn1', '--ip', c1.ip, BUSYBOX_IMAGE, 'sleep', '60']);
    assert.notEqual(taken.code, 0);
    assert.match(taken.stderr, new RegExp(`IP address ${c1.ip.replaceAll('.', '\\.')} already allocated`), taken.stderr);
    await d.docker(['rm', '-f', 'dup']);
    const project = (await api('GET', '/identity/v3/auth/projects')).body.projects.find((x: { name: string }) => x.name === 'admin').id;
    const used = (await ok('GET', `/ports?project_id=${project}`)).ports.length;
    await ok('PUT', `/quotas/${project}`, { quota: { port: used } });
    try {
      const over = await d.docker(['run', '-d', '--name', 'over', '--net', 'kn1', BUSYBOX_IMAGE, 'sleep', '60']);
      assert.notEqual(over.code, 0);
      assert.match(over.stderr, /Quota exceeded for resources: \['port'\]/, over.stderr);
      await d.docker(['rm', '-f', 'over']);
    } finally {
      await ok('PUT', `/quotas/${project}`, { quota: { port: -1 } });
    }
    assert.equal((await kuryrPorts()).length, before, 'no port left behind');
    assert.equal((await d.docker(['network', 'inspect', 'knx'])).code, 1, 'no Docker network either');
  });

  test('a Pier restart with containers running loses at most one reply of a ping every 0.1 s, and duplicates no port', async () => {
    const ports = (await kuryrPorts()).map((x) => x.id).sort();
    const ping = d.docker(['exec', 'c1', 'ping', '-i', '0.1', '-c', '40', '-W', '1', c2.ip]);
    await new Promise((r) => setTimeout(r, 1000));
    await p.restart();
    admin = await tokenFor(p.url, 'admin', ADMIN_PASSWORD, 'admin');
    const out = (await ping).stdout;
    const m = /(\d+) packets transmitted, (\d+) (packets )?received/.exec(out);
    assert.ok(m, out);
    assert.ok(Number(m[1]) - Number(m[2]) <= 1, `lost ${Number(m[1]) - Number(m[2])} of ${m[1]}`);
    assert.deepEqual((await kuryrPorts()).map((x) => x.id).sort(), ports);
    await run('c3', 'kn1');
    assert.ok(await pings('c3', c1.ip), 'a container started after the restart joins in');
  });

  test('a Docker restart: containers that restart come back on their networks, with no port left over', async () => {
    const r1 = await run('r1', 'kn1', ['--restart', 'always']);
    await run('r2', 'kn1', ['--restart', 'always']);
    await d.restart();
    await waitFor('r1 and r2 running', async () => (await d.docker(['ps', '-q', '--filter', 'name=^r[12]$'])).stdout.trim().split('\n').filter(Boolean).length === 2, 30_000);
    const r1now = await inspect('r1', 'kn1');
    assert.notEqual(r1now.endpoint, r1.endpoint, 'a new endpoint (Docker made it anew)');
    await waitFor('r2 reaches r1 again', () => pings('r2', r1now.ip), 15_000);
    const running = (await d.ok(['ps', '-q'])).trim().split('\n').filter(Boolean);
    const endpoints = new Set<string>();
    for (const id of running) {
      for (const n of Object.values(JSON.parse(await d.ok(['inspect', id]))[0].NetworkSettings.Networks) as { EndpointID: string }[]) endpoints.add(n.EndpointID);
    }
    assert.deepEqual(new Set((await kuryrPorts()).map((x) => x.device_id)), endpoints, 'exactly the running endpoints\' ports');
  });

  test('every call answered twice (as Docker retries) gives the same answer and makes nothing twice', async () => {
    const twice = async (method: string, body: unknown) => {
      const [a, b] = [await plugged(method, body), await plugged(method, body)];
      assert.equal(a.status, 200, `${method}: ${JSON.stringify(a.body)}`);
      assert.deepEqual(b, a, `${method} answered the same twice`);
      return a.body;
    };
    const dockerNet = randomUUID().replaceAll('-', '').repeat(2);
    const endpoint = randomUUID().replaceAll('-', '').repeat(2);
    const mac = '02:42:0a:5e:06:0a';
    const { PoolID } = await twice('IpamDriver.RequestPool', { AddressSpace: 'no_address_space', Pool: `10.${o}.6.0/24`, SubPool: '', Options: {}, V6: false });
    const gw = await twice('IpamDriver.RequestAddress', { PoolID, Address: '', Options: { RequestAddressType: 'com.docker.network.gateway' } });
    assert.equal(gw.Address, `10.${o}.6.1/24`);
    await twice('NetworkDriver.CreateNetwork', { NetworkID: dockerNet, Options: { 'com.docker.network.generic': {} }, IPv4Data: [{ AddressSpace: 'no_address_space', Pool: `10.${o}.6.0/24`, Gateway: gw.Address }], IPv6Data: [] });
    const nets = (await ok('GET', `/networks?tags=kuryr.net.uuid.lh:${dockerNet.slice(0, 32)}`)).networks;
    assert.equal(nets.length, 1, 'one network');
    assert.equal(nets[0].subnets.length, 1, 'one subnet');
    const { Address } = await twice('IpamDriver.RequestAddress', { PoolID, Address: '', Options: { 'com.docker.network.endpoint.macaddress': mac } });
    await twice('NetworkDriver.CreateEndpoint', { NetworkID: dockerNet, EndpointID: endpoint, Interface: { Address, AddressIPv6: '', MacAddress: mac }, Options: {} });
    const ports = (await ok('GET', `/ports?network_id=${nets[0].id}&device_owner=compute:kuryr`)).ports;
    assert.deepEqual(ports.map((x: { device_id: string }) => x.device_id), [endpoint], 'one port, bound to the endpoint');
    const join = await twice('NetworkDriver.Join', { NetworkID: dockerNet, EndpointID: endpoint, SandboxKey: '/var/run/docker/netns/none', Options: {} });
    assert.equal((await sh('ip', ['link', 'show', join.InterfaceName.SrcName])).code, 0, 'the handed-off end waits on the host');
    await waitFor('port ACTIVE', async () => (await ok('GET', `/ports/${ports[0].id}`)).port.status === 'ACTIVE');
    for (const [method, body] of [
      ['NetworkDriver.Leave', { NetworkID: dockerNet, EndpointID: endpoint }], ['NetworkDriver.DeleteEndpoint', { NetworkID: dockerNet, EndpointID: endpoint }],
      ['IpamDriver.ReleaseAddress', { PoolID, Address: Address.split('/')[0] }], ['IpamDriver.ReleaseAddress', { PoolID, Address: gw.Address.split('/')[0] }],
      ['IpamDriver.ReleasePool', { PoolID }], ['NetworkDriver.DeleteNetwork', { NetworkID: dockerNet }],
    ] as const) await twice(method, body);
    assert.notEqual((await sh('ip', ['link', 'show', join.InterfaceName.SrcName])).code, 0, 'the handed-off end is gone');
    assert.deepEqual((await ok('GET', `/networks?tags=kuryr.net.uuid.lh:${dockerNet.slice(0, 32)}`)).networks, [], 'the network is gone');
    assert.deepEqual((await ok('GET', `/subnetpools?name=kuryrPool-10.${o}.6.0/24`)).subnetpools, [], 'the pool is gone');
    const unknown = await plugged('NetworkDriver.NoSuchCall', {});
    assert.equal(unknown.status, 404);
    const bad = await plugged('IpamDriver.RequestAddress', { PoolID: 'nonsense', Address: '', Options: {} });
    assert.equal(bad.status, 500);
    assert.match(bad.body.Err, /not one of Kuryr's/);
  });

  test('docker run while Pier is down: Docker retries, the container starts once Pier is back, with one port', async () => {
    await p.stop();
    const started = d.docker(['run', '-d', '--name', 'patient', '--net', 'kn1', BUSYBOX_IMAGE, 'sleep', '3600']);
    await new Promise((r) => setTimeout(r, 2000));
    await p.restart();
    admin = await tokenFor(p.url, 'admin', ADMIN_PASSWORD, 'admin');
    const r = await started;
    assert.equal(r.code, 0, r.stderr);
    const patient = await inspect('patient', 'kn1');
    const ports = (await ok('GET', `/ports?device_id=${patient.endpoint}`)).ports;
    assert.equal(ports.length, 1);
    // Docker's restart stopped every container but r1 and r2 (--restart always).
    const r1 = await inspect('r1', 'kn1');
    await waitFor('the patient container pings', () => pings('patient', r1.ip), 10_000).catch(async (err: Error) => {
      const seen = [JSON.stringify(await ok('GET', `/ports/${ports[0].id}`)), (await exec('patient', 'ip', 'addr')).stdout, (await exec('patient', 'ip', 'route')).stdout, (await sh('ip', ['-n', `${prefix}-dp`, '-br', 'link'])).stdout];
      throw new Error(`${err.message}\n${seen.join('\n')}`);
    });
  });

  test('docker rm frees the ports; docker network rm removes what Pier made; no host link is left', async () => {
    const hostEnds = (await kuryrPorts()).map((x) => `kd${x.id.replaceAll('-', '').slice(0, 11)}`);
    const all = (await d.ok(['ps', '-aq'])).trim().split('\n').filter(Boolean);
    await d.ok(['rm', '-f', ...all]);
    assert.deepEqual(await kuryrPorts(), [], 'no Kuryr port');
    // Docker removes its network even when Neutron refuses (it only logs a driver error): what else uses the network goes first.
    for (const id of servers.splice(0)) {
      await api('DELETE', `/compute/v2.1/servers/${id}`);
      await waitFor('server gone', async () => (await api('GET', `/compute/v2.1/servers/${id}`)).status === 404, 30_000);
    }
    for (const r of (await ok('GET', '/routers')).routers) await ok('PUT', `/routers/${r.id}/remove_router_interface`, { subnet_id: net1.subnets[0] });
    for (const n of ['kn1', 'kn6', 'kni']) await d.ok(['network', 'rm', n]);
    const left = (await ok('GET', '/networks')).networks.filter((n: { name: string }) => n.name.startsWith('kuryr-net-'));
    assert.deepEqual(left, [], 'no network Pier made');
    assert.deepEqual((await ok('GET', '/subnetpools')).subnetpools.filter((x: { name: string }) => x.name.startsWith('kuryrPool-')), [], 'no pool Pier made');
    const links = JSON.parse((await sh('ip', ['-j', 'link', 'show'])).stdout) as { ifname: string }[];
    assert.deepEqual(links.filter((l) => hostEnds.includes(l.ifname)), [], 'no handed-off end on the host');
  });
});
}
