// Segments on the wire (linuxbridge, root): a VXLAN segment carries traffic to a tunnel endpoint
// on another "host" (a namespace of the test's own with its own VXLAN device); a VLAN segment
// either carries traffic or, on a kernel without 802.1Q, fails its ports with a clear reason.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { ADMIN_PASSWORD, call, startTestPier, tokenFor, type TestPier } from '../support/pier.js';
import { Namespaces, inNs, pings, requireRoot, sh, uniquePrefix, waitFor } from '../support/system.js';

requireRoot();

describe('network segments (linuxbridge)', () => {
  const prefix = uniquePrefix();
  const nss = new Namespaces(prefix);
  const underlay = `10.254.${randomInt(1, 250)}`;
  const hostVeth = `${prefix}u`;
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
    await t.pier.dataplane.driver.destroy();
    await t.close();
    await sh('ip', ['link', 'del', hostVeth]);
    await nss.cleanup();
  });

  test('a VXLAN segment carries traffic to another tunnel endpoint', async () => {
    const vni = randomInt(2000, 9000);
    const n = (await net('POST', '/networks', { network: { name: 'vx', 'provider:network_type': 'vxlan', 'provider:segmentation_id': vni } })).body.network;
    assert.equal(n['provider:segmentation_id'], vni);
    const s = (await net('POST', '/subnets', { subnet: { network_id: n.id, cidr: '10.73.1.0/24', ip_version: 4, allocation_pools: [{ start: '10.73.1.10', end: '10.73.1.100' }] } })).body.subnet;
    assert.ok(s.id);
    // The remote host's end of the segment: its own VXLAN device with an address on the subnet.
    await inNs(remote, 'ip', 'link', 'add', 'vx0', 'type', 'vxlan', 'id', String(vni), 'local', `${underlay}.2`, 'remote', `${underlay}.1`, 'dstport', '4789');
    await inNs(remote, 'ip', 'addr', 'add', '10.73.1.250/24', 'dev', 'vx0');
    await inNs(remote, 'ip', 'link', 'set', 'vx0', 'up');
    const ns = await nss.add('c');
    const port = (await net('POST', '/ports', { port: { network_id: n.id } })).body.port;
    assert.equal((await call(t.url, 'PUT', `/pier/v1/ports/${port.id}/plug`, { token: admin, body: { netns: ns } })).status, 204);
    await waitFor('ping over the tunnel', () => pings(ns, '10.73.1.250'), 10_000);
  });

  test('a VLAN segment is realised, or its ports fail with the reason', async () => {
    const n = (await net('POST', '/networks', { network: { name: 'vl', 'provider:network_type': 'vlan', 'provider:physical_network': 'physnet1', 'provider:segmentation_id': 123 } })).body.network;
    await net('POST', '/subnets', { subnet: { network_id: n.id, cidr: '10.74.1.0/24', ip_version: 4 } });
    const ns = await nss.add('v');
    const port = (await net('POST', '/ports', { port: { network_id: n.id } })).body.port;
    const r = await call(t.url, 'PUT', `/pier/v1/ports/${port.id}/plug`, { token: admin, body: { netns: ns } });
    const probe = await sh('ip', ['link', 'add', 'link', hostVeth, 'name', `${prefix}.9`, 'type', 'vlan', 'id', '9']);
    if (probe.code === 0) {
      await sh('ip', ['link', 'del', `${prefix}.9`]);
      assert.equal(r.status, 204, JSON.stringify(r.body));
    } else {
      // This kernel has no 8021q: Pier says so and leaves nothing half-plugged.
      assert.equal(r.status, 409);
      assert.match(r.body.NeutronError.message, /802\.1Q/);
      assert.equal((await net('GET', `/ports/${port.id}`)).body.port.status, 'DOWN');
    }
  });
});
