// Networking behaviour Tempest checks (issue 17), proven here without Tempest: security group
// rule validation as Neutron words it, the `default` name, numeric protocols; null clearing
// routes and DNS servers; dvr / l3-ha flags with their admin-only rules; extra_dhcp_opts and
// their merge; SLAAC subnets deleted under their ports; an external network deleted with its
// floating IPs; quota defaults; the `.json` suffix; service providers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testStores } from '../support/pier.js';
import { neutronError, startCloud, unchanged, type Cloud } from '../support/networking.js';

for (const store of testStores()) describe(`networking conformance on ${store}`, () => {
  let c: Cloud;
  before(async () => { c = await startCloud(store); });
  after(() => c.close());

  test('security group rules: port bounds for every protocol, ranges need both ends, ICMP type/code words, numeric protocols', async () => {
    const sg = await c.demo.create('security-groups', 'security_group', { name: 'rules' });
    const rule = (body: Record<string, unknown>) => c.demo.post('/security-group-rules', { security_group_rule: { security_group_id: sg.id, direction: 'ingress', ...body } });
    const rules = () => c.demo.read(`/security-group-rules?security_group_id=${sg.id}`);
    const refused = async (body: Record<string, unknown>, type: string, message: RegExp) => {
      await unchanged(rules, async () => {
        const r = await rule(body);
        neutronError(r, 400, type);
        assert.match(r.body.NeutronError.message, message);
      });
    };
    await refused({ protocol: 'tcp', port_range_min: -16, port_range_max: 80 }, 'SecurityGroupInvalidPortValue', /Invalid value for port -16/);
    await refused({ protocol: 'tcp', port_range_min: null, port_range_max: 6 }, 'SecurityGroupInvalidPortRange', /port_range_min must be <= port_range_max/);
    await refused({ protocol: 'tcp', port_range_min: 6 }, 'SecurityGroupInvalidPortRange', /port_range_min must be <= port_range_max/);
    await refused({ protocol: 'icmp', port_range_min: 1, port_range_max: 256 }, 'SecurityGroupInvalidIcmpValue', /Invalid value for ICMP code/);
    await refused({ protocol: 'icmp', port_range_min: 300, port_range_max: 1 }, 'SecurityGroupInvalidIcmpValue', /Invalid value for ICMP type/);
    await refused({ protocol: 'icmp', port_range_min: -1, port_range_max: 25 }, 'SecurityGroupInvalidPortValue', /Invalid value for port -1/);
    await refused({ protocol: 'icmp', port_range_max: 6 }, 'SecurityGroupMissingIcmpType', /ICMP type \(port-range-min\) is missing/);
    // A remote group is looked up, not validated as a UUID.
    for (const remote of ['bad_group_id', '22222222-2222-4222-8222-222222222222']) {
      neutronError(await rule({ protocol: 'tcp', remote_group_id: remote }), 404, 'SecurityGroupNotFound');
    }
    const udp = await rule({ protocol: 17 });
    assert.equal(udp.status, 201, JSON.stringify(udp.body));
    assert.equal(udp.body.security_group_rule.protocol, '17');
  });

  test('security groups: no other group may be named default, in any case, on create or update', async () => {
    const sg = await c.demo.create('security-groups', 'security_group', { name: 'plain' });
    for (const name of ['default', 'Default']) {
      neutronError(await c.demo.post('/security-groups', { security_group: { name } }), 409, 'SecurityGroupDefaultAlreadyExists');
      neutronError(await c.demo.put(`/security-groups/${sg.id}`, { security_group: { name } }), 409, 'SecurityGroupDefaultAlreadyExists');
    }
    assert.equal((await c.demo.read(`/security-groups/${sg.id}`)).security_group.name, 'plain');
  });

  test('null clears a router\'s routes and a subnet\'s DNS servers and host routes', async () => {
    const net = await c.demo.network();
    const subnet = await c.demo.subnet(net.id, '10.9.0.0/24', { dns_nameservers: ['10.9.0.53'], host_routes: [{ destination: '10.10.0.0/16', nexthop: '10.9.0.254' }] });
    const cleared = await c.demo.put(`/subnets/${subnet.id}`, { subnet: { dns_nameservers: null, host_routes: null } });
    assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    assert.deepEqual([cleared.body.subnet.dns_nameservers, cleared.body.subnet.host_routes], [[], []]);
    const router = await c.demo.router();
    assert.equal((await c.demo.put(`/routers/${router.id}/add_router_interface`, { subnet_id: subnet.id })).status, 200);
    assert.equal((await c.demo.put(`/routers/${router.id}`, { router: { routes: [{ destination: '10.20.0.0/16', nexthop: '10.9.0.7' }] } })).status, 200);
    const none = await c.demo.put(`/routers/${router.id}`, { router: { routes: null } });
    assert.equal(none.status, 200, JSON.stringify(none.body));
    assert.deepEqual(none.body.router.routes, []);
    // With the routes gone the interface can go too.
    assert.equal((await c.demo.put(`/routers/${router.id}/remove_router_interface`, { subnet_id: subnet.id })).status, 200);
  });

  test('dvr and l3-ha: admin-only flags, changed only while the router is down, hidden from members', async () => {
    neutronError(await c.demo.post('/routers', { router: { name: 'dvr', distributed: true } }), 403, 'PolicyNotAuthorized');
    neutronError(await c.demo.post('/routers', { router: { name: 'ha', ha: true } }), 403, 'PolicyNotAuthorized');
    const own = await c.demo.router({ name: 'members', distributed: false });
    assert.equal(own.distributed, undefined);
    const r = await c.admin.router({ name: 'cvr', distributed: false, ha: false, project_id: c.demo.projectId });
    assert.equal(r.distributed, false);
    assert.equal(r.ha, false);
    await unchanged(() => c.admin.read(`/routers/${r.id}`), async () => {
      neutronError(await c.admin.put(`/routers/${r.id}`, { router: { distributed: true } }), 400, 'BadRequest');
      neutronError(await c.admin.put(`/routers/${r.id}`, { router: { ha: true } }), 400, 'BadRequest');
      neutronError(await c.demo.put(`/routers/${r.id}`, { router: { admin_state_up: false, distributed: true } }), 403, 'PolicyNotAuthorized');
    });
    const down = await c.admin.put(`/routers/${r.id}`, { router: { admin_state_up: false, distributed: true, ha: true } });
    assert.equal(down.status, 200, JSON.stringify(down.body));
    assert.equal((await c.admin.read(`/routers/${r.id}`)).router.distributed, true);
    assert.equal((await c.admin.read(`/routers/${r.id}`)).router.ha, true);
    assert.equal((await c.demo.read(`/routers/${r.id}`)).router.distributed, undefined);
    const dvr = await c.admin.router({ name: 'dvr', distributed: true });
    assert.equal(dvr.distributed, true);
    assert.ok((await c.demo.read('/extensions')).extensions.some((e: any) => e.alias === 'dvr'));
  });

  test('extra_dhcp_opts: kept per (name, ip_version); an update merges, a null value removes', async () => {
    const net = await c.demo.network();
    await c.demo.subnet(net.id, '10.11.0.0/24');
    const opts = [{ opt_name: 'bootfile-name', opt_value: 'pxelinux.0' }, { opt_name: 'tftp-server', opt_value: '10.11.0.9' }];
    const p = await c.demo.port(net.id, { extra_dhcp_opts: opts });
    assert.deepEqual(p.extra_dhcp_opts, opts.map((o) => ({ ...o, ip_version: 4 })));
    const up = await c.demo.put(`/ports/${p.id}`, { port: { extra_dhcp_opts: [{ opt_name: 'tftp-server', opt_value: null }, { opt_name: 'server-ip-address', opt_value: '10.11.0.1', ip_version: 4 }, { opt_name: 'bootfile-name', opt_value: 'v6.efi', ip_version: 6 }] } });
    assert.equal(up.status, 200, JSON.stringify(up.body));
    const shown = (await c.demo.read(`/ports/${p.id}`)).port.extra_dhcp_opts.map((o: any) => `${o.opt_name}/${o.ip_version}=${o.opt_value}`).sort();
    assert.deepEqual(shown, ['bootfile-name/4=pxelinux.0', 'bootfile-name/6=v6.efi', 'server-ip-address/4=10.11.0.1']);
    await unchanged(() => c.demo.read(`/ports/${p.id}`), async () => {
      neutronError(await c.demo.put(`/ports/${p.id}`, { port: { extra_dhcp_opts: [{ opt_name: '', opt_value: 'x' }] } }), 400, 'HTTPBadRequest');
      neutronError(await c.demo.put(`/ports/${p.id}`, { port: { extra_dhcp_opts: [{ opt_name: 'x', opt_value: 'y', ip_version: 5 }] } }), 400, 'HTTPBadRequest');
      neutronError(await c.demo.put(`/ports/${p.id}`, { port: { extra_dhcp_opts: [{ opt_name: 'x' }] } }), 400, 'HTTPBadRequest');
    });
  });

  test('a SLAAC or stateless subnet is deleted under its ports, which lose its address; a stateful one is not', async () => {
    const net = await c.demo.network();
    const v4 = await c.demo.subnet(net.id, '10.12.0.0/24');
    for (const mode of ['slaac', 'dhcpv6-stateless']) {
      const v6 = await c.demo.subnet(net.id, mode === 'slaac' ? '2001:db8:1::/64' : '2001:db8:2::/64', { ipv6_ra_mode: mode, ipv6_address_mode: mode });
      const p = await c.demo.port(net.id);
      assert.ok(p.fixed_ips.some((f: any) => f.subnet_id === v6.id));
      assert.equal((await c.demo.del(`/subnets/${v6.id}`)).status, 204);
      assert.deepEqual((await c.demo.read(`/ports/${p.id}`)).port.fixed_ips.map((f: any) => f.subnet_id), [v4.id]);
    }
    const stateful = await c.demo.subnet(net.id, '2001:db8:3::/64', { ipv6_ra_mode: 'dhcpv6-stateful', ipv6_address_mode: 'dhcpv6-stateful' });
    await c.demo.port(net.id, { fixed_ips: [{ subnet_id: stateful.id }] });
    neutronError(await c.demo.del(`/subnets/${stateful.id}`), 409, 'SubnetInUse');
  });

  test('an external network goes with its free floating IPs; an associated one keeps it in use', async () => {
    const ext = await c.admin.network({ 'router:external': true });
    await c.admin.subnet(ext.id, '172.30.0.0/24');
    const fip = await c.admin.create('floatingips', 'floatingip', { floating_network_id: ext.id });
    assert.equal((await c.admin.del(`/networks/${ext.id}`)).status, 204);
    neutronError(await c.admin.get(`/floatingips/${fip.id}`), 404, 'FloatingIPNotFound');
    assert.equal((await c.admin.read(`/ports?network_id=${ext.id}`)).ports.length, 0);

    const ext2 = await c.admin.network({ 'router:external': true });
    await c.admin.subnet(ext2.id, '172.31.0.0/24');
    const net = await c.admin.network();
    const sub = await c.admin.subnet(net.id, '10.13.0.0/24');
    const router = await c.admin.router({ external_gateway_info: { network_id: ext2.id } });
    assert.equal((await c.admin.put(`/routers/${router.id}/add_router_interface`, { subnet_id: sub.id })).status, 200);
    const port = await c.admin.port(net.id);
    await c.admin.create('floatingips', 'floatingip', { floating_network_id: ext2.id, port_id: port.id });
    neutronError(await c.admin.del(`/networks/${ext2.id}`), 409, 'NetworkInUse');
  });

  test('quotas: defaults are limits only; details answer with the .json suffix as without it', async () => {
    const d = await c.admin.read(`/quotas/${c.demo.projectId}/default`);
    assert.equal(d.quota.project_id, undefined);
    assert.equal(d.quota.tenant_id, undefined);
    assert.equal(typeof d.quota.network, 'number');
    assert.deepEqual(await c.admin.read(`/quotas/${c.demo.projectId}/details.json`), await c.admin.read(`/quotas/${c.demo.projectId}/details`));
    assert.equal((await c.demo.read('/networks.json?name=nothing-by-this-name')).networks.length, 0);
    assert.deepEqual(await c.demo.read('/service-providers'), { service_providers: [] });
  });

  test('a tag PUT ignores its body, whatever JSON it is (Tempest sends the string "{}"); other routes still want an object', async () => {
    const net = await c.demo.create('networks', 'network', { name: 'tagged-body' });
    assert.equal((await c.demo.put(`/networks/${net.id}/tags/red`, '{}')).status, 201);
    assert.deepEqual((await c.demo.read(`/networks/${net.id}`)).network.tags, ['red']);
    neutronError(await c.demo.put(`/networks/${net.id}`, '{}'), 400, 'HTTPBadRequest');
  });
});
