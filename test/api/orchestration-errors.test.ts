// Bad templates and requests over real HTTP on both stores: each answers Heat's error body with
// the path of the problem, and creates nothing (no stack row, no Neutron resource).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, testStores } from '../support/pier.js';
import { startHeat, type HeatCloud } from '../support/orchestration.js';

const hot = (resources: unknown, extra: Record<string, unknown> = {}) => ({ heat_template_version: '2018-08-31', resources, ...extra });

for (const store of testStores()) describe(`orchestration: errors on ${store}`, () => {
  let c: HeatCloud;
  before(async () => { c = await startHeat(store); });
  after(() => c.close());

  async function refused(template: unknown, status: number, type: string, message: string | RegExp, extra: Record<string, unknown> = {}) {
    const r = await c.heat('POST', '/stacks', { stack_name: 'bad', template, ...extra });
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body).sort(), ['code', 'error', 'explanation', 'title']);
    assert.equal(r.body.code, status);
    assert.equal(r.body.error.type, type);
    assert.equal(r.body.error.traceback, null);
    if (typeof message === 'string') assert.equal(r.body.error.message, message);
    else assert.match(r.body.error.message, message);
    assert.deepEqual((await c.heat('GET', '/stacks?show_deleted=true')).body.stacks.filter((s: any) => s.stack_name === 'bad'), []);
    assert.deepEqual((await c.neutron('GET', '/networks')).body.networks, []);
  }

  test('a ResourceGroup member of an unknown type or with bad properties', async () => {
    const g = (def: unknown) => hot({ g: { type: 'OS::Heat::ResourceGroup', properties: { count: 2, resource_def: def } } });
    await refused(g({ type: 'OS::Nope' }), 400, 'StackValidationFailed', 'Failed to validate: resources.g: The Resource Type (OS::Nope) could not be found.');
    await refused(g({ type: 'OS::Neutron::Net', properties: { colour: 'red' } }), 400, 'StackValidationFailed',
      'Property error: resources.g.properties.resource_def.properties: Unknown Property colour');
  });

  test('unknown resource type', () => refused(hot({ net: { type: 'OS::Neutron::Net' }, x: { type: 'OS::Nope::Thing' } }), 400, 'StackValidationFailed',
    'Failed to validate: resources.x: The Resource Type (OS::Nope::Thing) could not be found.'));

  test('missing required property, unknown property, wrong property type, constraint', async () => {
    await refused(hot({ s: { type: 'OS::Neutron::Subnet', properties: { cidr: '10.0.0.0/24' } } }), 400, 'StackValidationFailed',
      'Property error: resources.s.properties: Property network not assigned');
    await refused(hot({ n: { type: 'OS::Neutron::Net', properties: { colour: 'red' } } }), 400, 'StackValidationFailed',
      'Property error: resources.n.properties: Unknown Property colour');
    await refused(hot({ n: { type: 'OS::Neutron::Net', properties: { admin_state_up: 'maybe' } } }), 400, 'StackValidationFailed',
      'Property error: resources.n.properties.admin_state_up: "maybe" is not a valid boolean');
    await refused(hot({ n: { type: 'OS::Neutron::Net' }, s: { type: 'OS::Neutron::Subnet', properties: { network: { get_resource: 'n' }, ip_version: 5 } } }), 400,
      'StackValidationFailed', 'Property error: resources.s.properties.ip_version: "5" is not an allowed value [4, 6]');
    await refused(hot({ s: { type: 'OS::Neutron::Subnet', properties: { network: 'no-such-net', cidr: '10.0.0.0/24' } } }), 400, 'StackValidationFailed',
      "Property error: resources.s.properties.network: Error validating value 'no-such-net': Unable to find network with name or id 'no-such-net'");
  });

  test('bad get_attr, bad reference, dependency cycle', async () => {
    await refused(hot({
      n: { type: 'OS::Neutron::Net' }, v: { type: 'OS::Heat::Value', properties: { value: { get_attr: ['n', 'no_such_attr'] } } },
    }), 400, 'InvalidTemplateAttribute', 'The Referenced Attribute (n no_such_attr) is incorrect.');
    await refused(hot({ v: { type: 'OS::Heat::Value', properties: { value: { get_resource: 'ghost' } } } }), 400, 'InvalidTemplateReference',
      'The specified reference "ghost" (in v.Properties.value) is incorrect.');
    await refused(hot({
      a: { type: 'OS::Heat::Value', properties: { value: { get_resource: 'b' } } },
      b: { type: 'OS::Heat::Value', properties: { value: { get_resource: 'a' } } },
    }), 400, 'CircularDependencyException', /^Circular Dependency Found: /);
  });

  test('wrong parameter type, parameter constraint, unknown parameter', async () => {
    const t = hot({ v: { type: 'OS::Heat::Value', properties: { value: { get_param: 'n' } } } }, {
      parameters: { n: { type: 'number', constraints: [{ range: { min: 1, max: 5 } }] } },
    });
    await refused(t, 400, 'StackValidationFailed', /^Parameter 'n' is invalid: .*abc/, { parameters: { n: 'abc' } });
    await refused(t, 400, 'StackValidationFailed', "Parameter 'n' is invalid: 9 is out of range (min: 1, max: 5)", { parameters: { n: 9 } });
    await refused(t, 400, 'UnknownUserParameter', 'The Parameter (m) was not defined in template.', { parameters: { n: 2, m: 1 } });
    await refused(t, 400, 'UserParameterMissing', 'The Parameter (n) was not provided.');
    const net = hot({ p: { type: 'OS::Neutron::Port', properties: { network: { get_param: 'net' } } } }, {
      parameters: { net: { type: 'string', constraints: [{ custom_constraint: 'neutron.network' }] } },
    });
    await refused(net, 400, 'StackValidationFailed', "Parameter 'net' is invalid: Error validating value 'ghost': Unable to find network with name or id 'ghost'", { parameters: { net: 'ghost' } });
  });

  test('requests: no template, no name, a duplicate name, unknown stack, another project in the URL', async () => {
    const noTemplate = await c.heat('POST', '/stacks', { stack_name: 'x' });
    assert.deepEqual([noTemplate.status, noTemplate.body.error.message], [400, 'No template specified']);
    const noName = await c.heat('POST', '/stacks', { template: hot({}) });
    assert.equal(noName.status, 400);
    const ok = await c.heat('POST', '/stacks', { stack_name: 'dup', template: hot({}) });
    assert.equal(ok.status, 201);
    assert.ok(ok.headers.get('location')!.endsWith(`/stacks/dup/${ok.body.stack.id}`));
    const dup = await c.heat('POST', '/stacks', { stack_name: 'dup', template: hot({}) });
    assert.deepEqual([dup.status, dup.body.error.type, dup.body.error.message], [409, 'StackExists', 'The Stack (dup) already exists.']);
    const missing = await c.heat('GET', '/stacks/nope');
    assert.deepEqual([missing.status, missing.body.error.type, missing.body.error.message], [404, 'EntityNotFound', 'The Stack (nope) could not be found.']);
    const other = await call(c.t.url, 'GET', '/orchestration/v1/someoneelse/stacks', { token: c.token });
    assert.equal(other.status, 403);
    await c.settle('dup', ok.body.stack.id);
    await c.heat('DELETE', `/stacks/dup/${ok.body.stack.id}`);
    await c.settle('dup', ok.body.stack.id);
  });
});
