// Segments on the wire (linuxbridge, root): a VXLAN segment carries traffic to a tunnel endpoint
// on another "host" (a namespace of the test's own with its own VXLAN device); VLAN segments
// carry 802.1Q-tagged traffic to another host on the physical network, each only its own VLAN.
// VXLAN devices a kill left half-made (on the host, or without their bridge) are made anew.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { ADMIN_PASSWORD, call, startTestPier, tokenFor, type TestPier } from '../support/pier.js';
import { attachVlanFilters } from '../../src/dataplane/linux/vlan-tc.js';
import { hostUplinkName, hostVxlanName, instanceTag, shortId } from '../../src/dataplane/linux/uplinks.js';
import { Namespaces, inNs, pings, requireRoot, sh, uniquePrefix, waitFor } from '../support/system.js';
import { dataplaneModule } from '../../src/dataplane/index.js';

requireRoot();

describe('network segments (linuxbridge)', () => {
  const prefix = uniquePrefix();
  const nss = new Namespaces(prefix);
  const underlay = `10.254.${randomInt(1, 250)}`;
  const hostVeth = `${prefix}u`;
  const trunkBridge = `${prefix}tb`;
  const trunkVeth = `${prefix}tr`;
  const staleVxlan = hostVxlanName(instanceTag(`${prefix}-dp`), '00000000-dead-4bad-8bad-000000000000');
  let t: TestPier;
  let admin: string;
  let remote: string;
  const net = (method: string, path: string, body?: unknown) => call(t.url, method, `/networking/v2.0${path}`, { token: admin, body });

  before(async () => {
    // The other host: a namespace reached over a veth underlay, with Pier's VTEP on the host side.
    remote = await nss.add('remote');
    await sh('ip', ['link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', 'u0', 'netns', remote]);
    await sh('ip', ['addr', 'add', `${underlay}.1/30`, 'dev', hostVeth]);
    await sh('ip', ['link', 'set', hostVeth, 'up']);
    await inNs(remote, 'ip', 'addr', 'add', `${underlay}.2/30`, 'dev', 'u0');
    await inNs(remote, 'ip', 'link', 'set', 'u0', 'up');
    t = await startTestPier({ dataplane: { driver: 'linuxbridge', namespace: `${prefix}-dp`, hostId: 'seg-test', vtep: `${underlay}.1`, vxlanPeers: [`${underlay}.2`], physnets: {} } });
    admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
  });
  after(async () => {
    await t.pier.get(dataplaneModule).driver.destroy();
    await t.close();
    await sh('nft', ['delete', 'table', 'netdev', prefix]);
    for (const l of [hostVeth, trunkVeth, trunkBridge, staleVxlan]) await sh('ip', ['link', 'del', l]);
    await nss.cleanup();
  });

  /**
   * A VXLAN network `vni` with subnet 10.<octet>.1.0/24, the remote host's end of it (its own
   * VXLAN device at .250) and a port of it plugged into a namespace of the test's: that namespace.
   */
  async function tunnel(name: string, vni: number, octet: number): Promise<{ network: any; ns: string }> {
    const network = (await net('POST', '/networks', { network: { name, 'provider:network_type': 'vxlan', 'provider:segmentation_id': vni } })).body.network;
    assert.equal(network['provider:segmentation_id'], vni);
    const s = (await net('POST', '/subnets', { subnet: { network_id: network.id, cidr: `10.${octet}.1.0/24`, ip_version: 4, allocation_pools: [{ start: `10.${octet}.1.10`, end: `10.${octet}.1.100` }] } })).body.subnet;
    assert.ok(s.id);
    await inNs(remote, 'ip', 'link', 'add', name, 'type', 'vxlan', 'id', String(vni), 'local', `${underlay}.2`, 'remote', `${underlay}.1`, 'dstport', '4789');
    await inNs(remote, 'ip', 'addr', 'add', `10.${octet}.1.250/24`, 'dev', name);
    await inNs(remote, 'ip', 'link', 'set', name, 'up');
    const ns = await nss.add(name);
    const port = (await net('POST', '/ports', { port: { network_id: network.id } })).body.port;
    assert.equal((await call(t.url, 'PUT', `/pier/v1/ports/${port.id}/plug`, { token: admin, body: { netns: ns } })).status, 204);
    return { network, ns };
  }

  test('a VXLAN segment carries traffic to another tunnel endpoint', async () => {
    const { ns } = await tunnel('vx0', randomInt(2000, 9000), 73);
    await waitFor('ping over the tunnel', () => pings(ns, '10.73.1.250'), 10_000);
  });

  test('a VXLAN device a kill left half-made holds no VNI and joins no bridge: the next sync makes it anew', async () => {
    // A kill between making a VXLAN device on the host and moving it in leaves it there, holding
    // its VNI against the next network given that VNI.
    const vni = randomInt(9001, 16000);
    assert.equal((await sh('ip', ['link', 'add', staleVxlan, 'type', 'vxlan', 'id', String(vni), 'local', `${underlay}.1`, 'dstport', '4789', 'nolearning'])).code, 0);
    const { network: n, ns } = await tunnel('vx1', vni, 75);
    await waitFor('ping over the tunnel', () => pings(ns, '10.75.1.250'), 10_000);
    assert.equal((await sh('ip', ['link', 'show', staleVxlan])).code, 1, 'the stale device is gone from the host');

    // One cut short after it moved in, before it joined its bridge: the next full sync remakes it.
    const vx = `vx-${shortId(n.id)}`;
    assert.equal((await sh('ip', ['-n', `${prefix}-dp`, 'link', 'set', vx, 'nomaster'])).code, 0);
    assert.equal(await pings(ns, '10.75.1.250', 1), false, 'no tunnel without its bridge');
    await net('POST', '/networks', { network: { name: 'another' } }); // any network change syncs in full
    await waitFor('ping over the tunnel again', () => pings(ns, '10.75.1.250'), 10_000);
    const master = JSON.parse((await sh('ip', ['-n', `${prefix}-dp`, '-j', 'link', 'show', vx])).stdout)[0].master;
    assert.equal(master, `br-${shortId(n.id)}`);
  });

  test('VLAN segments carry their traffic tagged on the physical network, and only their own', async () => {
    // Two VLANs on physnet1 with the same addresses; the physical network's far side is another
    // host on the trunk (a namespace behind a test bridge), an access port of VLAN 123 only.
    const vlan = async (vid: number) => {
      const n = (await net('POST', '/networks', { network: { name: `vl${vid}`, 'provider:network_type': 'vlan', 'provider:physical_network': 'physnet1', 'provider:segmentation_id': vid } })).body.network;
      assert.equal(n['provider:segmentation_id'], vid);
      await net('POST', '/subnets', { subnet: { network_id: n.id, cidr: '10.74.1.0/24', ip_version: 4, allocation_pools: [{ start: '10.74.1.10', end: '10.74.1.100' }] } });
      const ns = await nss.add(`v${vid}`);
      const port = (await net('POST', '/ports', { port: { network_id: n.id } })).body.port;
      const r = await call(t.url, 'PUT', `/pier/v1/ports/${port.id}/plug`, { token: admin, body: { netns: ns } });
      assert.equal(r.status, 204, JSON.stringify(r.body));
      return ns;
    };
    const on123 = await vlan(123);
    const on124 = await vlan(124);
    const uplink = hostUplinkName(instanceTag(`${prefix}-dp`), 'physnet1');
    const peer = await nss.add('trunkpeer');
    assert.equal((await sh('ip', ['link', 'add', trunkBridge, 'type', 'bridge'])).code, 0);
    await sh('ip', ['link', 'add', trunkVeth, 'type', 'veth', 'peer', 'name', 'r0', 'netns', peer]);
    for (const l of [trunkBridge, trunkVeth, uplink]) await sh('ip', ['link', 'set', l, ...(l === trunkBridge ? [] : ['master', trunkBridge]), 'up']);
    await inNs(peer, 'ip', 'addr', 'add', '10.74.1.250/24', 'dev', 'r0');
    await inNs(peer, 'ip', 'link', 'set', 'r0', 'up');
    await attachVlanFilters(peer, 'r0', 123, 'egress');
    // What crosses the wire, by tag: counted where Pier's uplink enters the host.
    const counts = await sh('nft', ['-f', '-'], `table netdev ${prefix} {\n  chain c {\n    type filter hook ingress device ${uplink} priority 0;\n    vlan id 123 counter\n    vlan id 124 counter\n  }\n}\n`);
    assert.equal(counts.code, 0, counts.stderr);

    await waitFor('ping over VLAN 123', () => pings(on123, '10.74.1.250'), 10_000);
    assert.equal(await pings(on124, '10.74.1.250', 2), false, 'VLAN 124 does not reach an access port of VLAN 123');
    const listed = (await sh('nft', ['list', 'table', 'netdev', prefix])).stdout;
    const packets = [...listed.matchAll(/vlan id (\d+) counter packets (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    assert.ok(packets.find(([vid, n]) => vid === 123 && n! > 0), `frames tagged 123 on the wire: ${listed}`);
    assert.ok(packets.find(([vid, n]) => vid === 124 && n! > 0), `frames tagged 124 on the wire: ${listed}`);
  });
});
