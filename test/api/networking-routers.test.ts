// Routers and floating IPs over real HTTP: the external gateway, interfaces by subnet (taking
// the subnet's gateway IP) and by port, static routes, and floating IPs associated through a
// router — with every refusal Neutron (Zed) gives, and each failed request leaving the routers,
// ports and floating IPs unchanged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testStores } from '../support/pier.js';
import { NOWHERE, TIMESTAMP, neutronError, startCloud, unchanged, type Cloud } from '../support/networking.js';

for (const store of testStores()) describe(`networking: routers and floating IPs on ${store}`, () => {
  let c: Cloud;
  let ext: any;
  let extSubnet: any;
  let block = 0;
  before(async () => {
    c = await startCloud(store);
    // More routers than the default quota of 10 are made here.
    assert.equal((await c.admin.put(`/quotas/${c.demo.projectId}`, { quota: { router: -1 } })).status, 200);
    ext = await c.admin.network({ name: 'public', 'router:external': true });
    extSubnet = await c.admin.subnet(ext.id, '172.24.0.0/16');
  });
  after(() => c.close());

  /** A demo network with one /24 (a fresh block per call), and a router. */
  async function topology() {
    block++;
    const net = await c.demo.network({ name: `net${block}` });
    const subnet = await c.demo.subnet(net.id, `192.168.${block}.0/24`);
    const router = await c.demo.router({ name: `r${block}` });
    return { net, subnet, router };
  }
  const addInterface = (routerId: string, body: unknown) => c.demo.put(`/routers/${routerId}/add_router_interface`, body);
  const removeInterface = (routerId: string, body: unknown) => c.demo.put(`/routers/${routerId}/remove_router_interface`, body);
  const everything = async () => ({
    routers: (await c.admin.read('/routers')).routers,
    ports: (await c.admin.read('/ports')).ports,
    floatingips: (await c.admin.read('/floatingips')).floatingips,
  });

  describe('routers', () => {
    test('create: standard attributes, no gateway, ACTIVE', async () => {
      const r = await c.demo.router({ name: 'plain' });
      assert.equal(r.status, 'ACTIVE');
      assert.equal(r.admin_state_up, true);
      assert.equal(r.external_gateway_info, null);
      assert.deepEqual(r.routes, []);
      assert.equal(r.project_id, c.demo.projectId);
      assert.equal(r.tenant_id, c.demo.projectId);
      assert.deepEqual(r.tags, []);
      assert.match(r.created_at, TIMESTAMP);
      assert.ok(Number.isInteger(r.revision_number));
    });

    test('an interface by subnet takes the subnet\'s gateway IP on a router_interface port', async () => {
      const { net, subnet, router } = await topology();
      const r = await addInterface(router.id, { subnet_id: subnet.id });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.id, router.id);
      assert.equal(r.body.network_id, net.id);
      assert.equal(r.body.subnet_id, subnet.id);
      assert.deepEqual(r.body.subnet_ids, [subnet.id]);
      assert.equal(r.body.tenant_id, c.demo.projectId);
      const port = (await c.demo.read(`/ports/${r.body.port_id}`)).port;
      assert.deepEqual(port.fixed_ips, [{ subnet_id: subnet.id, ip_address: subnet.gateway_ip }]);
      assert.equal(port.device_owner, 'network:router_interface');
      assert.equal(port.device_id, router.id);
      assert.equal(port.project_id, c.demo.projectId);
      assert.deepEqual(port.security_groups, []);
      assert.ok((await c.demo.read(`/routers/${router.id}`)).router.revision_number > router.revision_number);
    });

    test('interface refusals Neutron types BadRequest: twice, no gateway, no or both ids', async () => {
      const { net, subnet, router } = await topology();
      const bare = await c.demo.subnet(net.id, `192.169.${block}.0/24`, { gateway_ip: null });
      const iface = (await addInterface(router.id, { subnet_id: subnet.id })).body;
      await unchanged(everything, async () => {
        neutronError(await addInterface(router.id, { subnet_id: subnet.id }), 400, 'BadRequest');
        neutronError(await addInterface(router.id, { subnet_id: bare.id }), 400, 'BadRequest');
        neutronError(await addInterface(router.id, {}), 400, 'BadRequest');
        neutronError(await addInterface(router.id, { subnet_id: subnet.id, port_id: iface.port_id }), 400, 'BadRequest');
      });
    });

    test('interface refusals: unknown subnet, port or router; another project\'s router', async () => {
      const { subnet, router } = await topology();
      await unchanged(everything, async () => {
        neutronError(await addInterface(router.id, { subnet_id: NOWHERE }), 404, 'SubnetNotFound');
        neutronError(await addInterface(router.id, { port_id: NOWHERE }), 404, 'PortNotFound');
        neutronError(await addInterface(NOWHERE, { subnet_id: subnet.id }), 404, 'RouterNotFound');
        neutronError(await c.other.put(`/routers/${router.id}/add_router_interface`, { subnet_id: subnet.id }), 404, 'RouterNotFound');
        neutronError(await c.other.get(`/routers/${router.id}`), 404, 'RouterNotFound');
        neutronError(await c.other.put(`/routers/${router.id}`, { router: { name: 'mine' } }), 404, 'RouterNotFound');
        neutronError(await c.other.del(`/routers/${router.id}`), 404, 'RouterNotFound');
      });
    });

    test('while an interface exists: RouterInUse, ServicePortInUse, SubnetInUse, NetworkInUse', async () => {
      const { net, subnet, router } = await topology();
      const iface = (await addInterface(router.id, { subnet_id: subnet.id })).body;
      await unchanged(everything, async () => {
        neutronError(await c.demo.del(`/routers/${router.id}`), 409, 'RouterInUse');
        neutronError(await c.demo.del(`/ports/${iface.port_id}`), 409, 'ServicePortInUse');
        neutronError(await c.demo.del(`/subnets/${subnet.id}`), 409, 'SubnetInUse');
        neutronError(await c.demo.del(`/networks/${net.id}`), 409, 'NetworkInUse');
      });
      await unchanged(everything, async () => {
        neutronError(await removeInterface(router.id, { subnet_id: NOWHERE }), 404, 'RouterInterfaceNotFoundForSubnet');
        neutronError(await removeInterface(router.id, { port_id: NOWHERE }), 404, 'RouterInterfaceNotFound');
      });
      const removed = await removeInterface(router.id, { subnet_id: subnet.id });
      assert.equal(removed.status, 200);
      assert.equal(removed.body.port_id, iface.port_id);
      neutronError(await c.demo.get(`/ports/${iface.port_id}`), 404, 'PortNotFound');
      assert.equal((await c.demo.del(`/routers/${router.id}`)).status, 204);
      neutronError(await c.demo.get(`/routers/${router.id}`), 404, 'RouterNotFound');
    });

    test('an interface by port takes the port; PortInUse a second time; removing it deletes the port', async () => {
      const { net, subnet, router } = await topology();
      const p = await c.demo.port(net.id, { fixed_ips: [{ subnet_id: subnet.id }] });
      const r = await addInterface(router.id, { port_id: p.id });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.subnet_ids, [subnet.id]);
      const port = (await c.demo.read(`/ports/${p.id}`)).port;
      assert.equal(port.device_owner, 'network:router_interface');
      assert.equal(port.device_id, router.id);
      await unchanged(everything, async () => {
        neutronError(await addInterface(router.id, { port_id: p.id }), 409, 'PortInUse');
      });
      assert.equal((await removeInterface(router.id, { port_id: p.id })).status, 200);
      neutronError(await c.demo.get(`/ports/${p.id}`), 404, 'PortNotFound');
    });

    test('static routes need a next hop on a connected subnet: InvalidRoutes', async () => {
      const { subnet, router } = await topology();
      await addInterface(router.id, { subnet_id: subnet.id });
      await unchanged(() => c.demo.read(`/routers/${router.id}`), async () => {
        neutronError(await c.demo.put(`/routers/${router.id}`, { router: { routes: [{ destination: '10.99.0.0/16', nexthop: '10.98.0.1' }] } }), 400, 'InvalidRoutes');
      });
      const nexthop = subnet.gateway_ip.replace(/\.1$/, '.5');
      const ok = await c.demo.put(`/routers/${router.id}`, { router: { routes: [{ destination: '10.99.0.0/16', nexthop }] } });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.deepEqual(ok.body.router.routes, [{ destination: '10.99.0.0/16', nexthop }]);
    });
  });

  describe('external gateway', () => {
    test('set: a gateway port on the external network, SNAT on; cleared with null; deleted with the router', async () => {
      const router = await c.demo.router({ external_gateway_info: { network_id: ext.id } });
      const gw = router.external_gateway_info;
      assert.equal(gw.network_id, ext.id);
      assert.equal(gw.enable_snat, true);
      assert.equal(gw.external_fixed_ips.length, 1);
      assert.equal(gw.external_fixed_ips[0].subnet_id, extSubnet.id);
      const gwPorts = () => c.admin.read(`/ports?device_owner=network:router_gateway&device_id=${router.id}`).then((b) => b.ports);
      assert.deepEqual((await gwPorts()).map((p: any) => p.fixed_ips), [gw.external_fixed_ips]);
      // The gateway port is the service's, not the member's.
      assert.deepEqual((await c.demo.read(`/ports?device_id=${router.id}`)).ports, []);
      const cleared = await c.demo.put(`/routers/${router.id}`, { router: { external_gateway_info: null } });
      assert.equal(cleared.status, 200);
      assert.equal(cleared.body.router.external_gateway_info, null);
      assert.deepEqual(await gwPorts(), []);
      await c.demo.put(`/routers/${router.id}`, { router: { external_gateway_info: { network_id: ext.id } } });
      assert.equal((await gwPorts()).length, 1);
      assert.equal((await c.demo.del(`/routers/${router.id}`)).status, 204);
      assert.deepEqual(await gwPorts(), []);
    });

    test('cleared with an empty object, as the openstack CLI does', async () => {
      const router = await c.demo.router({ external_gateway_info: { network_id: ext.id } });
      const r = await c.demo.put(`/routers/${router.id}`, { router: { external_gateway_info: {} } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.router.external_gateway_info, null);
    });

    test('refusals: SNAT or fixed IPs by a member (403), not external (BadRequest), unknown network', async () => {
      const router = await c.demo.router();
      const { net } = await topology();
      const set = (info: unknown) => c.demo.put(`/routers/${router.id}`, { router: { external_gateway_info: info } });
      await unchanged(everything, async () => {
        neutronError(await set({ network_id: ext.id, enable_snat: false }), 403, 'PolicyNotAuthorized');
        neutronError(await set({ network_id: ext.id, external_fixed_ips: [{ subnet_id: extSubnet.id }] }), 403, 'PolicyNotAuthorized');
        neutronError(await set({ network_id: NOWHERE }), 404, 'NetworkNotFound');
        neutronError(await set({ network_id: net.id }), 400, 'BadRequest');
      });
    });
  });

  describe('floating IPs', () => {
    /** A topology connected to the external network, with one VM port. */
    async function connected() {
      const t = await topology();
      await c.demo.put(`/routers/${t.router.id}`, { router: { external_gateway_info: { network_id: ext.id } } });
      await addInterface(t.router.id, { subnet_id: t.subnet.id });
      const vm = await c.demo.port(t.net.id);
      return { ...t, vm };
    }
    const fip = (body: Record<string, unknown>) => c.demo.create('floatingips', 'floatingip', { floating_network_id: ext.id, ...body });

    test('allocate, associate, move, disassociate, release', async () => {
      const { router, vm, net } = await connected();
      const f = await fip({});
      assert.equal(f.status, 'DOWN');
      assert.equal(f.port_id, null);
      assert.equal(f.fixed_ip_address, null);
      assert.equal(f.router_id, null);
      assert.equal(f.project_id, c.demo.projectId);
      assert.match(f.created_at, TIMESTAMP);
      const onExt = await c.admin.read(`/ports?device_owner=network:floatingip&device_id=${f.id}`);
      assert.deepEqual(onExt.ports.map((p: any) => p.fixed_ips[0].ip_address), [f.floating_ip_address]);
      let r = await c.demo.put(`/floatingips/${f.id}`, { floatingip: { port_id: vm.id } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.floatingip.port_id, vm.id);
      assert.equal(r.body.floatingip.fixed_ip_address, vm.fixed_ips[0].ip_address);
      assert.equal(r.body.floatingip.router_id, router.id);
      assert.equal(r.body.floatingip.floating_ip_address, f.floating_ip_address);
      const vm2 = await c.demo.port(net.id);
      r = await c.demo.put(`/floatingips/${f.id}`, { floatingip: { port_id: vm2.id } });
      assert.equal(r.body.floatingip.fixed_ip_address, vm2.fixed_ips[0].ip_address);
      r = await c.demo.put(`/floatingips/${f.id}`, { floatingip: { port_id: null } });
      assert.equal(r.status, 200);
      assert.deepEqual([r.body.floatingip.port_id, r.body.floatingip.fixed_ip_address, r.body.floatingip.router_id], [null, null, null]);
      assert.equal((await c.demo.del(`/floatingips/${f.id}`)).status, 204);
      neutronError(await c.demo.get(`/floatingips/${f.id}`), 404, 'FloatingIPNotFound');
      assert.deepEqual((await c.admin.read(`/ports?device_owner=network:floatingip&device_id=${f.id}`)).ports, []);
    });

    test('deleting the port disassociates its floating IP, which stays allocated', async () => {
      const { vm } = await connected();
      const f = await fip({ port_id: vm.id });
      assert.equal(f.port_id, vm.id);
      assert.equal((await c.demo.del(`/ports/${vm.id}`)).status, 204);
      const after = (await c.demo.read(`/floatingips/${f.id}`)).floatingip;
      assert.deepEqual([after.port_id, after.fixed_ip_address, after.router_id], [null, null, null]);
      assert.equal(after.floating_ip_address, f.floating_ip_address);
    });

    test('refusals: already associated, unreachable subnet, unknown port or network, address by a member', async () => {
      const { net, vm } = await connected();
      const taken = await fip({ port_id: vm.id });
      const spare = await fip({});
      const isolated = await c.demo.subnet(net.id, `10.${block}.0.0/24`);
      const stranded = await c.demo.port(net.id, { fixed_ips: [{ subnet_id: isolated.id }] });
      await unchanged(everything, async () => {
        neutronError(await c.demo.put(`/floatingips/${spare.id}`, { floatingip: { port_id: vm.id } }), 409, 'FloatingIPPortAlreadyAssociated');
        neutronError(await c.demo.post('/floatingips', { floatingip: { floating_network_id: ext.id, port_id: vm.id } }), 409, 'FloatingIPPortAlreadyAssociated');
        neutronError(await c.demo.post('/floatingips', { floatingip: { floating_network_id: ext.id, port_id: stranded.id } }), 404, 'ExternalGatewayForFloatingIPNotFound');
        neutronError(await c.demo.put(`/floatingips/${spare.id}`, { floatingip: { port_id: stranded.id } }), 404, 'ExternalGatewayForFloatingIPNotFound');
        neutronError(await c.demo.post('/floatingips', { floatingip: { floating_network_id: ext.id, port_id: NOWHERE } }), 404, 'PortNotFound');
        neutronError(await c.demo.post('/floatingips', { floatingip: { floating_network_id: NOWHERE } }), 404, 'NetworkNotFound');
        neutronError(await c.demo.post('/floatingips', { floatingip: { floating_network_id: ext.id, floating_ip_address: '172.24.9.9' } }), 403, 'PolicyNotAuthorized');
        neutronError(await c.demo.put(`/floatingips/${spare.id}`, { floatingip: { floating_ip_address: '172.24.9.9' } }), 400, 'HTTPBadRequest');
        neutronError(await c.other.get(`/floatingips/${taken.id}`), 404, 'FloatingIPNotFound');
        neutronError(await c.other.post('/floatingips', { floatingip: { floating_network_id: ext.id, port_id: vm.id } }), 404, 'PortNotFound');
      });
    });

    test('refusals Neutron types BadRequest: a network that is not external, a fixed IP the port lacks', async () => {
      const { net, vm } = await connected();
      await unchanged(everything, async () => {
        neutronError(await c.demo.post('/floatingips', { floatingip: { floating_network_id: net.id } }), 400, 'BadRequest');
        neutronError(await c.demo.post('/floatingips', { floatingip: { floating_network_id: ext.id, port_id: vm.id, fixed_ip_address: '192.168.250.250' } }), 400, 'BadRequest');
      });
    });

    test('an associated floating IP holds its router interface and gateway in place', async () => {
      const { router, subnet, vm } = await connected();
      await fip({ port_id: vm.id });
      await unchanged(everything, async () => {
        neutronError(await removeInterface(router.id, { subnet_id: subnet.id }), 409, 'RouterInterfaceInUseByFloatingIP');
        neutronError(await c.demo.put(`/routers/${router.id}`, { router: { external_gateway_info: null } }), 409, 'RouterExternalGatewayInUseByFloatingIp');
      });
    });

    test('past the floating IP and router quotas: 409 OverQuota', async () => {
      const project = c.other.projectId;
      const used = (await c.admin.read(`/quotas/${project}/details`)).quota;
      assert.equal((await c.admin.put(`/quotas/${project}`, { quota: { floatingip: used.floatingip.used, router: used.router.used } })).status, 200);
      try {
        await unchanged(everything, async () => {
          neutronError(await c.other.post('/floatingips', { floatingip: { floating_network_id: ext.id } }), 409, 'OverQuota');
          neutronError(await c.other.post('/routers', { router: { name: 'one-too-many' } }), 409, 'OverQuota');
        });
      } finally {
        assert.equal((await c.admin.del(`/quotas/${project}`)).status, 204);
      }
    });
  });
});
