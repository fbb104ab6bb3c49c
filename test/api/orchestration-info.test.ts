// What Heat tells about itself and a stack's details, over real HTTP on both stores:
// resource_types (generated from the plugins), template_versions and functions, build_info,
// validate; stack lists (filters, sort, limit/marker, show_nested), template / environment /
// files, metadata, events per resource and one event.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testStores } from '../support/pier.js';
import { startHeat, type HeatCloud } from '../support/orchestration.js';

for (const store of testStores()) describe(`orchestration: service and stack details on ${store}`, () => {
  let c: HeatCloud;
  before(async () => { c = await startHeat(store); });
  after(() => c.close());

  test('resource_types, template_versions, functions, build_info', async () => {
    const types = (await c.heat('GET', '/resource_types')).body.resource_types;
    for (const t of ['OS::Neutron::Net', 'OS::Neutron::Subnet', 'OS::Neutron::Port', 'OS::Neutron::Router', 'OS::Neutron::RouterInterface',
      'OS::Neutron::SecurityGroup', 'OS::Neutron::SecurityGroupRule', 'OS::Neutron::FloatingIP', 'OS::Neutron::FloatingIPAssociation',
      'OS::Heat::RandomString', 'OS::Heat::Value', 'OS::Heat::None', 'OS::Heat::TestResource', 'OS::Heat::ResourceGroup', 'OS::Heat::Stack']) {
      assert.ok(types.includes(t), t);
    }
    const subnet = (await c.heat('GET', '/resource_types/OS::Neutron::Subnet')).body;
    assert.equal(subnet.resource_type, 'OS::Neutron::Subnet');
    assert.deepEqual([subnet.properties.cidr.update_allowed, subnet.properties.name.update_allowed, subnet.properties.ip_version.default], [false, true, 4]);
    assert.deepEqual(subnet.properties.ip_version.constraints, [{ allowed_values: [4, 6] }]);
    assert.ok(subnet.attributes.cidr.description);
    const unknown = await c.heat('GET', '/resource_types/OS::Nope');
    assert.deepEqual([unknown.status, unknown.body.error.message], [404, 'The Resource Type (OS::Nope) could not be found.']);
    const versions = (await c.heat('GET', '/template_versions')).body.template_versions;
    assert.ok(versions.some((v: any) => v.version === 'heat_template_version.2018-08-31' && v.type === 'hot'));
    const fns = (await c.heat('GET', '/template_versions/heat_template_version.2018-08-31/functions')).body.template_functions;
    assert.ok(fns.some((f: any) => f.functions === 'get_attr'));
    assert.equal((await c.heat('GET', '/template_versions/nope/functions')).status, 404);
    assert.deepEqual(Object.keys((await c.heat('GET', '/build_info')).body).sort(), ['api', 'engine']);
  });

  test('validate', async () => {
    const r = await c.heat('POST', '/validate', { template: { heat_template_version: '2018-08-31', description: 'd', parameters: { n: { type: 'number', default: 3, label: 'N' } }, resources: {} } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { Description: 'd', Parameters: { n: { Type: 'Number', Description: '', Label: 'N', NoEcho: 'false', Default: 3, Value: 3 } } });
    const bad = await c.heat('POST', '/validate', { template: { heat_template_version: '2099-01-01', resources: {} } });
    assert.deepEqual([bad.status, bad.body.error.type], [400, 'InvalidTemplateVersion']);
  });

  test('lists, details, events', async () => {
    const t = (v: string) => ({
      heat_template_version: '2018-08-31',
      resources: { v: { type: 'OS::Heat::Value', properties: { value: v }, metadata: { role: v } }, g: { type: 'OS::Heat::ResourceGroup', properties: { count: 2, resource_def: { type: 'OS::Heat::None' } } } },
    });
    const a = await c.stack('alpha', t('a'), { tags: 'x,y', files: { 'f.txt': 'hello' }, environment: { parameter_defaults: {} } });
    const b = await c.stack('beta', t('b'));
    assert.deepEqual([a.stack_status, b.stack_status], ['CREATE_COMPLETE', 'CREATE_COMPLETE']);
    const names = async (q: string) => (await c.heat('GET', `/stacks${q}`)).body.stacks.map((s: any) => s.stack_name);
    assert.deepEqual(await names('?sort_keys=stack_name&sort_dir=asc'), ['alpha', 'beta']);
    assert.deepEqual(await names('?sort_keys=stack_name&sort_dir=desc'), ['beta', 'alpha']);
    assert.deepEqual(await names('?name=beta'), ['beta']);
    assert.deepEqual(await names('?tags=x'), ['alpha']);
    assert.deepEqual(await names('?sort_keys=stack_name&sort_dir=asc&limit=1'), ['alpha']);
    assert.deepEqual(await names(`?sort_keys=stack_name&sort_dir=asc&marker=${a.id}`), ['beta']);
    assert.equal((await names('?show_nested=true')).length, 4);
    assert.equal((await c.heat('GET', '/stacks?sort_keys=colour')).status, 400);
    assert.deepEqual(a.tags, ['x', 'y']);

    assert.deepEqual((await c.heat('GET', `/stacks/alpha/${a.id}/template`)).body, t('a'));
    assert.deepEqual((await c.heat('GET', `/stacks/alpha/${a.id}/files`)).body, { 'f.txt': 'hello' });
    assert.equal((await c.heat('GET', `/stacks/alpha/${a.id}/environment`)).status, 200);
    assert.deepEqual((await c.heat('GET', `/stacks/alpha/${a.id}/resources/v/metadata`)).body, { metadata: { role: 'a' } });
    const v = (await c.heat('GET', `/stacks/alpha/${a.id}/resources/v`)).body.resource;
    assert.equal(v.attributes.value, 'a');
    assert.equal((await c.heat('GET', `/stacks/alpha/${a.id}/resources/nope`)).status, 404);

    const events = (await c.heat('GET', `/stacks/alpha/${a.id}/resources/v/events`)).body.events;
    assert.deepEqual(events.map((e: any) => e.resource_status), ['CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
    const one = await c.heat('GET', `/stacks/alpha/${a.id}/resources/v/events/${events[1].id}`);
    assert.deepEqual([one.status, one.body.event.resource_status, one.body.event.resource_type], [200, 'CREATE_COMPLETE', 'OS::Heat::Value']);
    assert.equal((await c.heat('GET', `/stacks/alpha/${a.id}/resources/v/events/${a.id}`)).status, 404);
    const nested = (await c.heat('GET', `/stacks/alpha/${a.id}/events?nested_depth=1`)).body.events;
    assert.ok(nested.some((e: any) => e.resource_name === '0'));
    const newest = (await c.heat('GET', `/stacks/alpha/${a.id}/events?sort_dir=desc&limit=1`)).body.events;
    assert.deepEqual([newest.length, newest[0].resource_name, newest[0].resource_status], [1, 'alpha', 'CREATE_COMPLETE']);
    const res = (await c.heat('GET', `/stacks/alpha/${a.id}/resources?nested_depth=1`)).body.resources;
    assert.deepEqual(res.map((r: any) => r.resource_name).sort(), ['0', '1', 'g', 'v']);
    for (const s of [a, b]) { await c.heat('DELETE', `/stacks/${s.stack_name}/${s.id}`); await c.settle(s.stack_name, s.id); }
    assert.deepEqual(await names('?show_nested=true'), []);
  });
});
