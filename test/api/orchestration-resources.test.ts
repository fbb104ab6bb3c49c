// Resource plugins end to end over real HTTP on both stores: floating IPs and their association
// on an external network, security group rules, RandomString, Value, an OS::Heat::Stack, and a
// ResourceGroup scaled up and down (removal_policies) by updates.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, call, testStores, tokenFor } from '../support/pier.js';
import { startHeat, type HeatCloud } from '../support/orchestration.js';

for (const store of testStores()) describe(`orchestration: resource plugins on ${store}`, () => {
  let c: HeatCloud;
  let ext: string;
  before(async () => {
    c = await startHeat(store);
    const admin = await tokenFor(c.t.url, 'admin', ADMIN_PASSWORD, 'admin');
    const net = await call(c.t.url, 'POST', '/networking/v2.0/networks', { token: admin, body: { network: { name: 'public', 'router:external': true } } });
    ext = net.body.network.id;
    await call(c.t.url, 'POST', '/networking/v2.0/subnets', { token: admin, body: { subnet: { network_id: ext, cidr: '172.30.0.0/24', ip_version: 4 } } });
  });
  after(() => c.close());

  const ids = async (name: string, id: string) => Object.fromEntries((await c.heat('GET', `/stacks/${name}/${id}/resources`)).body.resources.map((r: any) => [r.resource_name, r.physical_resource_id]));

  test('floating IP on a port behind a router; association; security group rule; RandomString; Value', async () => {
    const s = await c.stack('fip', {
      heat_template_version: '2018-08-31',
      resources: {
        net: { type: 'OS::Neutron::Net' },
        subnet: { type: 'OS::Neutron::Subnet', properties: { network: { get_resource: 'net' }, cidr: '10.33.0.0/24' } },
        router: { type: 'OS::Neutron::Router', properties: { external_gateway_info: { network: 'public' } } },
        iface: { type: 'OS::Neutron::RouterInterface', properties: { router: { get_resource: 'router' }, subnet: { get_resource: 'subnet' } } },
        sg: { type: 'OS::Neutron::SecurityGroup', properties: { rules: [] } },
        rule: { type: 'OS::Neutron::SecurityGroupRule', properties: { security_group: { get_resource: 'sg' }, protocol: 'tcp', port_range_min: 443, port_range_max: 443 } },
        port: { type: 'OS::Neutron::Port', properties: { network: { get_resource: 'net' }, fixed_ips: [{ subnet: { get_resource: 'subnet' } }] } },
        fip: { type: 'OS::Neutron::FloatingIP', depends_on: 'iface', properties: { floating_network: 'public' } },
        assoc: { type: 'OS::Neutron::FloatingIPAssociation', properties: { floatingip_id: { get_resource: 'fip' }, port_id: { get_resource: 'port' } } },
        secret: { type: 'OS::Heat::RandomString', properties: { length: 12, sequence: 'digits' } },
        v: { type: 'OS::Heat::Value', properties: { type: 'number', value: '42' } },
      },
      outputs: {
        fip: { value: { get_attr: ['fip', 'floating_ip_address'] } },
        secret: { value: { get_attr: ['secret', 'value'] } },
        secret_ref: { value: { get_resource: 'secret' } },
        v: { value: { get_attr: ['v', 'value'] } },
      },
    });
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    const out = Object.fromEntries(s.outputs.map((o: any) => [o.output_key, o.output_value]));
    assert.match(out.fip, /^172\.30\.0\.\d+$/);
    assert.match(out.secret, /^\d{12}$/);
    assert.equal(out.secret_ref, out.secret);
    assert.equal(out.v, 42);
    const r = await ids('fip', s.id);
    const fip = (await c.neutron('GET', `/floatingips/${r.fip}`)).body.floatingip;
    assert.deepEqual([fip.port_id, fip.floating_network_id], [r.port, ext]);
    const rule = (await c.neutron('GET', `/security-group-rules/${r.rule}`)).body.security_group_rule;
    assert.deepEqual([rule.security_group_id, rule.port_range_min, rule.protocol], [r.sg, 443, 'tcp']);
    const router = (await c.neutron('GET', `/routers/${r.router}`)).body.router;
    assert.equal(router.external_gateway_info.network_id, ext);
    await c.heat('DELETE', `/stacks/fip/${s.id}`);
    const gone = await c.settle('fip', s.id);
    assert.equal(gone.stack_status, 'DELETE_COMPLETE', gone.stack_status_reason);
    assert.deepEqual((await c.neutron('GET', '/floatingips')).body.floatingips, []);
    assert.deepEqual((await c.neutron('GET', '/routers')).body.routers, []);
  });

  test('OS::Heat::Stack: an inline template as a nested stack, its outputs as attributes', async () => {
    const child = 'heat_template_version: 2018-08-31\nparameters:\n  n: {type: string}\nresources:\n  net: {type: OS::Neutron::Net, properties: {name: {get_param: n}}}\noutputs:\n  id: {value: {get_resource: net}}\n';
    const s = await c.stack('outer', {
      heat_template_version: '2018-08-31',
      resources: { inner: { type: 'OS::Heat::Stack', properties: { template: child, parameters: { n: 'inner-net' } } } },
      outputs: { id: { value: { get_attr: ['inner', 'id'] } } },
    });
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    const net = (await c.neutron('GET', `/networks/${s.outputs[0].output_value}`)).body.network;
    assert.equal(net.name, 'inner-net');
    await c.heat('DELETE', `/stacks/outer/${s.id}`);
    assert.equal((await c.settle('outer', s.id)).stack_status, 'DELETE_COMPLETE');
    assert.equal((await c.neutron('GET', `/networks/${net.id}`)).status, 404);
  });

  test('ResourceGroup: scaled up and down by updates, removal_policies pick who goes', async () => {
    const group = (count: number, remove: string[] = []) => ({
      heat_template_version: '2018-08-31',
      resources: {
        net: { type: 'OS::Neutron::Net' },
        g: { type: 'OS::Heat::ResourceGroup', properties: {
          count, removal_policies: remove.length ? [{ resource_list: remove }] : [],
          resource_def: { type: 'OS::Neutron::Port', properties: { name: 'm-%index%', network: { get_resource: 'net' } } },
        } },
      },
      outputs: { names: { value: { get_attr: ['g', 'name'] } }, refs: { value: { get_attr: ['g', 'refs'] } } },
    });
    const s = await c.stack('grp', group(3));
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    const names = (st: any) => st.outputs.find((o: any) => o.output_key === 'names').output_value;
    assert.deepEqual(names(s), ['m-0', 'm-1', 'm-2']);
    const ports = async () => (await c.neutron('GET', '/ports')).body.ports.map((p: any) => p.name).sort();

    assert.equal((await c.heat('PUT', `/stacks/grp/${s.id}`, { template: group(5) })).status, 202);
    let u = await c.settle('grp', s.id);
    assert.equal(u.stack_status, 'UPDATE_COMPLETE', u.stack_status_reason);
    assert.deepEqual(await ports(), ['m-0', 'm-1', 'm-2', 'm-3', 'm-4']);

    assert.equal((await c.heat('PUT', `/stacks/grp/${s.id}`, { template: group(3, ['1']) })).status, 202);
    u = await c.settle('grp', s.id);
    assert.equal(u.stack_status, 'UPDATE_COMPLETE', u.stack_status_reason);
    assert.deepEqual(names(u), ['m-0', 'm-2', 'm-3']);
    assert.deepEqual(await ports(), ['m-0', 'm-2', 'm-3']);

    await c.heat('DELETE', `/stacks/grp/${s.id}`);
    assert.equal((await c.settle('grp', s.id)).stack_status, 'DELETE_COMPLETE');
    assert.deepEqual(await ports(), []);
  });
});
