import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyEnvironment, mergeEnvironments, parseEnvironment, ResourceRegistry, toEnvironment } from './environment.js';
import type { JsonMap } from './functions/types.js';

/** Matches the error's message (assert.throws with a RegExp tests String(error), which has the name). */
const msg = (re: RegExp) => (e: unknown) => e instanceof Error && re.test(e.message);

describe('parseEnvironment', () => {
  it('reads the known sections', () => {
    const doc = parseEnvironment('parameters: {a: yes}\nparameter_defaults: {b: 2016-10-14}\nresource_registry: {"OS::X": "OS::Y"}\nevent_sinks: []\n');
    assert.deepEqual(doc, { parameters: { a: true }, parameter_defaults: { b: '2016-10-14' }, resource_registry: { 'OS::X': 'OS::Y' }, event_sinks: [] });
    assert.deepEqual(parseEnvironment(''), {});
    assert.deepEqual(parseEnvironment(null), {});
  });
  it('rejects unknown, empty and non-mapping documents', () => {
    assert.throws(() => parseEnvironment('parametres: {}'), msg(/^environment has wrong section "parametres"$/));
    assert.throws(() => parseEnvironment('parameters:\n'), msg(/^environment has empty section "parameters"$/));
    assert.throws(() => parseEnvironment('- a'), msg(/^The environment is not a valid YAML mapping data type\.$/));
  });
  it('checks hooks and restricted actions', () => {
    assert.throws(() => toEnvironment({ resource_registry: { resources: { web: { hooks: 'pre-lunch' } } } }),
      msg(/^Invalid hook type "pre-lunch" for resource breakpoint, acceptable hook types are: \('pre-create', 'pre-update', 'pre-delete', 'post-create', 'post-update', 'post-delete'\)$/));
    assert.throws(() => toEnvironment({ resource_registry: { resources: { web: { restricted_actions: ['delete'] } } } }),
      msg(/Invalid restricted_action type "\['delete'\]" for resource/));
  });
});

describe('mergeEnvironments', () => {
  const types = { a: 'string', l: 'comma_delimited_list', j: 'json', n: 'number' } as const;
  const env = (doc: JsonMap) => ({ name: 'f.yaml', doc });
  it('later files override parameters; unknown ones are dropped once merging', () => {
    const base = toEnvironment({ parameters: { a: 'x' } });
    const m = mergeEnvironments(base, [env({ parameters: { a: 'y', zz: 1 } }), env({ parameter_defaults: { n: 1 } })], types);
    assert.deepEqual(m.parameters, { a: 'y' });
    assert.deepEqual(m.parameter_defaults, { n: 1 });
  });
  it('merges and deep-merges by parameter_merge_strategies', () => {
    const base = toEnvironment({ parameters: { a: 'x', l: 'p', j: { k: { x: 1 } } } });
    const m = mergeEnvironments(base, [
      env({ parameters: { a: 'y', l: 'q', j: { k: { y: 2 } } }, parameter_merge_strategies: { default: 'merge', j: 'deep_merge' } }),
    ], types);
    assert.deepEqual(m.parameters, { a: 'xy', l: 'p,q', j: { k: { x: 1, y: 2 } } });
  });
  it('rejects conflicting strategies across files', () => {
    const base = toEnvironment({ parameters: { a: 'x' } });
    assert.throws(() => mergeEnvironments(base, [
      env({ parameters: { a: 'y' }, parameter_merge_strategies: { a: 'merge' } }),
      { name: 'g.yaml', doc: { parameters: { a: 'z' }, parameter_merge_strategies: { a: 'overwrite' } } },
    ], types), msg(/^Conflicting merge strategy 'overwrite' for parameter 'a' in file 'g\.yaml'\.$/));
  });
  it('merges resource_registry entries key by key', () => {
    const m = mergeEnvironments(emptyEnvironment(), [
      env({ resource_registry: { 'OS::A': 'a.yaml', 'OS::B': 'OS::C' } }),
      env({ resource_registry: { 'OS::A': 'OS::D' } }),
    ], types);
    assert.deepEqual(m.resource_registry, { 'OS::A': 'OS::D', 'OS::B': 'OS::C' });
  });
});

describe('ResourceRegistry', () => {
  const reg = new ResourceRegistry({
    'OS::Networking::*': 'OS::Neutron::*',
    'My::Server': 'OS::Nova::Server',
    'My::App': 'app.yaml',
    'My::Loop': 'My::Loop2',
    'My::Loop2': 'My::Loop',
    resources: {
      special: { 'OS::Nova::Server': 'special.yaml', hooks: ['pre-create'] },
      'web_*': { hooks: 'pre-update', restricted_actions: 'replace' },
    },
  });
  it('resolves aliases, wildcards and templates', () => {
    assert.deepEqual(reg.resolve('My::Server'), { kind: 'type', type: 'OS::Nova::Server' });
    assert.deepEqual(reg.resolve('OS::Networking::Net'), { kind: 'type', type: 'OS::Neutron::Net' });
    assert.deepEqual(reg.resolve('My::App'), { kind: 'template', template: 'app.yaml' });
    assert.deepEqual(reg.resolve('nested.yaml'), { kind: 'template', template: 'nested.yaml' });
    assert.deepEqual(reg.resolve('OS::Heat::None'), { kind: 'type', type: 'OS::Heat::None' });
    assert.equal(reg.resolve('My::Loop').kind, 'type');
  });
  it('applies per-resource overrides, hooks and restricted actions', () => {
    assert.deepEqual(reg.resolve('My::Server', 'special'), { kind: 'template', template: 'special.yaml' });
    assert.equal(reg.hasHook('special', 'pre-create'), true);
    assert.equal(reg.hasHook('web_1', 'pre-update'), true);
    assert.equal(reg.hasHook('db', 'pre-update'), false);
    assert.deepEqual([...reg.restrictedActions('web_1')], ['replace']);
  });
});
