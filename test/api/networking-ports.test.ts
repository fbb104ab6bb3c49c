// Ports and IPAM over real HTTP: what a new port gets (address per IP version, MAC, default
// security group), allocation inside the pools until a subnet is full, released addresses coming
// back, fixed_ips on create and update, MACs, and what a member may do on a network it does not
// own. Every error answer was checked against a real Neutron (Zed); each failed request must
// leave the ports unchanged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testStores } from '../support/pier.js';
import { NOWHERE, TIMESTAMP, ipv4, neutronError, startCloud, unchanged, type Cloud } from '../support/networking.js';

type FixedIp = { subnet_id: string; ip_address: string };

for (const store of testStores()) describe(`networking: ports on ${store}`, () => {
  let c: Cloud;
  before(async () => { c = await startCloud(store); });
  after(() => c.close());

  const portsOn = (networkId: string) => () => c.admin.read(`/ports?network_id=${networkId}`).then((b) => b.ports);
  const inRange = (ip: string, start: string, end: string) => ipv4(ip) >= ipv4(start) && ipv4(ip) <= ipv4(end);

  describe('a new port', () => {
    test('gets a MAC, one address, the project\'s default security group, and standard attributes', async () => {
      const n = await c.demo.network();
      const s = await c.demo.subnet(n.id, '10.1.0.0/24');
      const p = await c.demo.port(n.id, { name: 'vm' });
      assert.equal(p.name, 'vm');
      assert.equal(p.status, 'DOWN');
      assert.equal(p.admin_state_up, true);
      assert.equal(p.device_owner, '');
      assert.equal(p.device_id, '');
      assert.equal(p.project_id, c.demo.projectId);
      assert.equal(p.tenant_id, c.demo.projectId);
      assert.match(p.mac_address, /^fa:16:3e(:[0-9a-f]{2}){3}$/);
      assert.equal(p.port_security_enabled, true);
      assert.deepEqual(p.allowed_address_pairs, []);
      assert.equal(p['binding:vnic_type'], 'normal');
      assert.equal('binding:host_id' in p, false, 'binding details are the admin\'s');
      assert.deepEqual(p.tags, []);
      assert.match(p.created_at, TIMESTAMP);
      assert.ok(Number.isInteger(p.revision_number));
      assert.equal(p.fixed_ips.length, 1);
      assert.equal(p.fixed_ips[0].subnet_id, s.id);
      assert.ok(inRange(p.fixed_ips[0].ip_address, '10.1.0.2', '10.1.0.254'));
      const groups = (await c.demo.read('/security-groups?name=default')).security_groups;
      assert.equal(groups.length, 1);
      assert.deepEqual(p.security_groups, [groups[0].id]);
      const admin = (await c.admin.read(`/ports/${p.id}`)).port;
      assert.equal(admin['binding:host_id'], '');
      assert.equal(admin['binding:vif_type'], 'unbound');
    });

    test('gets one address per IP version by default, from the pools, never the gateway', async () => {
      const n = await c.demo.network();
      const v4 = await c.demo.subnet(n.id, '10.2.0.0/24', { allocation_pools: [{ start: '10.2.0.10', end: '10.2.0.20' }] });
      const v6 = await c.demo.subnet(n.id, 'fd00:2::/64');
      for (let i = 0; i < 3; i++) {
        const p = await c.demo.port(n.id);
        const by = (id: string) => p.fixed_ips.filter((f: FixedIp) => f.subnet_id === id);
        assert.equal(p.fixed_ips.length, 2, JSON.stringify(p.fixed_ips));
        assert.equal(by(v4.id).length, 1);
        assert.equal(by(v6.id).length, 1);
        assert.ok(inRange(by(v4.id)[0].ip_address, '10.2.0.10', '10.2.0.20'));
        assert.notEqual(by(v6.id)[0].ip_address, 'fd00:2::');
        assert.ok(by(v6.id)[0].ip_address.startsWith('fd00:2::'));
      }
    });

    test('on a network without subnets has no address; a failing bulk create makes no port', async () => {
      const n = await c.demo.network();
      assert.deepEqual((await c.demo.port(n.id)).fixed_ips, []);
      await unchanged(portsOn(n.id), async () => {
        neutronError(await c.demo.post('/ports', { ports: [{ network_id: n.id, name: 'ok' }, { network_id: NOWHERE, name: 'bad' }] }), 404, 'NetworkNotFound');
      });
    });
  });

  describe('IPAM', () => {
    test('a /29 hands out its 5 pool addresses once each, then IpAddressGenerationFailure; a released address comes back', async () => {
      const n = await c.demo.network();
      const s = await c.demo.subnet(n.id, '10.3.0.0/29');
      assert.deepEqual(s.allocation_pools, [{ start: '10.3.0.2', end: '10.3.0.6' }]);
      const ports = [];
      for (let i = 0; i < 5; i++) ports.push(await c.demo.port(n.id));
      const ips = ports.map((p) => p.fixed_ips[0].ip_address);
      assert.deepEqual([...ips].sort(), ['10.3.0.2', '10.3.0.3', '10.3.0.4', '10.3.0.5', '10.3.0.6']);
      await unchanged(portsOn(n.id), async () => {
        neutronError(await c.demo.post('/ports', { port: { network_id: n.id } }), 409, 'IpAddressGenerationFailure');
        neutronError(await c.demo.post('/ports', { port: { network_id: n.id, fixed_ips: [{ subnet_id: s.id }] } }), 409, 'IpAddressGenerationFailure');
      });
      const released = ports[2].fixed_ips[0].ip_address;
      assert.equal((await c.demo.del(`/ports/${ports[2].id}`)).status, 204);
      const again = await c.demo.port(n.id);
      assert.deepEqual(again.fixed_ips, [{ subnet_id: s.id, ip_address: released }]);
      neutronError(await c.demo.post('/ports', { port: { network_id: n.id } }), 409, 'IpAddressGenerationFailure');
    });

    test('automatic addresses go around ones already taken, next to the last one given or ahead of it', async () => {
      const n = await c.admin.network();
      const s = await c.admin.subnet(n.id, '10.4.0.0/28');
      const auto = async () => (await c.admin.port(n.id)).fixed_ips[0].ip_address;
      const at = async (ip: string) => (await c.admin.port(n.id, { fixed_ips: [{ ip_address: ip }] })).fixed_ips[0].ip_address;
      assert.equal(await auto(), '10.4.0.2');
      assert.equal(await at('10.4.0.3'), '10.4.0.3'); // the very next address
      assert.equal(await at('10.4.0.5'), '10.4.0.5'); // and one further on
      assert.deepEqual([await auto(), await auto(), await auto()], ['10.4.0.4', '10.4.0.6', '10.4.0.7']);
      assert.equal(await at('10.4.0.14'), '10.4.0.14'); // the pool's last address
      const rest = [];
      for (let i = 0; i < 6; i++) rest.push(await auto());
      assert.deepEqual(rest, ['10.4.0.8', '10.4.0.9', '10.4.0.10', '10.4.0.11', '10.4.0.12', '10.4.0.13']);
      neutronError(await c.admin.post('/ports', { port: { network_id: n.id, fixed_ips: [{ subnet_id: s.id }] } }), 409, 'IpAddressGenerationFailure');
    });

    test('a requested address: outside the pool is fine, taken is IpAddressAlreadyAllocated, off-subnet is InvalidIpFor…', async () => {
      const n = await c.demo.network();
      const s = await c.demo.subnet(n.id, '10.4.0.0/24', { allocation_pools: [{ start: '10.4.0.10', end: '10.4.0.20' }] });
      const other = await c.demo.subnet(n.id, '10.5.0.0/24');
      const outside = await c.demo.port(n.id, { fixed_ips: [{ ip_address: '10.4.0.200' }] });
      assert.deepEqual(outside.fixed_ips, [{ subnet_id: s.id, ip_address: '10.4.0.200' }]);
      // The gateway address may be given explicitly (Neutron allows it).
      const gw = await c.demo.port(n.id, { fixed_ips: [{ ip_address: '10.4.0.1' }] });
      assert.deepEqual(gw.fixed_ips, [{ subnet_id: s.id, ip_address: '10.4.0.1' }]);
      const two = await c.demo.port(n.id, { fixed_ips: [{ subnet_id: s.id }, { subnet_id: s.id }] });
      assert.equal(two.fixed_ips.length, 2);
      assert.notEqual(two.fixed_ips[0].ip_address, two.fixed_ips[1].ip_address);
      const fixed = (fixed_ips: unknown) => c.demo.post('/ports', { port: { network_id: n.id, fixed_ips } });
      await unchanged(portsOn(n.id), async () => {
        neutronError(await fixed([{ ip_address: '10.4.0.200' }]), 409, 'IpAddressAlreadyAllocated');
        neutronError(await fixed([{ subnet_id: other.id, ip_address: '10.4.0.30' }]), 400, 'InvalidIpForSubnet');
        neutronError(await fixed([{ subnet_id: s.id, ip_address: '10.4.0.255' }]), 400, 'InvalidIpForSubnet');
        neutronError(await fixed([{ ip_address: '10.9.0.5' }]), 400, 'InvalidIpForNetwork');
        neutronError(await fixed([{ subnet_id: NOWHERE }]), 404, 'SubnetNotFound');
        neutronError(await fixed([{}]), 400, 'InvalidInput');
        neutronError(await fixed([{ foo: 'bar' }]), 400, 'InvalidInput');
      });
    });

    test('the network and broadcast addresses, asked without a subnet, are InvalidIpForNetwork', async () => {
      const n = await c.demo.network();
      await c.demo.subnet(n.id, '10.6.0.0/29');
      await unchanged(portsOn(n.id), async () => {
        for (const ip of ['10.6.0.0', '10.6.0.7']) {
          neutronError(await c.demo.post('/ports', { port: { network_id: n.id, fixed_ips: [{ ip_address: ip }] } }), 400, 'InvalidIpForNetwork');
        }
      });
    });

    test('IPv6: the subnet address and the last address can be asked for', async () => {
      const n = await c.demo.network();
      const s = await c.demo.subnet(n.id, 'fd00:6::/64');
      for (const ip of ['fd00:6::', 'fd00:6::ffff:ffff:ffff:ffff']) {
        assert.deepEqual((await c.demo.port(n.id, { fixed_ips: [{ ip_address: ip }] })).fixed_ips, [{ subnet_id: s.id, ip_address: ip }]);
      }
    });

    test('updating fixed_ips keeps addresses named again, releases the rest, allocates the new', async () => {
      const n = await c.demo.network();
      const a = await c.demo.subnet(n.id, '10.7.0.0/24');
      const b = await c.demo.subnet(n.id, '10.8.0.0/24');
      const p = await c.demo.port(n.id, { fixed_ips: [{ subnet_id: a.id }] });
      const held: string = p.fixed_ips[0].ip_address;
      const put = (fixed_ips: unknown) => c.demo.put(`/ports/${p.id}`, { port: { fixed_ips } });
      // A subnet-only entry for a subnet the port is on keeps its address.
      let r = await put([{ subnet_id: a.id }]);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.port.fixed_ips, [{ subnet_id: a.id, ip_address: held }]);
      r = await put([{ subnet_id: a.id }, { ip_address: '10.8.0.50' }]);
      assert.deepEqual(new Set(r.body.port.fixed_ips.map((f: FixedIp) => f.ip_address)), new Set([held, '10.8.0.50']));
      assert.ok(r.body.port.revision_number > p.revision_number);
      // Replaced: the old address is released and can be taken by another port.
      r = await put([{ ip_address: '10.7.0.99' }]);
      assert.deepEqual(r.body.port.fixed_ips, [{ subnet_id: a.id, ip_address: '10.7.0.99' }]);
      assert.deepEqual((await c.demo.port(n.id, { fixed_ips: [{ ip_address: held }] })).fixed_ips, [{ subnet_id: a.id, ip_address: held }]);
      assert.deepEqual((await c.demo.port(n.id, { fixed_ips: [{ ip_address: '10.8.0.50' }] })).fixed_ips, [{ subnet_id: b.id, ip_address: '10.8.0.50' }]);
      // Failed updates leave the port as it was.
      await unchanged(() => c.demo.read(`/ports/${p.id}`), async () => {
        neutronError(await put([{ ip_address: held }]), 409, 'IpAddressAlreadyAllocated');
        neutronError(await put([{ subnet_id: a.id, ip_address: '10.8.0.60' }]), 400, 'InvalidIpForSubnet');
        neutronError(await put([{ subnet_id: NOWHERE }]), 404, 'SubnetNotFound');
      });
      r = await put([]);
      assert.deepEqual(r.body.port.fixed_ips, []);
      assert.deepEqual((await c.demo.port(n.id, { fixed_ips: [{ ip_address: '10.7.0.99' }] })).fixed_ips, [{ subnet_id: a.id, ip_address: '10.7.0.99' }]);
    });
  });

  describe('bad requests change nothing', () => {
    test('MacAddressInUse, unknown network, subnet, security group or port, missing network_id', async () => {
      const n = await c.demo.network();
      await c.demo.subnet(n.id, '10.10.0.0/24');
      const p = await c.demo.port(n.id);
      const post = (port: Record<string, unknown>) => c.demo.post('/ports', { port: { network_id: n.id, ...port } });
      await unchanged(portsOn(n.id), async () => {
        neutronError(await post({ mac_address: p.mac_address }), 409, 'MacAddressInUse');
        neutronError(await post({ network_id: NOWHERE }), 404, 'NetworkNotFound');
        neutronError(await post({ security_groups: [NOWHERE] }), 404, 'SecurityGroupNotFound');
        neutronError(await c.demo.post('/ports', { port: { name: 'lost' } }), 400, 'HTTPBadRequest');
        neutronError(await post({ bogus: 1 }), 400, 'HTTPBadRequest');
        neutronError(await post({ status: 'ACTIVE' }), 400, 'HTTPBadRequest');
        neutronError(await post({ admin_state_up: 'maybe' }), 400, 'InvalidInput');
        neutronError(await post({ port_security_enabled: false, allowed_address_pairs: [{ ip_address: '10.10.0.99' }] }), 409, 'AddressPairAndPortSecurityRequired');
        neutronError(await c.demo.post('/ports', '{"port": {'), 400, 'HTTPBadRequest');
        for (const method of ['GET', 'PUT', 'DELETE']) {
          neutronError(await c.demo.request(method, `/ports/${NOWHERE}`, method === 'PUT' ? { port: { name: 'x' } } : undefined), 404, 'PortNotFound');
        }
      });
    });

    test('values that fail validation are HTTPBadRequest ("Invalid input for <attribute>")', async () => {
      const n = await c.demo.network();
      await unchanged(portsOn(n.id), async () => {
        for (const port of [{ mac_address: 'zz:zz' }, { fixed_ips: 'x' }, { 'binding:vnic_type': 'weird' }, { network_id: 'nope' }]) {
          neutronError(await c.demo.post('/ports', { port: { network_id: n.id, ...port } }), 400, 'HTTPBadRequest');
        }
      });
    });

    test('updates: read-only network_id, port security with groups, another project\'s port', async () => {
      const n = await c.demo.network();
      const p = await c.demo.port(n.id);
      await unchanged(() => c.demo.read(`/ports/${p.id}`), async () => {
        neutronError(await c.demo.put(`/ports/${p.id}`, { port: { network_id: n.id } }), 400, 'HTTPBadRequest');
        neutronError(await c.demo.put(`/ports/${p.id}`, { port: { port_security_enabled: false } }), 409, 'PortSecurityPortHasSecurityGroup');
        neutronError(await c.demo.put(`/ports/${p.id}`, { port: { mac_address: 'fa:16:3e:00:00:02' } }), 403, 'PolicyNotAuthorized');
        neutronError(await c.other.get(`/ports/${p.id}`), 404, 'PortNotFound');
        neutronError(await c.other.put(`/ports/${p.id}`, { port: { name: 'mine' } }), 404, 'PortNotFound');
        neutronError(await c.other.del(`/ports/${p.id}`), 404, 'PortNotFound');
      });
      const renamed = await c.demo.put(`/ports/${p.id}`, { port: { name: 'renamed' } });
      assert.equal(renamed.body.port.revision_number, p.revision_number + 1);
    });

    test('past the port quota: 409 OverQuota', async () => {
      const n = await c.other.network();
      const project = c.other.projectId;
      const used = (await c.admin.read(`/quotas/${project}/details`)).quota.port.used;
      assert.equal((await c.admin.put(`/quotas/${project}`, { quota: { port: used + 1 } })).status, 200);
      try {
        await c.other.port(n.id);
        await unchanged(portsOn(n.id), async () => {
          neutronError(await c.other.post('/ports', { port: { network_id: n.id } }), 409, 'OverQuota');
        });
      } finally {
        assert.equal((await c.admin.del(`/quotas/${project}`)).status, 204);
      }
    });
  });

  describe('a member on another project\'s shared network', () => {
    test('may create ports with automatic addresses, or on a named subnet', async () => {
      const shared = await c.admin.network({ shared: true });
      const s = await c.admin.subnet(shared.id, '10.20.0.0/24');
      const p = await c.demo.port(shared.id);
      assert.equal(p.project_id, c.demo.projectId);
      assert.equal(p.fixed_ips[0].subnet_id, s.id);
      assert.equal((await c.demo.port(shared.id, { fixed_ips: [{ subnet_id: s.id }] })).fixed_ips[0].subnet_id, s.id);
      // The other member does not see the demo member's ports there.
      assert.deepEqual((await c.other.read(`/ports?network_id=${shared.id}`)).ports, []);
    });

    test('may not choose the MAC, a network: device owner, or binding details: 403', async () => {
      const shared = await c.admin.network({ shared: true });
      await c.admin.subnet(shared.id, '10.21.0.0/24');
      await unchanged(portsOn(shared.id), async () => {
        for (const port of [{ mac_address: 'fa:16:3e:00:00:01' }, { device_owner: 'network:dhcp' }, { 'binding:host_id': 'h1' }]) {
          neutronError(await c.demo.post('/ports', { port: { network_id: shared.id, ...port } }), 403, 'PolicyNotAuthorized');
        }
      });
    });

    test('may not choose a fixed IP address: 403', async () => {
      const shared = await c.admin.network({ shared: true });
      await c.admin.subnet(shared.id, '10.22.0.0/24');
      await unchanged(portsOn(shared.id), async () => {
        neutronError(await c.demo.post('/ports', { port: { network_id: shared.id, fixed_ips: [{ ip_address: '10.22.0.50' }] } }), 403, 'PolicyNotAuthorized');
      });
    });

    test('another project\'s private network is NetworkNotFound', async () => {
      const theirs = await c.other.network();
      await unchanged(portsOn(theirs.id), async () => {
        neutronError(await c.demo.post('/ports', { port: { network_id: theirs.id } }), 404, 'NetworkNotFound');
      });
    });
  });
});
