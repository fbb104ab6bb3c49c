// Stack updates over real HTTP on both stores: the preview lists what would be replaced,
// updated, added, deleted and left alone; the update then replaces a subnet (new cidr), updates
// a port in place onto it, adds and removes resources, and PATCH (--existing) keeps the template.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testStores } from '../support/pier.js';
import { startHeat, type HeatCloud } from '../support/orchestration.js';

const template = (extra: Record<string, unknown> = {}) => ({
  heat_template_version: '2018-08-31',
  parameters: { cidr: { type: 'string', default: '10.70.0.0/24' }, port_name: { type: 'string', default: 'p1' } },
  resources: {
    net: { type: 'OS::Neutron::Net' },
    subnet: { type: 'OS::Neutron::Subnet', properties: { network: { get_resource: 'net' }, cidr: { get_param: 'cidr' } } },
    port: { type: 'OS::Neutron::Port', properties: { name: { get_param: 'port_name' }, network: { get_resource: 'net' }, fixed_ips: [{ subnet: { get_resource: 'subnet' } }] } },
    router: { type: 'OS::Neutron::Router' },
    iface: { type: 'OS::Neutron::RouterInterface', properties: { router: { get_resource: 'router' }, subnet: { get_resource: 'subnet' } } },
    ...extra,
  },
  outputs: { ip: { value: { get_attr: ['port', 'fixed_ips', 0, 'ip_address'] } } },
});

for (const store of testStores()) describe(`orchestration: stack update on ${store}`, () => {
  let c: HeatCloud;
  before(async () => { c = await startHeat(store); });
  after(() => c.close());

  test('preview, then replace a subnet and update a port in place; add and drop resources; PATCH', async () => {
    const s = await c.stack('upd', template({ extra: { type: 'OS::Heat::RandomString' } }));
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    const before = Object.fromEntries((await c.heat('GET', `/stacks/upd/${s.id}/resources`)).body.resources.map((r: any) => [r.resource_name, r.physical_resource_id]));

    const next = { template: template({ more: { type: 'OS::Neutron::Net' } }), parameters: { cidr: '10.71.0.0/24', port_name: 'p2' } };
    const preview = await c.heat('PUT', `/stacks/upd/${s.id}/preview`, next);
    assert.equal(preview.status, 200, JSON.stringify(preview.body));
    const names = (k: string) => preview.body.resource_changes[k].map((r: any) => r.resource_name).sort();
    assert.deepEqual(
      { added: names('added'), deleted: names('deleted'), replaced: names('replaced'), updated: names('updated'), unchanged: names('unchanged') },
      { added: ['more'], deleted: ['extra'], replaced: ['subnet'], updated: ['port'], unchanged: ['iface', 'net', 'router'] },
    );
    // A preview changes nothing.
    assert.equal((await c.heat('GET', `/stacks/upd/${s.id}`)).body.stack.stack_status, 'CREATE_COMPLETE');

    assert.equal((await c.heat('PUT', `/stacks/upd/${s.id}`, next)).status, 202);
    const u = await c.settle('upd', s.id);
    assert.equal(u.stack_status, 'UPDATE_COMPLETE', u.stack_status_reason);
    assert.match(u.outputs[0].output_value, /^10\.71\.0\.\d+$/);
    const after = Object.fromEntries((await c.heat('GET', `/stacks/upd/${s.id}/resources`)).body.resources.map((r: any) => [r.resource_name, r.physical_resource_id]));
    assert.deepEqual(Object.keys(after).sort(), ['iface', 'more', 'net', 'port', 'router', 'subnet']);
    assert.notEqual(after.iface, before.iface, 'the interface follows the subnet');
    const routerPorts = (await c.neutron('GET', `/ports?device_id=${after.router}`)).body.ports;
    assert.deepEqual(routerPorts.map((p: any) => p.fixed_ips[0].subnet_id), [after.subnet]);
    assert.equal(after.net, before.net);
    assert.equal(after.port, before.port, 'the port is updated in place');
    assert.notEqual(after.subnet, before.subnet, 'the subnet is replaced');
    assert.equal((await c.neutron('GET', `/subnets/${before.subnet}`)).status, 404);
    const port = (await c.neutron('GET', `/ports/${after.port}`)).body.port;
    assert.deepEqual([port.name, port.fixed_ips.map((f: any) => f.subnet_id)], ['p2', [after.subnet]]);

    // PATCH keeps the template and the other parameters.
    assert.equal((await c.heat('PATCH', `/stacks/upd/${s.id}`, { parameters: { port_name: 'p3' } })).status, 202);
    const p = await c.settle('upd', s.id);
    assert.equal(p.stack_status, 'UPDATE_COMPLETE', p.stack_status_reason);
    assert.deepEqual([p.parameters.cidr, p.parameters.port_name], ['10.71.0.0/24', 'p3']);
    assert.equal((await c.neutron('GET', `/ports/${after.port}`)).body.port.name, 'p3');

    // A resource marked unhealthy is replaced by the next update.
    const mark = await c.heat('PATCH', `/stacks/upd/${s.id}/resources/more`, { mark_unhealthy: true, resource_status_reason: 'broken' });
    assert.equal(mark.status, 200);
    assert.equal((await c.heat('GET', `/stacks/upd/${s.id}/resources/more`)).body.resource.resource_status, 'CHECK_FAILED');
    assert.equal((await c.heat('PATCH', `/stacks/upd/${s.id}`, {})).status, 202);
    assert.equal((await c.settle('upd', s.id)).stack_status, 'UPDATE_COMPLETE');
    const healed = (await c.heat('GET', `/stacks/upd/${s.id}/resources/more`)).body.resource;
    assert.equal(healed.resource_status, 'CREATE_COMPLETE');
    assert.notEqual(healed.physical_resource_id, after.more);
    assert.equal((await c.neutron('GET', `/networks/${after.more}`)).status, 404);

    // A bad update is refused before anything changes.
    const bad = await c.heat('PUT', `/stacks/upd/${s.id}`, { template: template({ x: { type: 'OS::Nope' } }) });
    assert.equal(bad.status, 400);
    assert.equal((await c.heat('GET', `/stacks/upd/${s.id}`)).body.stack.stack_status, 'UPDATE_COMPLETE');

    await c.heat('DELETE', `/stacks/upd/${s.id}`);
    assert.equal((await c.settle('upd', s.id)).stack_status, 'DELETE_COMPLETE');
    assert.deepEqual((await c.neutron('GET', '/networks')).body.networks, []);
  });

  test('a failed update rolls back to the previous template (the replaced subnet restored); disable_rollback stops at UPDATE_FAILED', async () => {
    const s = await c.stack('rb', template(), { disable_rollback: false });
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    const before = Object.fromEntries((await c.heat('GET', `/stacks/rb/${s.id}/resources`)).body.resources.map((r: any) => [r.resource_name, r.physical_resource_id]));
    const failing = { template: template({ boom: { type: 'OS::Heat::TestResource', properties: { fail: true }, depends_on: 'port' } }), parameters: { cidr: '10.72.0.0/24' } };
    assert.equal((await c.heat('PUT', `/stacks/rb/${s.id}`, failing)).status, 202);
    const r = await c.settle('rb', s.id);
    assert.equal(r.stack_status, 'ROLLBACK_COMPLETE', r.stack_status_reason);
    const events = (await c.heat('GET', `/stacks/rb/${s.id}/events`)).body.events.filter((e: any) => e.resource_name === 'rb').map((e: any) => e.resource_status);
    assert.deepEqual(events.slice(-4), ['UPDATE_IN_PROGRESS', 'UPDATE_FAILED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE']);
    const after = Object.fromEntries((await c.heat('GET', `/stacks/rb/${s.id}/resources`)).body.resources.map((x: any) => [x.resource_name, x.physical_resource_id]));
    assert.deepEqual(after, before, 'the same resources as before the update, the subnet restored rather than remade');
    const subnets = (await c.neutron('GET', '/subnets')).body.subnets;
    assert.deepEqual(subnets.map((x: any) => [x.id, x.cidr]), [[before.subnet, '10.70.0.0/24']]);
    const port = (await c.neutron('GET', `/ports/${before.port}`)).body.port;
    assert.deepEqual(port.fixed_ips.map((f: any) => f.subnet_id), [before.subnet]);
    assert.equal((await c.heat('GET', `/stacks/rb/${s.id}/template`)).body.resources.boom, undefined);

    assert.equal((await c.heat('PATCH', `/stacks/rb/${s.id}`, { ...failing, disable_rollback: true })).status, 202);
    const f = await c.settle('rb', s.id);
    assert.equal(f.stack_status, 'UPDATE_FAILED');
    assert.equal(f.stack_status_reason, 'Resource UPDATE failed: ValueError: resources.boom: Test Resource failed boom');
    await c.heat('DELETE', `/stacks/rb/${s.id}`);
    assert.equal((await c.settle('rb', s.id)).stack_status, 'DELETE_COMPLETE');
    assert.deepEqual((await c.neutron('GET', '/networks')).body.networks, []);
    assert.deepEqual((await c.neutron('GET', '/subnets')).body.subnets, []);
  });

  test('cancel_update stops an update and rolls it back', async () => {
    // Only the new definition is slow to update to; going back is quick.
    const t = (value: string, wait = 0) => ({ heat_template_version: '2018-08-31', resources: { slow: { type: 'OS::Heat::TestResource', properties: { value, action_wait_secs: { update: wait } } } } });
    const s = await c.stack('cancel', t('one'));
    assert.equal((await c.heat('PUT', `/stacks/cancel/${s.id}`, { template: t('two', 30) })).status, 202);
    for (;;) {
      const r = (await c.heat('GET', `/stacks/cancel/${s.id}/resources/slow`)).body.resource;
      if (r.resource_status === 'UPDATE_IN_PROGRESS') break;
      await new Promise((res) => setTimeout(res, 10));
    }
    const started = Date.now();
    assert.equal((await c.heat('POST', `/stacks/cancel/${s.id}/actions`, { cancel_update: null })).status, 200);
    const r = await c.settle('cancel', s.id);
    assert.ok(Date.now() - started < 10_000, 'cancelled, not waited out');
    assert.equal(r.stack_status, 'ROLLBACK_COMPLETE', r.stack_status_reason);
    const statuses = (await c.heat('GET', `/stacks/cancel/${s.id}/events`)).body.events.filter((e: any) => e.resource_name === 'cancel');
    assert.ok(statuses.some((e: any) => e.resource_status === 'UPDATE_FAILED' && e.resource_status_reason === 'Stack UPDATE cancelled'));
    assert.equal((await c.heat('GET', `/stacks/cancel/${s.id}/template`)).body.resources.slow.properties.value, 'one');
    const idle = await c.heat('POST', `/stacks/cancel/${s.id}/actions`, { cancel_update: null });
    assert.equal(idle.status, 400);
    await c.heat('DELETE', `/stacks/cancel/${s.id}`);
    await c.settle('cancel', s.id);
  });

  test('a template resource whose template file changed is updated (its nested stack with it)', async () => {
    const child = (cidr: string) => `heat_template_version: 2018-08-31\nresources:\n  net: {type: OS::Neutron::Net}\n  subnet:\n    type: OS::Neutron::Subnet\n    properties: {network: {get_resource: net}, cidr: ${cidr}}\noutputs:\n  cidr: {value: {get_attr: [subnet, cidr]}}\n`;
    const parent = { heat_template_version: '2018-08-31', resources: { lan: { type: 'lan.yaml' } }, outputs: { cidr: { value: { get_attr: ['lan', 'cidr'] } } } };
    const r = await c.heat('POST', '/stacks', { stack_name: 'tr', template: parent, files: { 'lan.yaml': child('10.74.0.0/24') } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const s = await c.settle('tr', r.body.stack.id);
    assert.equal(s.outputs[0].output_value, '10.74.0.0/24');
    const preview = await c.heat('PUT', `/stacks/tr/${s.id}/preview`, { template: parent, files: { 'lan.yaml': child('10.75.0.0/24') } });
    assert.deepEqual(preview.body.resource_changes.updated.map((x: any) => x.resource_name), ['lan']);
    assert.equal((await c.heat('PUT', `/stacks/tr/${s.id}`, { template: parent, files: { 'lan.yaml': child('10.75.0.0/24') } })).status, 202);
    const u = await c.settle('tr', s.id);
    assert.equal(u.stack_status, 'UPDATE_COMPLETE', u.stack_status_reason);
    assert.equal(u.outputs[0].output_value, '10.75.0.0/24');
    assert.deepEqual((await c.neutron('GET', '/subnets')).body.subnets.map((x: any) => x.cidr), ['10.75.0.0/24']);
    await c.heat('DELETE', `/stacks/tr/${s.id}`);
    assert.equal((await c.settle('tr', s.id)).stack_status, 'DELETE_COMPLETE');
    assert.deepEqual((await c.neutron('GET', '/networks')).body.networks, []);
  });
  test('a template resource whose template has an OS::stack_id output is referred to by it: in get_resource, a group\'s refs and its removal_policies', async () => {
    const child = 'heat_template_version: 2018-08-31\nresources:\n  net: {type: OS::Neutron::Net}\noutputs:\n  OS::stack_id: {value: {get_resource: net}}\n';
    const parent = (count: number, remove: string[] = []) => ({
      heat_template_version: '2018-08-31',
      resources: { g: { type: 'OS::Heat::ResourceGroup', properties: { count, resource_def: { type: 'lan.yaml' }, ...(remove.length ? { removal_policies: [{ resource_list: remove }] } : {}) } } },
      outputs: { refs: { value: { get_attr: ['g', 'refs'] } } },
    });
    const r = await c.heat('POST', '/stacks', { stack_name: 'ref', template: parent(2), files: { 'lan.yaml': child } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const s = await c.settle('ref', r.body.stack.id);
    assert.equal(s.stack_status, 'CREATE_COMPLETE', s.stack_status_reason);
    const nets = (await c.neutron('GET', '/networks')).body.networks.map((n: any) => n.id).sort();
    const refs = s.outputs[0].output_value as string[];
    assert.deepEqual([...refs].sort(), nets, 'the members\' references are their networks\' ids');
    // The member named by its network's id is the one removed.
    assert.equal((await c.heat('PUT', `/stacks/ref/${s.id}`, { template: parent(1, [refs[0]!]), files: { 'lan.yaml': child } })).status, 202);
    const u = await c.settle('ref', s.id);
    assert.equal(u.stack_status, 'UPDATE_COMPLETE', u.stack_status_reason);
    assert.deepEqual(u.outputs[0].output_value, [refs[1]]);
    assert.deepEqual((await c.neutron('GET', '/networks')).body.networks.map((n: any) => n.id), [refs[1]]);
    await c.heat('DELETE', `/stacks/ref/${s.id}`);
    assert.equal((await c.settle('ref', s.id)).stack_status, 'DELETE_COMPLETE');
  });
});

