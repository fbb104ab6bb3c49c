// One table-driven walk over every resource plugin: its schemas are complete and consistent (a
// description everywhere, defaults that pass their own schema, update_allowed only where an
// update verb exists), and properties are checked with Heat's messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeatError, ResourceRegistry, Unresolved } from '../template/index.js';
import { checkProperties, schemaView } from './properties.js';
import { PLUGINS, pluginFor } from './registry.js';
import type { PropertySchema } from './types.js';

const TYPES = ['string', 'integer', 'number', 'boolean', 'list', 'map', 'any'];

function walk(path: string, s: PropertySchema): void {
  assert.ok(TYPES.includes(s.type), `${path}: type ${s.type}`);
  assert.ok(s.description, `${path}: no description`);
  if (s.default !== undefined && s.default !== null) checkProperties({ x: s }, { x: s.default }, path);
  for (const [k, sub] of Object.entries(s.schema ?? {})) walk(`${path}.${k}`, sub);
}

for (const [type, plugin] of PLUGINS) {
  test(`${type}: schemas`, () => {
    assert.equal(plugin.type, type);
    assert.match(type, /^OS::(Neutron|Nova|Cinder|Heat)::[A-Za-z]+$/);
    assert.ok(plugin.description);
    for (const [k, s] of Object.entries(plugin.properties)) {
      walk(`${type}.${k}`, s);
      if (s.update_allowed) assert.ok(plugin.update, `${type}.${k} is update_allowed but the plugin cannot update`);
      assert.deepEqual(Object.keys(schemaView(s)).slice(0, 3), ['type', 'description', 'required']);
    }
    for (const [k, a] of Object.entries(plugin.attributes)) assert.ok(a.description, `${type} attribute ${k}`);
  });
}

test('properties: defaults, conversion, unknown and missing names, constraints, unresolved values', () => {
  const net = PLUGINS.get('OS::Neutron::Net')!;
  assert.deepEqual(checkProperties(net.properties, { admin_state_up: 'false' }, 'resources.n.properties'),
    { admin_state_up: false, shared: false, value_specs: {} });
  const subnet = PLUGINS.get('OS::Neutron::Subnet')!;
  const err = (f: () => unknown) => { try { f(); } catch (e) { assert.ok(e instanceof HeatError); return e.message; } return assert.fail('no error'); };
  assert.equal(err(() => checkProperties(subnet.properties, {}, 'resources.s.properties')), 'Property error: resources.s.properties: Property network not assigned');
  assert.equal(err(() => checkProperties(subnet.properties, { network: 'n', ip_version: '5' }, 'resources.s.properties')),
    'Property error: resources.s.properties.ip_version: "5" is not an allowed value [4, 6]');
  assert.equal(err(() => checkProperties(subnet.properties, { network: 'n', allocation_pools: [{ start: '10.0.0.2' }] }, 'resources.s.properties')),
    'Property error: resources.s.properties.allocation_pools[0]: Property end not assigned');
  assert.equal(err(() => checkProperties(subnet.properties, { network: 'n', prefixlen: 'x' }, 'resources.s.properties')),
    "Property error: resources.s.properties.prefixlen: Value 'x' is not an integer");
  // Before create, values that depend on other resources pass.
  const partial = checkProperties(subnet.properties, { network: new Unresolved('later') }, 'resources.s.properties', true);
  assert.ok(partial['network'] instanceof Unresolved);
  // OS::Heat::None takes anything.
  assert.deepEqual(checkProperties({}, { anything: 1 }, 'p', false, true), { anything: 1 });
});

test('pluginFor: registry aliases, template files, unknown types', () => {
  const registry = new ResourceRegistry({ 'My::Net': 'OS::Neutron::Net', 'My::Lan': 'lan.yaml' });
  assert.equal(pluginFor('My::Net', registry, 'n', {}).type, 'OS::Neutron::Net');
  const lan = pluginFor('My::Lan', registry, 'l', { 'lan.yaml': 'heat_template_version: 2018-08-31\nparameters:\n  cidr: {type: string}\noutputs:\n  id: {value: x}\n' });
  assert.deepEqual(Object.keys(lan.properties), ['cidr']);
  assert.deepEqual(Object.keys(lan.attributes), ['id']);
  assert.throws(() => pluginFor('OS::Nope', registry, 'x', {}), /resources\.x: The Resource Type \(OS::Nope\) could not be found\./);
  assert.throws(() => pluginFor('My::Lan', registry, 'x', {}), /Could not fetch remote template "lan\.yaml"/);
});
