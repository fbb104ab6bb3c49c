import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dependencies, outputDependencies, resourceRefs } from './dependencies.js';
import { evaluateConditions } from './conditions.js';
import { HeatError } from './errors.js';
import { parseTemplate } from './format.js';
import type { Json } from './functions/types.js';
import { loadTemplate } from './template.js';
import { listTemplateFunctions, listTemplateVersions, templateVersion } from './versions.js';

const load = (text: string) => loadTemplate(parseTemplate(text));

function heatError(fn: () => unknown, type: string, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof HeatError, String(e));
    assert.equal(e.type, type);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

describe('parseTemplate (YAML 1.1 as PyYAML, JSON)', () => {
  it('keeps a bare date version as the string', () => {
    assert.deepEqual(parseTemplate('heat_template_version: 2016-10-14\n'), { heat_template_version: '2016-10-14' });
  });
  it('reads PyYAML booleans, not y/n; no exponent without a dot', () => {
    const t = parseTemplate('heat_template_version: 2016-10-14\na: yes\nb: Off\nc: y\nd: n\ne: 1e5\nf: 1.5e+3\ng: 010\nh: 09\n');
    assert.deepEqual(t, { heat_template_version: '2016-10-14', a: true, b: false, c: 'y', d: 'n', e: '1e5', f: 1500, g: 8, h: '09' });
  });
  it('accepts JSON', () => {
    assert.deepEqual(parseTemplate('{"heat_template_version": "2015-10-15"}'), { heat_template_version: '2015-10-15' });
  });
  it('rejects empty, non-mapping, versionless and oversized templates', () => {
    heatError(() => parseTemplate(''), 'ValueError', 'Template format version not found.');
    heatError(() => parseTemplate('- a'), 'ValueError', 'The template is not a JSON object or YAML mapping.');
    heatError(() => parseTemplate('a: [', { url: 'x.yaml' }), 'ValueError', /^Error parsing template x\.yaml /);
    heatError(() => parseTemplate('heat_template_version: 2016-10-14', { maxSize: 10 }), 'RequestLimitExceeded', /Template size \(33 bytes\) exceeds maximum allowed size \(10 bytes\)/);
  });
});

describe('template versions', () => {
  it('accepts dates and release aliases', () => {
    assert.equal(templateVersion({ heat_template_version: 'wallaby' }).version, '2021-04-16');
    assert.equal(templateVersion({ heat_template_version: 'newton' }).version, '2016-10-14');
  });
  it('rejects unknown, ambiguous, missing and CFN versions', () => {
    heatError(() => templateVersion({ heat_template_version: '2012-01-01' }), 'InvalidTemplateVersion',
      'The template version is invalid: "heat_template_version: 2012-01-01". "heat_template_version" should be one of: 2013-05-23, 2014-10-16, 2015-04-30, 2015-10-15, 2016-04-08, 2016-10-14, 2017-02-24, 2017-09-01, 2018-03-02, 2018-08-31, 2021-04-16, newton, ocata, pike, queens, rocky, wallaby');
    heatError(() => templateVersion({ heat_template_version: '2016-10-14', AWSTemplateFormatVersion: '2010-09-09' }), 'InvalidTemplateVersion',
      'The template version is invalid: Ambiguous versions (heat_template_version, AWSTemplateFormatVersion)');
    heatError(() => templateVersion({ heat_template_version: 2016 }), 'InvalidTemplateVersion', 'The template version is invalid: Template version was not provided');
    heatError(() => templateVersion({ AWSTemplateFormatVersion: '2010-09-09' }), 'InvalidTemplateVersion', /CFN templates are not supported by Pier/);
  });
  it('lists versions and functions for the API', () => {
    const versions = listTemplateVersions();
    assert.equal(versions.length, 11);
    assert.deepEqual(versions.find((v) => v.version === 'heat_template_version.2016-10-14'), {
      version: 'heat_template_version.2016-10-14', type: 'hot', aliases: ['heat_template_version.newton'],
    });
    const fns = listTemplateFunctions('heat_template_version.2015-10-15')!.map((f) => f.functions);
    assert.ok(fns.includes('str_split') && !fns.includes('Fn::Select') && !fns.includes('if'));
    const withCond = listTemplateFunctions('heat_template_version.pike', true)!.map((f) => f.functions);
    assert.ok(['equals', 'not', 'and', 'or', 'contains', 'make_url'].every((f) => withCond.includes(f)));
    assert.equal(listTemplateFunctions('heat_template_version.2012-01-01'), undefined);
    assert.ok(listTemplateFunctions('heat_template_version.2013-05-23')!.every((f) => f.description.length > 0));
  });
});

describe('sections and resource definitions', () => {
  it('rejects unknown sections; conditions only from 2016-10-14', () => {
    heatError(() => load('heat_template_version: 2016-10-14\nfoo: {}\n'), 'InvalidTemplateSection', 'The template section is invalid: foo');
    heatError(() => load('heat_template_version: 2016-04-08\nconditions: {}\n'), 'InvalidTemplateSection', 'The template section is invalid: conditions');
    assert.ok(load('heat_template_version: 2016-10-14\nconditions: {}\n'));
  });
  it('checks resource keys by version', () => {
    heatError(() => load('heat_template_version: 2016-04-08\nresources:\n  r: {type: T, condition: c}\n'), 'StackValidationFailed', '"condition" is not a valid keyword inside a resource definition');
    heatError(() => load('heat_template_version: 2016-10-14\nresources:\n  r: {properties: {}}\n'), 'StackValidationFailed', 'Each resource must contain a type key.');
    heatError(() => load('heat_template_version: 2016-10-14\nresources:\n  r:\n'), 'StackValidationFailed', 'Each resource must contain a type key.');
    heatError(() => load('heat_template_version: 2016-10-14\nresources:\n  r: {type: [T]}\n'), 'StackValidationFailed', 'Resource r type type must be string');
    heatError(() => load('heat_template_version: 2016-10-14\nresources:\n  r: {type: T, properties: [1]}\n'), 'StackValidationFailed', 'Resource r properties type must be object');
    heatError(() => load('heat_template_version: 2016-10-14\nresources:\n  r: {type: T, depends_on: [1]}\n'), 'StackValidationFailed', 'Resource r depends_on must be a list of strings');
  });
  it('accepts deletion policies by version', () => {
    const t = load('heat_template_version: 2016-10-14\nresources:\n  r: {type: T, deletion_policy: retain, depends_on: s}\n  s: {type: T}\n');
    assert.equal(t.resources['r']!.deletionPolicy, 'Retain');
    assert.deepEqual(t.resources['r']!.dependsOn, ['s']);
    heatError(() => load('heat_template_version: 2016-04-08\nresources:\n  r: {type: T, deletion_policy: retain}\n'), 'StackValidationFailed', 'Invalid deletion policy "retain"');
  });
  it('names the path of a function error', () => {
    heatError(() => load('heat_template_version: 2016-10-14\nresources:\n  web:\n    type: T\n    properties:\n      network: {list_concat: [[a]]}\n'),
      'StackValidationFailed', 'resources.web.properties.network.list_concat: The function "list_concat" is not supported in heat_template_version 2016-10-14 (available from 2017-09-01)');
    heatError(() => load('heat_template_version: 2016-10-14\nresources:\n  web:\n    type: T\n    properties:\n      a: [{str_replace: {template: x}}]\n'),
      'StackValidationFailed', /^resources\.web\.properties\.a\[0\]\.str_replace: /);
  });
  it('checks outputs', () => {
    heatError(() => load('heat_template_version: 2016-10-14\noutputs:\n  o: {description: d}\n'), 'StackValidationFailed', 'Output validation error: outputs.o: Each output definition must contain a value key.');
    heatError(() => load('heat_template_version: 2016-04-08\noutputs:\n  o: {value: 1, condition: c}\n'), 'StackValidationFailed', '"condition" is not a valid keyword inside a output definition');
  });
  it('rejects depends_on with external_id', () => {
    heatError(() => load('heat_template_version: 2016-10-14\nresources:\n  r: {type: T, external_id: abc, depends_on: s}\n  s: {type: T}\n'),
      'InvalidExternalResourceDependency', 'Invalid dependency with external T resource: abc');
  });
});

const GRAPH = `
heat_template_version: 2016-10-14
parameters:
  use_b: {type: boolean, default: false}
conditions:
  b_on: {get_param: use_b}
resources:
  net: {type: OS::Neutron::Net}
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}}
  port:
    type: OS::Neutron::Port
    properties:
      network: {get_attr: [subnet, network_id]}
      name: {if: [b_on, {get_resource: b}, x]}
    metadata: {m: {list_join: [',', [{get_attr: [net, name]}]]}}
  b:
    type: T
    condition: b_on
  server:
    type: OS::Nova::Server
    depends_on: [port, b]
outputs:
  addr: {value: {get_attr: [port, fixed_ips, 0]}}
`;

describe('dependencies', () => {
  const t = load(GRAPH);
  const sets = (g: Map<string, Set<string>>) => Object.fromEntries([...g].map(([k, v]) => [k, [...v].sort()]));
  it('combines depends_on and references in properties and metadata', () => {
    assert.deepEqual(sets(dependencies(t)), {
      b: [], net: [], port: ['b', 'net', 'subnet'], server: ['b', 'port'], subnet: ['net'],
    });
  });
  it('drops disabled resources and untaken if branches when conditions are known', () => {
    const param = (n: string): Json | undefined => ({ use_b: false })[n];
    const conditions = evaluateConditions(t, param);
    assert.deepEqual(sets(dependencies(t, { param, conditions })), {
      net: [], port: ['net', 'subnet'], server: ['port'], subnet: ['net'],
    });
  });
  it('gives attribute references with Heat location keys', () => {
    assert.deepEqual(resourceRefs(t, 'port').filter((r) => r.attribute !== undefined), [
      { resource: 'subnet', attribute: 'network_id', key: 'port.Properties.network' },
      { resource: 'net', attribute: 'name', key: 'port.Metadata.m.list_join[1][0]' },
    ]);
    assert.deepEqual(sets(outputDependencies(t)), { addr: ['port'] });
  });
  it('follows references computed from parameters', () => {
    const t2 = load('heat_template_version: 2015-10-15\nparameters:\n  which: {type: string}\nresources:\n  a: {type: T}\n  b: {type: T, properties: {x: {get_resource: {get_param: which}}}}\n');
    assert.deepEqual(sets(dependencies(t2, { param: (n) => (n === 'which' ? 'a' : undefined) })), { a: [], b: ['a'] });
    assert.deepEqual(sets(dependencies(t2)), { a: [], b: [] });
  });
  it('reports unknown references as Heat does', () => {
    const bad = (props: string) => load(`heat_template_version: 2016-10-14\nresources:\n  web:\n    type: T\n${props}\n`);
    heatError(() => dependencies(bad('    properties: {net: {get_resource: nope}}')), 'InvalidTemplateReference',
      'The specified reference "nope" (in web.Properties.net) is incorrect.');
    heatError(() => dependencies(bad('    depends_on: nope')), 'InvalidTemplateReference', 'The specified reference "nope" (in web) is incorrect.');
    heatError(() => dependencies(bad('    properties: {a: [{get_attr: [nope, x]}]}')), 'InvalidTemplateReference',
      'The specified reference "nope" (in web.Properties.a[0]) is incorrect.');
  });
  it('detects cycles', () => {
    const t3 = load('heat_template_version: 2016-10-14\nresources:\n  a: {type: T, depends_on: b}\n  b: {type: T, properties: {x: {get_attr: [a, y]}}}\n  c: {type: T}\n');
    heatError(() => dependencies(t3), 'CircularDependencyException', 'Circular Dependency Found: {a: {b}, b: {a}}');
    heatError(() => dependencies(load('heat_template_version: 2016-10-14\nresources:\n  a: {type: T, depends_on: a}\n')), 'CircularDependencyException', /Circular Dependency Found/);
  });
  it('counts Ref to resources in 2013-05-23', () => {
    const t4 = load('heat_template_version: 2013-05-23\nresources:\n  a: {type: T}\n  b: {type: T, properties: {x: {Ref: a}}}\n');
    assert.deepEqual(sets(dependencies(t4)), { a: [], b: ['a'] });
  });
});
