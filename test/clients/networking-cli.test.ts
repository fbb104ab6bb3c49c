// The Debian `openstack` CLI (python3-openstackclient 6.0) against `pier up`, unmodified, for the
// Networking (Neutron v2.0) API, on the embedded store and on PostgreSQL: create / list / show /
// set / unset / delete of networks (provider flat, vlan, vxlan; --external, --share), subnets (v4,
// v6 SLAAC, pools, gateway none, host routes, DNS, from a subnet pool), address scopes, subnet
// pools, ports (fixed IPs, MAC, allowed address pairs, port security), security groups and rules,
// routers (gateway, interfaces, extra routes), floating IPs, network RBAC, network quotas, tags on
// every taggable resource, and the errors the CLI shows — Neutron's own messages — including what
// a member of another project may not see or do. Expected values are real Neutron's (Zed).
//
// Independent checks run concurrently through `soft(...)`: a failed one is reported at the end of
// its test with every other failure, instead of stopping the test, so one wrong answer does not
// hide the rest. Steps that later steps depend on (creating things) assert hard.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testStores } from '../support/pier.js';
import { openstack, openstackJson, openstackOk, startPierProcess, type CliResult, type PierProcess } from '../support/process.js';

const sorted = <T>(xs: readonly T[]): T[] => [...xs].sort();
const byKey = (key: string) => (a: any, b: any) => String(a[key]).localeCompare(String(b[key]));
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The SLAAC (EUI-64) address of `mac` in the /64 written as `prefix` ("fd00:5::"). */
function eui64(prefix: string, mac: string): string {
  const b = mac.split(':').map((h) => parseInt(h, 16));
  const bytes = [b[0]! ^ 0x02, b[1]!, b[2]!, 0xff, 0xfe, b[3]!, b[4]!, b[5]!];
  return prefix + [0, 2, 4, 6].map((i) => ((bytes[i]! << 8) | bytes[i + 1]!).toString(16)).join(':');
}

type Check = Promise<unknown> | (() => unknown);
type Soft = (...checks: Check[]) => Promise<void>;

/** A test body given `soft`: its checks (promises, or functions to call) run concurrently; failures
 * are collected and fail the test at its end, all of them in one message. */
function softly(body: (soft: Soft) => Promise<void>): () => Promise<void> {
  return async () => {
    const failures: string[] = [];
    const soft: Soft = async (...checks) => {
      const settled = await Promise.allSettled(checks.map((c) => (typeof c === 'function' ? Promise.resolve().then(c) : c)));
      for (const r of settled) if (r.status === 'rejected') failures.push(messageOf(r.reason));
    };
    try {
      await body(soft);
    } catch (err) {
      failures.push(`(stopped here) ${messageOf(err)}`);
    }
    if (failures.length) assert.fail(`${failures.length} failure(s):\n- ${failures.join('\n- ')}`);
  };
}

// One store is enough here: every API behaviour is tested on both stores in test/api, and each
// CLI call costs seconds. (testStores() still insists on PostgreSQL being there under CI.)
for (const store of testStores().slice(0, 1)) describe(`openstack CLI, networking, on ${store}`, () => {
  let p: PierProcess;
  let adminProject: string;
  let demoProject: string;
  before(async () => {
    p = await startPierProcess(store);
    [adminProject, demoProject] = await Promise.all(['admin', 'demo'].map(async (n) => (await openstackJson(p, ['project', 'show', n])).id as string));
  });
  after(() => p.cleanup());

  // Every call is the real CLI; `cloud` is 'pier' (admin) or 'pier-demo' (the demo project's member).
  const json = <T = any>(args: string[], cloud = 'pier', env: Record<string, string> = {}) => openstackJson<T>(p, args, cloud, env);
  /** A command that must succeed (set / unset / add / remove / delete print nothing). */
  const ok = (args: string[], cloud = 'pier', env: Record<string, string> = {}): Promise<CliResult> => openstackOk(p, args, cloud, env);
  /** A command that must fail, showing `message`. */
  const fails = async (args: string[], message: RegExp, cloud = 'pier', env: Record<string, string> = {}): Promise<void> => {
    const r = await openstack(p, args, cloud, env);
    assert.notEqual(r.code, 0, `openstack ${args.join(' ')} should have failed (${message}), but succeeded`);
    assert.match(r.stderr, message, `openstack ${args.join(' ')}: expected ${message}, got: ${r.stderr.trim()}`);
  };
  const show = (resource: string, id: string, cloud = 'pier') => json([...resource.split(' '), 'show', id], cloud);
  const ids = (rows: any[]) => sorted(rows.map((r) => r.ID as string));
  const listIds = async (args: string[], cloud = 'pier') => ids(await json<any[]>(args, cloud));
  const notFound = (kind: string, what: string) => new RegExp(`No ${kind} found for ${what}`);
  const re = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  test('network: flat / vlan / vxlan as admin, --external, --share, set / unset, tags, what a member sees', softly(async (soft) => {
    const [flat, vlan, vxlan, plain] = await Promise.all([
      json(['network', 'create', '--provider-network-type', 'flat', '--provider-physical-network', 'public', '--no-tag', 'net-flat']),
      json(['network', 'create', '--provider-network-type', 'vlan', '--provider-physical-network', 'physnet1', '--provider-segment', '120', '--share', 'net-vlan']),
      json(['network', 'create', '--provider-network-type', 'vxlan', '--provider-segment', '4242', '--external', '--tag', 'edge', 'net-vxlan']),
      json(['network', 'create', '--description', 'plain one', '--tag', 'red', '--tag', 'blue', 'net-plain']),
    ]);
    const provider = (n: any) => [n['provider:network_type'], n['provider:physical_network'], n['provider:segmentation_id'], n.mtu];
    const mine = new Set([flat.id, vlan.id, vxlan.id, plain.id]);
    const ours = async (args: string[], cloud = 'pier') => (await listIds(args, cloud)).filter((id) => mine.has(id));
    await soft(
      () => assert.deepEqual(provider(flat), ['flat', 'public', null, 1500]),
      () => assert.deepEqual(provider(vlan), ['vlan', 'physnet1', 120, 1500]),
      () => assert.deepEqual(provider(vxlan), ['vxlan', null, 4242, 1450]),
      () => assert.deepEqual([plain['provider:network_type'], plain.mtu], ['vxlan', 1450]),
      () => assert.ok(Number.isInteger(plain['provider:segmentation_id']) && plain['provider:segmentation_id'] !== 4242),
      () => assert.deepEqual([vlan.shared, vlan['router:external'], vxlan.shared, vxlan['router:external']], [true, false, false, true]),
      () => assert.deepEqual([plain.shared, plain['router:external'], plain.admin_state_up, plain.status], [false, false, true, 'ACTIVE']),
      () => assert.deepEqual([plain.description, plain.project_id, plain.subnets], ['plain one', adminProject, []]),
      () => assert.deepEqual([flat.tags, vxlan.tags, sorted(plain.tags)], [[], ['edge'], ['blue', 'red']]),
      fails(['network', 'create', '--provider-network-type', 'vlan', '--provider-physical-network', 'physnet1', '--provider-segment', '120', 'dup-vlan'],
        /Unable to create the network\. The VLAN 120 on physical network physnet1 is in use\./),
      fails(['network', 'create', '--provider-network-type', 'vxlan', '--provider-segment', '4242', 'dup-vxlan'],
        /Unable to create the network\. The tunnel ID 4242 is in use\./),
      async () => assert.deepEqual(await ours(['network', 'list', '--external']), [vxlan.id]),
      async () => assert.deepEqual(await ours(['network', 'list', '--share']), [vlan.id]),
      async () => assert.deepEqual(await ours(['network', 'list', '--tags', 'blue']), [plain.id]),
      async () => {
        const row = (await json<any[]>(['network', 'list', '--long'])).find((r) => r.ID === flat.id);
        assert.deepEqual([row.Name, row['Network Type'], row.Shared, row.State, row.Project], ['net-flat', 'flat', false, true, adminProject]);
      },
      // A member sees shared and external networks, never another project's private one.
      async () => assert.deepEqual(await ours(['network', 'list'], 'pier-demo'), sorted([vlan.id, vxlan.id])),
      fails(['network', 'show', plain.id], notFound('Network', plain.id), 'pier-demo'),
      fails(['network', 'create', '--provider-network-type', 'vlan', 'member-vlan'], /\(rule:create_network:provider:network_type\) is disallowed by policy/, 'pier-demo'),
      fails(['network', 'delete', 'net-vlan'], /\(rule:delete_network\) is disallowed by policy/, 'pier-demo'),
    );

    await ok(['network', 'set', '--name', 'net-plain2', '--description', 'changed', '--mtu', '1400', '--disable', '--share', '--external',
      '--no-tag', '--tag', 'green', 'net-plain']);
    const s = await show('network', plain.id);
    await soft(() => assert.deepEqual([s.name, s.description, s.mtu, s.admin_state_up, s.shared, s['router:external'], s.tags],
      ['net-plain2', 'changed', 1400, false, true, true, ['green']]));
    await ok(['network', 'unset', '--tag', 'green', 'net-plain2']);
    await ok(['network', 'set', '--no-share', '--internal', '--enable', 'net-plain2']);
    const s2 = await show('network', plain.id);
    await soft(() => assert.deepEqual([s2.admin_state_up, s2.shared, s2['router:external'], s2.tags], [true, false, false, []]));

    await ok(['network', 'delete', 'net-flat', 'net-vlan', 'net-vxlan', 'net-plain2']);
    assert.deepEqual(await ours(['network', 'list']), []);
  }));

  test('subnet: v4 with pools, DNS, host routes; v6 SLAAC with --gateway none; set / unset; in use', softly(async (soft) => {
    const net = await json(['network', 'create', 'subnets-net']);
    const [v4, v6] = await Promise.all([
      json(['subnet', 'create', '--network', 'subnets-net', '--subnet-range', '10.1.0.0/24', '--allocation-pool', 'start=10.1.0.10,end=10.1.0.20',
        '--dns-nameserver', '8.8.8.8', '--host-route', 'destination=10.2.0.0/16,gateway=10.1.0.254', '--tag', 't1', 'sub-v4']),
      json(['subnet', 'create', '--network', 'subnets-net', '--ip-version', '6', '--subnet-range', 'fd00:5::/64',
        '--ipv6-ra-mode', 'slaac', '--ipv6-address-mode', 'slaac', '--gateway', 'none', '--no-tag', 'sub-v6']),
    ]);
    let port: any;
    await soft(
      () => assert.deepEqual([v4.network_id, v4.ip_version, v4.cidr, v4.gateway_ip, v4.enable_dhcp], [net.id, 4, '10.1.0.0/24', '10.1.0.1', true]),
      () => assert.deepEqual(v4.allocation_pools, [{ start: '10.1.0.10', end: '10.1.0.20' }]),
      () => assert.deepEqual([v4.dns_nameservers, v4.host_routes, v4.tags], [['8.8.8.8'], [{ destination: '10.2.0.0/16', nexthop: '10.1.0.254' }], ['t1']]),
      () => assert.deepEqual([v6.ip_version, v6.cidr, v6.gateway_ip, v6.ipv6_ra_mode, v6.ipv6_address_mode, v6.tags], [6, 'fd00:5::/64', null, 'slaac', 'slaac', []]),
      () => assert.deepEqual(v6.allocation_pools, [{ start: 'fd00:5::1', end: 'fd00:5::ffff:ffff:ffff:ffff' }]),
      fails(['subnet', 'create', '--network', 'subnets-net', '--subnet-range', '10.1.0.128/25', 'overlapping'],
        new RegExp(`Requested subnet with cidr: 10\\.1\\.0\\.128/25 for network: ${net.id} overlaps with another subnet\\.`)),
      async () => assert.deepEqual(await listIds(['subnet', 'list', '--network', 'subnets-net']), sorted([v4.id, v6.id])),
      async () => assert.deepEqual(await listIds(['subnet', 'list', '--tags', 't1']), [v4.id]),
      async () => {
        const row = (await json<any[]>(['subnet', 'list', '--long'])).find((r) => r.ID === v6.id);
        assert.deepEqual([row.Name, row.Subnet, row['IP Version'], row.Gateway], ['sub-v6', 'fd00:5::/64', 6, null]);
      },
      fails(['subnet', 'show', v4.id], notFound('Subnet', v4.id), 'pier-demo'),
      // A port gets an address from the v4 pool, and on the SLAAC subnet the EUI-64 address of its MAC.
      async () => {
        port = await json(['port', 'create', '--network', 'subnets-net', 'subnets-port']);
        const v4ip = port.fixed_ips.find((f: any) => f.subnet_id === v4.id)?.ip_address as string | undefined;
        const last = Number(v4ip?.split('.')[3]);
        assert.ok(v4ip?.startsWith('10.1.0.') && last >= 10 && last <= 20, `v4 address ${v4ip} is outside the pool`);
        assert.deepEqual(port.fixed_ips.find((f: any) => f.subnet_id === v6.id), { subnet_id: v6.id, ip_address: eui64('fd00:5::', port.mac_address) });
      },
    );

    await ok(['subnet', 'set', '--name', 'sub-v4b', '--dns-nameserver', '1.1.1.1', '--host-route', 'destination=10.3.0.0/16,gateway=10.1.0.253',
      '--allocation-pool', 'start=10.1.0.30,end=10.1.0.40', '--gateway', '10.1.0.2', '--no-dhcp', '--tag', 't2', 'sub-v4']);
    const s = await show('subnet', v4.id);
    await soft(
      () => assert.deepEqual([s.name, s.gateway_ip, s.enable_dhcp, sorted(s.tags)], ['sub-v4b', '10.1.0.2', false, ['t1', 't2']]),
      () => assert.deepEqual(s.dns_nameservers, ['1.1.1.1', '8.8.8.8']),
      () => assert.deepEqual([...s.allocation_pools].sort(byKey('start')), [{ start: '10.1.0.10', end: '10.1.0.20' }, { start: '10.1.0.30', end: '10.1.0.40' }]),
      () => assert.deepEqual([...s.host_routes].sort(byKey('destination')),
        [{ destination: '10.2.0.0/16', nexthop: '10.1.0.254' }, { destination: '10.3.0.0/16', nexthop: '10.1.0.253' }]),
    );
    await ok(['subnet', 'unset', '--dns-nameserver', '8.8.8.8', '--host-route', 'destination=10.2.0.0/16,gateway=10.1.0.254',
      '--allocation-pool', 'start=10.1.0.10,end=10.1.0.20', '--tag', 't1', 'sub-v4b']);
    const u = await show('subnet', v4.id);
    await soft(() => assert.deepEqual([u.dns_nameservers, u.allocation_pools, u.host_routes, u.tags],
      [['1.1.1.1'], [{ start: '10.1.0.30', end: '10.1.0.40' }], [{ destination: '10.3.0.0/16', nexthop: '10.1.0.253' }], ['t2']]));
    await ok(['subnet', 'set', '--gateway', 'none', '--no-dns-nameservers', '--no-host-route', '--no-tag', 'sub-v4b']);
    const n = await show('subnet', v4.id);
    await soft(
      () => assert.deepEqual([n.gateway_ip, n.dns_nameservers, n.host_routes, n.tags], [null, [], [], []]),
      fails(['subnet', 'delete', 'sub-v4b'], new RegExp(`Unable to complete operation on subnet ${v4.id}: One or more ports have an IP allocation from this subnet\\.`)),
    );

    if (port) await ok(['port', 'delete', port.id]);
    await ok(['subnet', 'delete', 'sub-v4b', 'sub-v6']);
    assert.deepEqual(await json(['subnet', 'list', '--network', 'subnets-net']), []);
  }));

  test('address scope and subnet pool: create, subnets from the pool, set / unset, in use', softly(async (soft) => {
    const scope = await json(['address', 'scope', 'create', '--ip-version', '4', '--share', 'scope-a']);
    const [pool, net] = await Promise.all([
      json(['subnet', 'pool', 'create', '--pool-prefix', '10.100.0.0/16', '--default-prefix-length', '26', '--min-prefix-length', '24',
        '--max-prefix-length', '28', '--address-scope', 'scope-a', '--description', 'pool desc', '--tag', 'p1', 'pool-a']),
      json(['network', 'create', 'pool-net']),
    ]);
    const s1 = await json(['subnet', 'create', '--network', 'pool-net', '--subnet-pool', 'pool-a', 'pool-sub-1']);
    const s2 = await json(['subnet', 'create', '--network', 'pool-net', '--subnet-pool', 'pool-a', '--prefix-length', '27', 'pool-sub-2']);
    await soft(
      () => assert.deepEqual([scope.name, scope.ip_version, scope.shared, scope.project_id], ['scope-a', 4, true, adminProject]),
      () => assert.deepEqual([pool.address_scope_id, pool.prefixes, pool.default_prefixlen, pool.min_prefixlen, pool.max_prefixlen],
        [scope.id, ['10.100.0.0/16'], 26, 24, 28]),
      () => assert.deepEqual([pool.ip_version, pool.is_default, pool.shared, pool.description, pool.tags], [4, false, false, 'pool desc', ['p1']]),
      () => assert.deepEqual([s1.cidr, s1.gateway_ip, s1.subnetpool_id, s1.allocation_pools], ['10.100.0.0/26', '10.100.0.1', pool.id, [{ start: '10.100.0.2', end: '10.100.0.62' }]]),
      () => assert.deepEqual([s2.cidr, s2.subnetpool_id], ['10.100.0.64/27', pool.id]),
      async () => assert.equal((await show('network', net.id)).ipv4_address_scope, scope.id),
      fails(['subnet', 'create', '--network', 'pool-net', '--subnet-pool', 'pool-a', '--prefix-length', '30', 'too-small'],
        /Unable to allocate subnet with prefix length 30, maximum allowed prefix is 28\./),
      fails(['subnet', 'create', '--network', 'pool-net', '--subnet-range', '10.7.0.0/24', 'not-from-pool'],
        /Subnets hosted on the same network must be allocated from the same subnet pool\./),
      fails(['subnet', 'pool', 'delete', 'pool-a'], /Unable to delete subnet pool: Subnet pool has existing allocations\./),
      fails(['address', 'scope', 'delete', 'scope-a'],
        new RegExp(`Unable to complete operation on address scope ${scope.id}\\. There are one or more subnet pools in use on the address scope\\.`)),
      fails(['address', 'scope', 'set', '--no-share', 'scope-a'], new RegExp(`Unable to update address scope ${scope.id} : Shared address scope can't be unshared\\.`)),
      async () => {
        const row = (await json<any[]>(['subnet', 'pool', 'list', '--long'])).find((r) => r.ID === pool.id);
        assert.deepEqual([row.Name, row.Prefixes, row['Default Prefix Length'], row['Address Scope'], row['Default Subnet Pool'], row.Tags],
          ['pool-a', ['10.100.0.0/16'], 26, scope.id, false, ['p1']]);
      },
      async () => {
        const row = (await json<any[]>(['address', 'scope', 'list'])).find((r) => r.ID === scope.id);
        assert.deepEqual([row.Name, row['IP Version'], row.Shared, row.Project], ['scope-a', 4, true, adminProject]);
      },
      fails(['subnet', 'pool', 'show', pool.id], notFound('SubnetPool', pool.id), 'pier-demo'),
    );

    await ok(['subnet', 'pool', 'set', '--name', 'pool-b', '--pool-prefix', '10.101.0.0/16', '--default-prefix-length', '25', '--no-address-scope',
      '--default', '--description', 'renamed', '--tag', 'p2', 'pool-a']);
    const sp = await show('subnet pool', pool.id);
    await soft(
      // Neutron keeps a pool's prefixes merged: 10.100.0.0/16 + 10.101.0.0/16 = 10.100.0.0/15.
      () => assert.deepEqual(sp.prefixes, ['10.100.0.0/15']),
      () => assert.deepEqual([sp.name, sp.default_prefixlen, sp.address_scope_id, sp.is_default, sp.description, sorted(sp.tags)],
        ['pool-b', 25, null, true, 'renamed', ['p1', 'p2']]),
    );
    await Promise.all([ok(['subnet', 'pool', 'unset', '--tag', 'p1', 'pool-b']), ok(['address', 'scope', 'set', '--name', 'scope-b', 'scope-a'])]);
    const [sp2, as] = await Promise.all([show('subnet pool', pool.id), show('address scope', scope.id)]);
    await soft(() => assert.deepEqual([sp2.tags, as.name, as.shared], [['p2'], 'scope-b', true]));

    await ok(['subnet', 'delete', 'pool-sub-1', 'pool-sub-2']);
    await ok(['subnet', 'pool', 'delete', 'pool-b']);
    await ok(['address', 'scope', 'delete', 'scope-b']);
    await soft(
      fails(['subnet', 'pool', 'show', pool.id], notFound('SubnetPool', pool.id)),
      async () => assert.ok(!(await listIds(['address', 'scope', 'list'])).includes(scope.id)),
    );
  }));

  test('port: --fixed-ip, --mac-address, --allowed-address, --no-security-group, --disable-port-security; set / unset', softly(async (soft) => {
    const net = await json(['network', 'create', 'port-net']);
    const [sub, sg, groups] = await Promise.all([
      json(['subnet', 'create', '--network', 'port-net', '--subnet-range', '192.168.5.0/24', 'port-sub']),
      json(['security', 'group', 'create', 'port-sg']),
      json<any[]>(['security', 'group', 'list', '--project', adminProject]),
    ]);
    const defaultSg = groups.find((g) => g.Name === 'default');
    assert.ok(defaultSg, 'the admin project has its default security group');

    const [a, b, c] = await Promise.all([
      json(['port', 'create', '--network', 'port-net', '--fixed-ip', 'subnet=port-sub,ip-address=192.168.5.50', '--mac-address', 'fa:16:3e:00:00:01',
        '--allowed-address', 'ip-address=192.168.5.200,mac-address=fa:16:3e:00:00:99', '--security-group', 'port-sg', '--tag', 'x1', 'port-a']),
      json(['port', 'create', '--network', 'port-net', '--no-security-group', '--disable-port-security', '--no-tag', 'port-b']),
      json(['port', 'create', '--network', 'port-net', 'port-c']),
    ]);
    await soft(
      () => assert.deepEqual(a.fixed_ips, [{ subnet_id: sub.id, ip_address: '192.168.5.50' }]),
      () => assert.deepEqual([a.mac_address, a.allowed_address_pairs], ['fa:16:3e:00:00:01', [{ ip_address: '192.168.5.200', mac_address: 'fa:16:3e:00:00:99' }]]),
      () => assert.deepEqual([a.security_group_ids, a.port_security_enabled, a.tags], [[sg.id], true, ['x1']]),
      () => assert.deepEqual([a.network_id, a.status, a.device_owner, a.admin_state_up, a.project_id], [net.id, 'DOWN', '', true, adminProject]),
      () => assert.deepEqual([b.security_group_ids, b.port_security_enabled, b.tags, b.fixed_ips.length], [[], false, [], 1]),
      () => assert.match(b.mac_address, /^fa:16:3e(:[0-9a-f]{2}){3}$/),
      () => assert.match(b.fixed_ips[0].ip_address, /^192\.168\.5\.([2-9]|[1-9]\d|1\d\d|2[0-4]\d|25[0-4])$/),
      () => assert.notEqual(b.fixed_ips[0].ip_address, '192.168.5.50'),
      () => assert.deepEqual(c.security_group_ids, [defaultSg.ID]),
      fails(['port', 'create', '--network', 'port-net', '--fixed-ip', 'ip-address=192.168.5.50', 'dup-ip'],
        new RegExp(`IP address 192\\.168\\.5\\.50 already allocated in subnet ${sub.id}`)),
      fails(['port', 'create', '--network', 'port-net', '--mac-address', 'fa:16:3e:00:00:01', 'dup-mac'],
        new RegExp(`Unable to complete operation for network ${net.id}\\. The mac address fa:16:3e:00:00:01 is in use\\.`)),
      fails(['port', 'create', '--network', 'port-net', '--fixed-ip', 'ip-address=10.9.9.9', 'foreign-ip'],
        /IP address 10\.9\.9\.9 is not a valid IP for any of the subnets on the specified network\./),
      async () => assert.deepEqual(await listIds(['port', 'list', '--network', 'port-net']), sorted([a.id, b.id, c.id])),
      async () => assert.deepEqual(await listIds(['port', 'list', '--tags', 'x1']), [a.id]),
      fails(['port', 'show', a.id], notFound('Port', a.id), 'pier-demo'),
      fails(['security', 'group', 'delete', 'port-sg'], new RegExp(`Security Group ${sg.id} in use\\.`)),
      fails(['network', 'delete', 'port-net'],
        new RegExp(`Unable to complete operation on network ${net.id}\\. There are one or more ports still in use on the network`)),
    );

    await ok(['port', 'set', '--name', 'port-a2', '--description', 'edited', '--fixed-ip', 'subnet=port-sub,ip-address=192.168.5.51',
      '--allowed-address', 'ip-address=10.9.9.9', '--no-tag', '--tag', 'x2', 'port-a']);
    const s = await show('port', a.id);
    await soft(
      () => assert.deepEqual([s.name, s.description, s.tags], ['port-a2', 'edited', ['x2']]),
      () => assert.deepEqual([...s.fixed_ips].sort(byKey('ip_address')),
        [{ subnet_id: sub.id, ip_address: '192.168.5.50' }, { subnet_id: sub.id, ip_address: '192.168.5.51' }]),
      // An allowed address given without a MAC gets the port's own.
      () => assert.deepEqual([...s.allowed_address_pairs].sort(byKey('ip_address')),
        [{ ip_address: '10.9.9.9', mac_address: 'fa:16:3e:00:00:01' }, { ip_address: '192.168.5.200', mac_address: 'fa:16:3e:00:00:99' }]),
      fails(['port', 'set', '--disable-port-security', 'port-a2'], /Port Security must be enabled in order to have allowed address pairs on a port\./),
    );

    await ok(['port', 'unset', '--fixed-ip', 'subnet=port-sub,ip-address=192.168.5.50', '--allowed-address', 'ip-address=192.168.5.200,mac-address=fa:16:3e:00:00:99',
      '--security-group', 'port-sg', '--tag', 'x2', 'port-a2']);
    const u = await show('port', a.id);
    await soft(
      () => assert.deepEqual(u.fixed_ips, [{ subnet_id: sub.id, ip_address: '192.168.5.51' }]),
      () => assert.deepEqual([u.allowed_address_pairs, u.security_group_ids, u.tags], [[{ ip_address: '10.9.9.9', mac_address: 'fa:16:3e:00:00:01' }], [], []]),
    );
    await ok(['port', 'set', '--no-allowed-address', '--disable-port-security', '--mac-address', 'fa:16:3e:00:00:02', 'port-a2']);
    const d = await show('port', a.id);
    await soft(() => assert.deepEqual([d.allowed_address_pairs, d.port_security_enabled, d.mac_address], [[], false, 'fa:16:3e:00:00:02']));

    await ok(['port', 'delete', 'port-a2', 'port-b', 'port-c']);
    assert.deepEqual(await json(['port', 'list', '--network', 'port-net']), []);
  }));

  test('security group and rules: protocol by name and number, port ranges, remote ip / group, duplicates', softly(async (soft) => {
    const [sg, peer] = await Promise.all([
      json(['security', 'group', 'create', '--description', 'web', '--tag', 's1', 'sg-web']),
      json(['security', 'group', 'create', '--no-tag', 'sg-peer']),
    ]);
    const rule = (...args: string[]) => json(['security', 'group', 'rule', 'create', ...args, 'sg-web']);
    const [tcp, udp, icmp, icmp6, six] = await Promise.all([
      rule('--protocol', 'tcp', '--dst-port', '80:81', '--remote-ip', '10.0.0.0/8'),
      rule('--protocol', '17', '--dst-port', '53', '--remote-group', 'sg-peer'),
      rule('--protocol', 'icmp', '--icmp-type', '8', '--icmp-code', '0', '--egress'),
      rule('--protocol', 'ipv6-icmp', '--ethertype', 'IPv6'),
      rule('--protocol', '6', '--dst-port', '443', '--description', 'https'),
    ]);
    const shape = (r: any) => [r.direction, r.ether_type ?? r.ethertype, r.protocol, r.port_range_min, r.port_range_max, r.remote_ip_prefix, r.remote_group_id];
    await soft(
      () => assert.deepEqual([sg.name, sg.description, sg.stateful, sg.tags, sg.project_id, peer.tags], ['sg-web', 'web', true, ['s1'], adminProject, []]),
      () => assert.deepEqual(sg.rules.map(shape).sort(), [['egress', 'IPv4', null, null, null, null, null], ['egress', 'IPv6', null, null, null, null, null]]),
      () => assert.deepEqual(shape(tcp), ['ingress', 'IPv4', 'tcp', 80, 81, '10.0.0.0/8', null]),
      () => assert.deepEqual(shape(udp), ['ingress', 'IPv4', '17', 53, 53, null, peer.id]),
      // Without --remote-ip or --remote-group the CLI sends the whole address family.
      () => assert.deepEqual(shape(icmp), ['egress', 'IPv4', 'icmp', 8, 0, '0.0.0.0/0', null]),
      () => assert.deepEqual(shape(icmp6), ['ingress', 'IPv6', 'ipv6-icmp', null, null, '::/0', null]),
      () => assert.deepEqual(shape(six), ['ingress', 'IPv4', '6', 443, 443, '0.0.0.0/0', null]),
      () => assert.deepEqual([six.description, tcp.description, tcp.security_group_id], ['https', '', sg.id]),
      fails(['security', 'group', 'rule', 'create', '--protocol', 'tcp', '--dst-port', '80:81', '--remote-ip', '10.0.0.0/8', 'sg-web'],
        new RegExp(`Security group rule already exists\\. Rule id is ${tcp.id}\\.`)),
      // 6 is tcp: the same rule again, by number.
      fails(['security', 'group', 'rule', 'create', '--protocol', '6', '--dst-port', '80:81', '--remote-ip', '10.0.0.0/8', 'sg-web'],
        new RegExp(`Security group rule already exists\\. Rule id is ${tcp.id}\\.`)),
      fails(['security', 'group', 'rule', 'create', '--remote-ip', '10.0.0.0/8', '--ethertype', 'IPv6', 'sg-web'], /Conflicting value ethertype IPv6 for CIDR 10\.0\.0\.0\/8/),
      async () => {
        const rows = await json<any[]>(['security', 'group', 'rule', 'list', 'sg-web']);
        for (const r of [tcp, udp, icmp, icmp6, six, ...sg.rules]) assert.ok(rows.some((x) => x.ID === r.id), `rule ${r.id} listed`);
        const t = rows.find((r) => r.ID === tcp.id);
        assert.deepEqual([t['IP Protocol'], t['IP Range'], t['Port Range'], t.Direction], ['tcp', '10.0.0.0/8', '80:81', 'ingress']);
        assert.equal(rows.find((r) => r.ID === udp.id)['Remote Security Group'], peer.id);
      },
      // `rule show` displays an empty remote prefix as the whole address family.
      async () => assert.deepEqual(shape(await show('security group rule', udp.id)), ['ingress', 'IPv4', '17', 53, 53, '0.0.0.0/0', peer.id]),
      async () => {
        const row = (await json<any[]>(['security', 'group', 'list'])).find((r) => r.ID === sg.id);
        assert.deepEqual([row.Name, row.Description, row.Project, row.Tags], ['sg-web', 'web', adminProject, ['s1']]);
      },
      fails(['security', 'group', 'show', sg.id], notFound('SecurityGroup', sg.id), 'pier-demo'),
    );

    await ok(['security', 'group', 'set', '--name', 'sg-web2', '--description', 'www', '--stateless', '--no-tag', '--tag', 's2', 'sg-web']);
    const s = await show('security group', sg.id);
    await soft(() => assert.deepEqual([s.name, s.description, s.stateful, s.tags], ['sg-web2', 'www', false, ['s2']]));
    await Promise.all([ok(['security', 'group', 'unset', '--tag', 's2', 'sg-web2']), ok(['security', 'group', 'rule', 'delete', tcp.id])]);
    const u = await show('security group', sg.id);
    await soft(() => assert.deepEqual([u.tags, u.rules.some((r: any) => r.id === tcp.id)], [[], false]));
    // Deleting a group also deletes the rules that name it as their remote group.
    await ok(['security', 'group', 'delete', 'sg-peer']);
    await soft(async () => assert.ok(!(await listIds(['security', 'group', 'rule', 'list', 'sg-web2'])).includes(udp.id)));
    await ok(['security', 'group', 'delete', 'sg-web2']);
    await fails(['security', 'group', 'show', sg.id], notFound('SecurityGroup', sg.id));
  }));

  test('router: --external-gateway, add subnet / port, --route, set / unset, remove, in use', softly(async (soft) => {
    const [ext, inner, router] = await Promise.all([
      json(['network', 'create', '--external', 'router-ext']),
      json(['network', 'create', 'router-inner']),
      json(['router', 'create', '--description', 'edge router', '--tag', 'r1', 'router-a']),
    ]);
    const [extSub, sub1, sub2] = await Promise.all([
      json(['subnet', 'create', '--network', 'router-ext', '--subnet-range', '203.0.113.0/24', '--no-dhcp', 'router-ext-sub']),
      json(['subnet', 'create', '--network', 'router-inner', '--subnet-range', '192.168.10.0/24', 'router-sub-1']),
      json(['subnet', 'create', '--network', 'router-inner', '--subnet-range', '192.168.11.0/24', 'router-sub-2']),
    ]);
    const [, ifPort] = await Promise.all([
      (async () => {
        await ok(['router', 'set', '--external-gateway', 'router-ext', 'router-a']);
        await ok(['router', 'add', 'subnet', 'router-a', 'router-sub-1']);
      })(),
      json(['port', 'create', '--network', 'router-inner', '--fixed-ip', 'subnet=router-sub-2,ip-address=192.168.11.5', 'router-if-port']),
    ]);
    await ok(['router', 'add', 'port', 'router-a', 'router-if-port']);
    await ok(['router', 'set', '--route', 'destination=10.50.0.0/16,gateway=192.168.10.99', 'router-a']);
    const r = await show('router', router.id);
    const gw = r.external_gateway_info;
    await soft(
      () => assert.deepEqual([router.name, router.description, router.tags, router.external_gateway_info, router.routes, router.admin_state_up, router.status],
        ['router-a', 'edge router', ['r1'], null, [], true, 'ACTIVE']),
      () => assert.deepEqual([gw.network_id, gw.enable_snat, gw.external_fixed_ips.length, gw.external_fixed_ips[0].subnet_id], [ext.id, true, 1, extSub.id]),
      () => assert.match(gw.external_fixed_ips[0].ip_address, /^203\.0\.113\.\d+$/),
      () => assert.deepEqual([...r.interfaces_info].sort(byKey('ip_address')).map((i: any) => [i.ip_address, i.subnet_id]),
        [['192.168.10.1', sub1.id], ['192.168.11.5', sub2.id]]),
      () => assert.equal(r.interfaces_info.find((i: any) => i.ip_address === '192.168.11.5')?.port_id, ifPort.id),
      () => assert.deepEqual(r.routes, [{ destination: '10.50.0.0/16', nexthop: '192.168.10.99' }]),
      async () => {
        const pp = await show('port', ifPort.id);
        assert.deepEqual([pp.device_owner, pp.device_id], ['network:router_interface', router.id]);
      },
      async () => {
        const rows = await json<any[]>(['port', 'list', '--router', 'router-a', '--long']);
        assert.deepEqual(sorted(rows.map((x) => x['Device Owner'])), ['network:router_gateway', 'network:router_interface', 'network:router_interface']);
      },
      async () => {
        const row = (await json<any[]>(['router', 'list', '--long'])).find((x) => x.ID === router.id);
        assert.deepEqual([row.Name, row.State, row.Routes, row.Tags], ['router-a', true, [{ destination: '10.50.0.0/16', nexthop: '192.168.10.99' }], ['r1']]);
      },
      fails(['router', 'set', '--route', 'destination=10.60.0.0/16,gateway=10.0.0.1', 'router-a'], /Invalid format for routes: .*the nexthop is not connected with router/),
      fails(['router', 'remove', 'subnet', 'router-a', 'router-sub-1'],
        new RegExp(`Router interface for subnet ${sub1.id} on router ${router.id} cannot be deleted, as it is required by one or more routes\\.`)),
      fails(['network', 'delete', 'router-inner'],
        new RegExp(`Unable to complete operation on network ${inner.id}\\. There are one or more ports still in use on the network`)),
      fails(['router', 'show', router.id], notFound('Router', router.id), 'pier-demo'),
      fails(['router', 'delete', 'router-a'], new RegExp(`Router ${router.id} has ports still attached: `)),
    );

    await ok(['router', 'set', '--name', 'router-b', '--no-route', '--route', 'destination=10.60.0.0/16,gateway=192.168.11.1',
      '--route', 'destination=10.61.0.0/16,gateway=192.168.10.254', '--disable', '--no-tag', '--tag', 'r2', 'router-a']);
    const s = await show('router', router.id);
    await soft(
      () => assert.deepEqual([s.name, s.admin_state_up, s.tags], ['router-b', false, ['r2']]),
      () => assert.deepEqual([...s.routes].sort(byKey('destination')),
        [{ destination: '10.60.0.0/16', nexthop: '192.168.11.1' }, { destination: '10.61.0.0/16', nexthop: '192.168.10.254' }]),
    );
    await ok(['router', 'unset', '--route', 'destination=10.60.0.0/16,gateway=192.168.11.1', '--tag', 'r2', 'router-b']);
    const u = await show('router', router.id);
    await soft(() => assert.deepEqual([u.routes, u.tags], [[{ destination: '10.61.0.0/16', nexthop: '192.168.10.254' }], []]));
    await ok(['router', 'unset', '--route', 'destination=10.61.0.0/16,gateway=192.168.10.254', 'router-b']);

    await ok(['router', 'set', '--external-gateway', 'router-ext', '--fixed-ip', 'subnet=router-ext-sub,ip-address=203.0.113.9', '--disable-snat', 'router-b']);
    await ok(['router', 'remove', 'subnet', 'router-b', 'router-sub-1']);
    await ok(['router', 'remove', 'port', 'router-b', 'router-if-port']);
    const g = await show('router', router.id);
    await soft(
      () => assert.deepEqual(g.external_gateway_info, { network_id: ext.id, enable_snat: false, external_fixed_ips: [{ subnet_id: extSub.id, ip_address: '203.0.113.9' }] }),
      () => assert.deepEqual([g.interfaces_info, g.routes], [[], []]),
      // Removing an interface by port deletes that port.
      fails(['port', 'show', ifPort.id], notFound('Port', ifPort.id)),
    );
    await ok(['router', 'unset', '--external-gateway', 'router-b']);
    await soft(async () => assert.equal((await show('router', router.id)).external_gateway_info, null));
    await ok(['router', 'delete', 'router-b']);
    await soft(fails(['router', 'show', router.id], notFound('Router', router.id)), ok(['network', 'delete', 'router-ext', 'router-inner']));
  }));

  test('floating ip: create, set --port, unset --port, tags, unreachable, already associated, in use, delete', softly(async (soft) => {
    const [ext] = await Promise.all([
      json(['network', 'create', '--external', 'fip-ext']),
      json(['network', 'create', 'fip-inner']),
      json(['network', 'create', 'fip-iso']),
      json(['router', 'create', 'fip-router']),
    ]);
    const [extSub, innerSub, isoSub] = await Promise.all([
      json(['subnet', 'create', '--network', 'fip-ext', '--subnet-range', '198.51.100.0/24', '--no-dhcp', 'fip-ext-sub']),
      json(['subnet', 'create', '--network', 'fip-inner', '--subnet-range', '192.168.20.0/24', 'fip-inner-sub']),
      json(['subnet', 'create', '--network', 'fip-iso', '--subnet-range', '172.16.0.0/24', 'fip-iso-sub']),
    ]);
    const [, port, isoPort, router, fip] = await Promise.all([
      (async () => {
        await ok(['router', 'set', '--external-gateway', 'fip-ext', 'fip-router']);
        await ok(['router', 'add', 'subnet', 'fip-router', 'fip-inner-sub']);
      })(),
      json(['port', 'create', '--network', 'fip-inner', '--fixed-ip', 'ip-address=192.168.20.77', 'fip-port']),
      json(['port', 'create', '--network', 'fip-iso', 'fip-iso-port']),
      json(['router', 'show', 'fip-router']),
      json(['floating', 'ip', 'create', '--floating-ip-address', '198.51.100.50', '--description', 'first', '--tag', 'f1', 'fip-ext']),
    ]);
    await soft(
      () => assert.deepEqual([fip.floating_ip_address, fip.floating_network_id, fip.port_id, fip.fixed_ip_address, fip.router_id, fip.status],
        ['198.51.100.50', ext.id, null, null, null, 'DOWN']),
      () => assert.deepEqual([fip.description, fip.tags, fip.project_id], ['first', ['f1'], adminProject]),
    );

    await ok(['floating', 'ip', 'set', '--port', 'fip-port', '198.51.100.50']);
    const [s, fip2] = await Promise.all([show('floating ip', fip.id), json(['floating', 'ip', 'create', '--no-tag', 'fip-ext'])]);
    await soft(
      () => assert.deepEqual([s.port_id, s.fixed_ip_address, s.router_id], [port.id, '192.168.20.77', router.id]),
      () => assert.match(fip2.floating_ip_address, /^198\.51\.100\.\d+$/),
      () => assert.deepEqual([fip2.floating_ip_address === '198.51.100.50', fip2.tags], [false, []]),
      fails(['floating', 'ip', 'set', '--port', 'fip-port', fip2.id],
        new RegExp(`Cannot associate floating IP ${re(fip2.floating_ip_address)} \\(${fip2.id}\\) with port ${port.id} using fixed IP 192\\.168\\.20\\.77, `
          + `as that fixed IP already has a floating IP on external network ${ext.id}\\.`)),
      fails(['floating', 'ip', 'create', '--port', 'fip-iso-port', 'fip-ext'],
        new RegExp(`External network ${ext.id} is not reachable from subnet ${isoSub.id}\\.\\s+Therefore, cannot associate Port ${isoPort.id} with a Floating IP\\.`)),
      fails(['floating', 'ip', 'create', '--floating-ip-address', '198.51.100.50', 'fip-ext'], /IP address 198\.51\.100\.50 already allocated in subnet /),
      fails(['router', 'unset', '--external-gateway', 'fip-router'],
        new RegExp(`Gateway cannot be updated for router ${router.id}, since a gateway to external network ${ext.id} is required by one or more floating IPs\\.`)),
      fails(['router', 'remove', 'subnet', 'fip-router', 'fip-inner-sub'],
        new RegExp(`Router interface for subnet ${innerSub.id} on router ${router.id} cannot be deleted, as it is required by one or more floating IPs\\.`)),
      async () => assert.deepEqual(await listIds(['floating', 'ip', 'list', '--port', 'fip-port']), [fip.id]),
      async () => assert.deepEqual(await listIds(['floating', 'ip', 'list', '--network', 'fip-ext']), sorted([fip.id, fip2.id])),
      async () => {
        const row = (await json<any[]>(['floating', 'ip', 'list'])).find((x) => x.ID === fip.id);
        assert.deepEqual([row['Floating IP Address'], row['Fixed IP Address'], row.Port, row['Floating Network']], ['198.51.100.50', '192.168.20.77', port.id, ext.id]);
      },
      fails(['floating', 'ip', 'show', fip.id], notFound('FloatingIP', fip.id), 'pier-demo'),
    );

    // Moving the gateway to another address on the same external network is allowed while floating IPs use it.
    await soft(async () => {
      await ok(['router', 'set', '--external-gateway', 'fip-ext', '--fixed-ip', 'subnet=fip-ext-sub,ip-address=198.51.100.9', '--disable-snat', 'fip-router']);
      assert.deepEqual((await show('router', router.id)).external_gateway_info,
        { network_id: ext.id, enable_snat: false, external_fixed_ips: [{ subnet_id: extSub.id, ip_address: '198.51.100.9' }] });
    });
    await ok(['floating', 'ip', 'set', '--description', 'second', '--no-tag', '--tag', 'f2', '198.51.100.50']);
    const t = await show('floating ip', fip.id);
    await soft(() => assert.deepEqual([t.description, t.tags], ['second', ['f2']]));
    await ok(['floating', 'ip', 'unset', '--port', '--tag', 'f2', '198.51.100.50']);
    const u = await show('floating ip', fip.id);
    await soft(() => assert.deepEqual([u.port_id, u.fixed_ip_address, u.router_id, u.tags], [null, null, null, []]));
    const fip3 = await json(['floating', 'ip', 'create', '--port', 'fip-port', '--fixed-ip-address', '192.168.20.77', 'fip-ext']);
    await soft(() => assert.deepEqual([fip3.port_id, fip3.fixed_ip_address, fip3.router_id], [port.id, '192.168.20.77', router.id]));

    await ok(['floating', 'ip', 'delete', '198.51.100.50', fip2.id, fip3.id]);
    assert.deepEqual(await json(['floating', 'ip', 'list', '--network', 'fip-ext']), []);
  }));

  test('network rbac create / list / show / delete: access_as_shared for one project, access_as_external for all', softly(async (soft) => {
    const net = await json(['network', 'create', 'rbac-net']);
    await ok(['subnet', 'create', '--network', 'rbac-net', '--subnet-range', '10.30.0.0/24', 'rbac-sub']);
    await fails(['network', 'show', net.id], notFound('Network', net.id), 'pier-demo');
    const rbac = await json(['network', 'rbac', 'create', '--type', 'network', '--action', 'access_as_shared', '--target-project', 'demo', 'rbac-net']);
    let memberPort: any;
    await soft(
      () => assert.deepEqual([rbac.object_type, rbac.object_id, rbac.action, rbac.target_project_id, rbac.project_id],
        ['network', net.id, 'access_as_shared', demoProject, adminProject]),
      async () => {
        const row = (await json<any[]>(['network', 'rbac', 'list', '--long'])).find((x) => x.ID === rbac.id);
        assert.deepEqual([row['Object Type'], row['Object ID'], row.Action], ['network', net.id, 'access_as_shared']);
      },
      async () => assert.ok((await listIds(['network', 'rbac', 'list', '--type', 'network', '--action', 'access_as_shared'])).includes(rbac.id)),
      async () => assert.equal((await show('network rbac', rbac.id)).target_project_id, demoProject),
      fails(['network', 'rbac', 'create', '--type', 'network', '--action', 'access_as_shared', '--target-project', 'demo', 'rbac-net'],
        /An RBAC policy already exists with those values\./),
      // The member now sees the network and may attach to it.
      async () => {
        memberPort = await json(['port', 'create', '--network', net.id, 'member-port'], 'pier-demo');
        assert.equal(memberPort.project_id, demoProject);
        assert.match(memberPort.fixed_ips[0].ip_address, /^10\.30\.0\.\d+$/);
      },
    );
    await soft(fails(['network', 'rbac', 'delete', rbac.id], new RegExp(`RBAC policy on object ${net.id} cannot be removed because other objects depend on it\\.`)));
    if (memberPort) await ok(['port', 'delete', memberPort.id], 'pier-demo');
    await ok(['network', 'rbac', 'delete', rbac.id]);
    await soft(
      fails(['network', 'show', net.id], notFound('Network', net.id), 'pier-demo'),
      fails(['network', 'rbac', 'show', rbac.id], notFound('RBACPolicy', rbac.id)),
    );

    const ext = await json(['network', 'rbac', 'create', '--type', 'network', '--action', 'access_as_external', '--target-all-projects', 'rbac-net']);
    await soft(
      () => assert.equal(ext.target_project_id, '*'),
      async () => assert.equal((await show('network', net.id))['router:external'], true),
      async () => assert.equal((await show('network', net.id, 'pier-demo'))['router:external'], true),
    );
    await ok(['network', 'rbac', 'delete', ext.id]);
    await soft(async () => assert.equal((await show('network', net.id))['router:external'], false));
    await ok(['network', 'delete', 'rbac-net']);
  }));

  test('quota: list --network [--detail], set and show (network resources), enforcement, member refused', softly(async (soft) => {
    // OSC 6.0's `quota show` / `quota set` build the compute (nova) client first: they run against
    // Pier's own compute endpoint now that the catalog has one (no clouds.yaml override).
    const env: Record<string, string> = {};

    await ok(['network', 'create', 'quota-net-1'], 'pier-demo');
    const detail = await json<any[]>(['quota', 'list', '--network', '--detail', '--project', 'demo']);
    const limit = (resource: string) => detail.find((x) => x.Resource === resource)?.Limit;
    await soft(
      () => assert.deepEqual(detail.find((x) => x.Resource === 'networks'), { Resource: 'networks', 'In Use': 1, Reserved: 0, Limit: 100 }),
      () => assert.deepEqual(['ports', 'subnets', 'routers', 'floating_ips', 'security_groups', 'security_group_rules', 'subnet_pools', 'rbac_policies'].map(limit),
        [500, 100, 10, 50, 10, 100, -1, 10]),
    );

    await ok(['quota', 'set', '--networks', '2', '--ports', '7', '--subnets', '8', '--routers', '3', '--floating-ips', '4', '--secgroups', '5',
      '--secgroup-rules', '60', '--subnetpools', '9', '--rbac-policies', '11', 'demo'], 'pier', env);
    await soft(
      async () => {
        const q = await json(['quota', 'show', 'demo'], 'pier', env);
        assert.deepEqual([q.project, q.project_name], [demoProject, 'demo']);
        assert.deepEqual([q.networks, q.ports, q.subnets, q.routers, q['floating-ips'], q.secgroups, q['secgroup-rules'], q.subnet_pools, q.rbac_policies],
          [2, 7, 8, 3, 4, 5, 60, 9, 11]);
      },
      async () => {
        const q = await json(['quota', 'show', '--default', 'demo'], 'pier', env);
        assert.deepEqual([q.networks, q.ports, q.subnets, q.routers, q['floating-ips'], q.secgroups, q['secgroup-rules']], [100, 500, 100, 10, 50, 10, 100]);
      },
      async () => {
        const row = (await json<any[]>(['quota', 'list', '--network'])).find((x) => x['Project ID'] === demoProject);
        assert.deepEqual([row.Networks, row.Ports, row.Subnets, row.Routers, row['Floating IPs'], row['Security Groups']], [2, 7, 8, 3, 4, 5]);
      },
      async () => {
        const q = await json(['quota', 'show'], 'pier-demo', env);
        assert.deepEqual([q.project, q.networks], [demoProject, 2]);
      },
      // By id: a member may not look projects up by name in Keystone.
      fails(['quota', 'set', '--networks', '50', demoProject], /\(rule:update_quota\) is disallowed by policy/, 'pier-demo', env),
    );

    await ok(['network', 'create', 'quota-net-2'], 'pier-demo');
    await soft(fails(['network', 'create', 'quota-net-3'], /Quota exceeded for resources: \['network'\]\./, 'pier-demo'));
    await ok(['quota', 'set', '--networks', '3', 'demo'], 'pier', env);
    await ok(['network', 'create', 'quota-net-3'], 'pier-demo');
    const after3 = await json<any[]>(['quota', 'list', '--network', '--detail', '--project', 'demo']);
    await soft(() => assert.deepEqual(after3.find((x) => x.Resource === 'networks'), { Resource: 'networks', 'In Use': 3, Reserved: 0, Limit: 3 }));
    await ok(['network', 'delete', 'quota-net-1', 'quota-net-2', 'quota-net-3'], 'pier-demo');
  }));
});
