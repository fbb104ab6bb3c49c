// Subnets over real HTTP: Neutron's defaults for gateways and allocation pools (IPv4 and IPv6),
// the CIDR / gateway / pool checks on create and update, SubnetInUse, and who may add a subnet
// to whose network. Every error answer was checked against a real Neutron (Zed); each failed
// request must leave the subnets unchanged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testStores } from '../support/pier.js';
import { NOWHERE, TIMESTAMP, neutronError, startCloud, unchanged, type Cloud } from '../support/networking.js';

for (const store of testStores()) describe(`networking: subnets on ${store}`, () => {
  let c: Cloud;
  before(async () => { c = await startCloud(store); });
  after(() => c.close());

  const subnetsOf = (networkId: string) => () => c.admin.read(`/subnets?network_id=${networkId}`).then((b) => b.subnets);

  describe('defaults', () => {
    test('IPv4: gateway is the first address, the pool the rest but the broadcast address', async () => {
      const n = await c.demo.network();
      const s = await c.demo.subnet(n.id, '10.1.0.0/24');
      assert.equal(s.gateway_ip, '10.1.0.1');
      assert.deepEqual(s.allocation_pools, [{ start: '10.1.0.2', end: '10.1.0.254' }]);
      assert.equal(s.ip_version, 4);
      assert.equal(s.enable_dhcp, true);
      assert.deepEqual(s.dns_nameservers, []);
      assert.deepEqual(s.host_routes, []);
      assert.equal(s.ipv6_ra_mode, null);
      assert.equal(s.ipv6_address_mode, null);
      assert.equal(s.subnetpool_id, null);
      assert.equal(s.project_id, c.demo.projectId);
      assert.equal(s.tenant_id, c.demo.projectId);
      assert.deepEqual(s.tags, []);
      assert.match(s.created_at, TIMESTAMP);
      assert.ok(Number.isInteger(s.revision_number));
      assert.deepEqual((await c.demo.read(`/networks/${n.id}`)).network.subnets, [s.id]);
    });

    test('IPv6: the gateway is the subnet address and the pool starts at ::1', async () => {
      const n = await c.demo.network();
      const s = await c.demo.subnet(n.id, 'fd00:1::/64');
      assert.equal(s.ip_version, 6);
      assert.equal(s.gateway_ip, 'fd00:1::');
      assert.deepEqual(s.allocation_pools, [{ start: 'fd00:1::1', end: 'fd00:1::ffff:ffff:ffff:ffff' }]);
      assert.equal(s.ipv6_ra_mode, null);
      assert.equal(s.ipv6_address_mode, null);
    });

    test('no gateway: the pool starts at the first address; given pools and gateway are kept', async () => {
      const n = await c.demo.network();
      const bare = await c.demo.subnet(n.id, '10.2.0.0/24', { gateway_ip: null });
      assert.equal(bare.gateway_ip, null);
      assert.deepEqual(bare.allocation_pools, [{ start: '10.2.0.1', end: '10.2.0.254' }]);
      const given = await c.demo.subnet(n.id, '10.3.0.0/24', {
        gateway_ip: '10.3.0.254', allocation_pools: [{ start: '10.3.0.100', end: '10.3.0.110' }, { start: '10.3.0.10', end: '10.3.0.20' }],
      });
      assert.equal(given.gateway_ip, '10.3.0.254');
      assert.deepEqual(new Set(given.allocation_pools.map((p: any) => `${p.start}-${p.end}`)), new Set(['10.3.0.10-10.3.0.20', '10.3.0.100-10.3.0.110']));
    });

    test('a CIDR with host bits set is accepted and normalised (as Neutron)', async () => {
      const n = await c.demo.network();
      const r = await c.demo.post('/subnets', { subnet: { network_id: n.id, cidr: '10.4.0.5/24', ip_version: 4 } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.subnet.cidr, '10.4.0.0/24');
    });

    test('a gateway outside the CIDR is accepted, and the pool then starts at the first address (as Neutron)', async () => {
      const n = await c.demo.network();
      const r = await c.demo.post('/subnets', { subnet: { network_id: n.id, cidr: '10.5.0.0/24', ip_version: 4, gateway_ip: '10.6.0.1' } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual(r.body.subnet.allocation_pools, [{ start: '10.5.0.1', end: '10.5.0.254' }]);
    });
  });

  describe('bad creates change nothing', () => {
    test('CIDR, overlap, gateway and pool checks', async () => {
      const n = await c.demo.network();
      await c.demo.subnet(n.id, '10.10.0.0/24');
      const bad = async (body: Record<string, unknown>, status: number, type: string) => {
        neutronError(await c.demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, ...body } }), status, type);
      };
      await unchanged(subnetsOf(n.id), async () => {
        await bad({ cidr: '10.11.0.0/33' }, 400, 'InvalidInput');
        await bad({ cidr: 'banana' }, 400, 'InvalidInput');
        await bad({ cidr: '0.0.0.0/0' }, 400, 'InvalidInput');
        await bad({ cidr: 'fd00:9::/64' }, 400, 'InvalidInput'); // ip_version 4
        await bad({ cidr: '10.10.0.128/25' }, 400, 'InvalidInput'); // overlaps 10.10.0.0/24
        await bad({ cidr: '10.10.0.0/24' }, 400, 'InvalidInput'); // the same CIDR again
        await bad({ cidr: '10.12.0.0/24', gateway_ip: '10.12.0.10', allocation_pools: [{ start: '10.12.0.5', end: '10.12.0.20' }] }, 409, 'GatewayConflictWithAllocationPools');
        await bad({ cidr: '10.12.0.0/24', allocation_pools: [{ start: '10.12.0.5', end: '10.12.0.20' }, { start: '10.12.0.15', end: '10.12.0.30' }] }, 409, 'OverlappingAllocationPools');
        await bad({ cidr: '10.12.0.0/24', allocation_pools: [{ start: '10.12.0.5', end: '10.12.1.20' }] }, 400, 'OutOfBoundsAllocationPool');
        await bad({ cidr: '10.12.0.0/24', allocation_pools: [{ start: '10.12.0.50', end: '10.12.0.20' }] }, 400, 'InvalidAllocationPool');
        await bad({ cidr: '10.12.0.0/24', gateway_ip: '10.12.0.0' }, 400, 'InvalidInput');
        await bad({ cidr: '10.12.0.0/24', gateway_ip: '10.12.0.255' }, 400, 'InvalidInput');
        await bad({ cidr: '10.12.0.0/24', enable_dhcp: 'x' }, 400, 'InvalidInput');
        await bad({ cidr: '10.12.0.0/24', ipv6_ra_mode: 'slaac' }, 400, 'InvalidInput');
        await bad({ cidr: 'fd00:8::/64', ip_version: 6, ipv6_ra_mode: 'slaac', ipv6_address_mode: 'dhcpv6-stateful' }, 400, 'InvalidInput');
        await bad({ cidr: 'fd00:8::/80', ip_version: 6, ipv6_address_mode: 'slaac' }, 400, 'InvalidInput');
        await bad({ cidr: '10.12.0.0/24', bogus: 1 }, 400, 'HTTPBadRequest');
        await bad({ cidr: '10.12.0.0/24', id: NOWHERE }, 400, 'HTTPBadRequest');
        neutronError(await c.demo.post('/subnets', '{"subnet": '), 400, 'HTTPBadRequest');
      });
    });

    test('missing network_id is HTTPBadRequest; an unknown network is NetworkNotFound', async () => {
      const all = () => c.admin.read('/subnets').then((b) => b.subnets);
      await unchanged(all, async () => {
        neutronError(await c.demo.post('/subnets', { subnet: { cidr: '10.13.0.0/24', ip_version: 4 } }), 400, 'HTTPBadRequest');
        neutronError(await c.demo.post('/subnets', { subnet: { network_id: NOWHERE, cidr: '10.13.0.0/24', ip_version: 4 } }), 404, 'NetworkNotFound');
      });
    });

    test('ip_version is required (HTTPBadRequest); a missing cidr without a pool is BadRequest', async () => {
      const n = await c.demo.network();
      await unchanged(subnetsOf(n.id), async () => {
        neutronError(await c.demo.post('/subnets', { subnet: { network_id: n.id, cidr: '10.14.0.0/24' } }), 400, 'HTTPBadRequest');
        neutronError(await c.demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 4 } }), 400, 'BadRequest');
      });
    });

    test('values that fail validation are HTTPBadRequest ("Invalid input for <attribute>")', async () => {
      const n = await c.demo.network();
      const bad = async (body: Record<string, unknown>) => {
        neutronError(await c.demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '10.15.0.0/24', ...body } }), 400, 'HTTPBadRequest');
      };
      await unchanged(subnetsOf(n.id), async () => {
        await bad({ network_id: 'nope' });
        await bad({ ip_version: 5 });
        await bad({ gateway_ip: 'nope' });
        await bad({ allocation_pools: [{ start: '10.15.0.5', stop: '10.15.0.20' }] });
        await bad({ allocation_pools: [{ start: '10.15.0.5', end: 'foo' }] });
        await bad({ dns_nameservers: ['8.8.8.8', '8.8.8.8'] });
        await bad({ host_routes: [{ destination: '10.0.0.0/8' }] });
        await bad({ ipv6_ra_mode: 'bogus', ip_version: 6, cidr: 'fd00:7::/64' });
      });
    });
  });

  describe('updates', () => {
    test('gateway and pool checks on update; cidr is read-only; nothing changes on failure', async () => {
      const n = await c.demo.network();
      const s = await c.demo.subnet(n.id, '10.20.0.0/24');
      const read = () => c.demo.read(`/subnets/${s.id}`);
      await unchanged(read, async () => {
        neutronError(await c.demo.put(`/subnets/${s.id}`, { subnet: { gateway_ip: '10.20.0.50' } }), 409, 'GatewayConflictWithAllocationPools');
        neutronError(await c.demo.put(`/subnets/${s.id}`, { subnet: { allocation_pools: [{ start: '10.20.0.1', end: '10.20.0.20' }] } }), 409, 'GatewayConflictWithAllocationPools');
        neutronError(await c.demo.put(`/subnets/${s.id}`, { subnet: { allocation_pools: [{ start: '10.20.0.10', end: '10.20.1.20' }] } }), 400, 'OutOfBoundsAllocationPool');
        neutronError(await c.demo.put(`/subnets/${s.id}`, { subnet: { cidr: '10.30.0.0/24' } }), 400, 'HTTPBadRequest');
        neutronError(await c.demo.put(`/subnets/${s.id}`, { subnet: { network_id: NOWHERE } }), 400, 'HTTPBadRequest');
        neutronError(await c.demo.put(`/subnets/${NOWHERE}`, { subnet: { name: 'x' } }), 404, 'SubnetNotFound');
      });
      const moved = await c.demo.put(`/subnets/${s.id}`, { subnet: { allocation_pools: [{ start: '10.20.0.100', end: '10.20.0.200' }], name: 'moved' } });
      assert.equal(moved.status, 200);
      assert.deepEqual(moved.body.subnet.allocation_pools, [{ start: '10.20.0.100', end: '10.20.0.200' }]);
      assert.ok(moved.body.subnet.revision_number > s.revision_number);
    });

    test('moving the gateway onto an address in the pool is GatewayConflictWithAllocationPools, even one a port holds', async () => {
      const n = await c.demo.network();
      const s = await c.demo.subnet(n.id, '10.21.0.0/24');
      await c.demo.port(n.id, { fixed_ips: [{ subnet_id: s.id, ip_address: '10.21.0.11' }] });
      await unchanged(() => c.demo.read(`/subnets/${s.id}`), async () => {
        neutronError(await c.demo.put(`/subnets/${s.id}`, { subnet: { gateway_ip: '10.21.0.11' } }), 409, 'GatewayConflictWithAllocationPools');
      });
    });
  });

  describe('deletion', () => {
    test('SubnetInUse while a port holds an address; then deleted; unknown ids are SubnetNotFound', async () => {
      const n = await c.demo.network();
      const s = await c.demo.subnet(n.id, '10.22.0.0/24');
      const p = await c.demo.port(n.id);
      await unchanged(subnetsOf(n.id), async () => {
        neutronError(await c.demo.del(`/subnets/${s.id}`), 409, 'SubnetInUse');
        neutronError(await c.demo.del(`/subnets/${NOWHERE}`), 404, 'SubnetNotFound');
        neutronError(await c.demo.get(`/subnets/${NOWHERE}`), 404, 'SubnetNotFound');
      });
      assert.equal((await c.demo.del(`/ports/${p.id}`)).status, 204);
      assert.equal((await c.demo.del(`/subnets/${s.id}`)).status, 204);
      neutronError(await c.demo.get(`/subnets/${s.id}`), 404, 'SubnetNotFound');
      assert.deepEqual((await c.demo.read(`/networks/${n.id}`)).network.subnets, []);
    });
  });

  describe('policy', () => {
    test('a member reads the subnets of a shared network but may not change them', async () => {
      const shared = await c.admin.network({ shared: true });
      const s = await c.admin.subnet(shared.id, '10.23.0.0/24');
      assert.equal((await c.demo.read(`/subnets/${s.id}`)).subnet.cidr, '10.23.0.0/24');
      await unchanged(subnetsOf(shared.id), async () => {
        neutronError(await c.demo.put(`/subnets/${s.id}`, { subnet: { name: 'mine' } }), 403, 'PolicyNotAuthorized');
        neutronError(await c.demo.del(`/subnets/${s.id}`), 403, 'PolicyNotAuthorized');
      });
    });

    test('a member may add a subnet to a shared network (as Neutron\'s default policy allows)', async () => {
      const shared = await c.admin.network({ shared: true });
      const r = await c.demo.post('/subnets', { subnet: { network_id: shared.id, cidr: '10.24.0.0/24', ip_version: 4 } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.subnet.project_id, c.demo.projectId);
    });

    test('another project\'s private network is NetworkNotFound to a member', async () => {
      const theirs = await c.other.network();
      await unchanged(subnetsOf(theirs.id), async () => {
        neutronError(await c.demo.post('/subnets', { subnet: { network_id: theirs.id, cidr: '10.25.0.0/24', ip_version: 4 } }), 404, 'NetworkNotFound');
      });
    });
  });
});
