import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeatError } from './errors.js';
import { parseTemplate } from './format.js';
import type { Json, JsonMap } from './functions/types.js';
import { validateParameterGroups } from './parameter-groups.js';
import { displayValue, immutableParamsModified, parameterSchemata, resolveParameters } from './parameters.js';
import type { CustomConstraintCheck } from './parameters.js';
import { loadTemplate } from './template.js';

/** Matches the error's message (assert.throws with a RegExp tests String(error), which has the name). */
const msg = (re: RegExp) => (e: unknown) => e instanceof Error && re.test(e.message);

function tmpl(params: string, version = '2018-08-31', extra = '') {
  return loadTemplate(parseTemplate(`heat_template_version: ${version}\nparameters:\n${params}\n${extra}`));
}

async function value(params: string, user: JsonMap = {}, version?: string, custom?: CustomConstraintCheck): Promise<Json> {
  const r = await resolveParameters(tmpl(params, version), { parameters: user }, {}, custom);
  return r.values['p']!;
}

async function rejects(p: Promise<unknown>, type: string, message: string | RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof HeatError, String(e));
    assert.equal(e.type, type);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

describe('parameter conversions', () => {
  const cases: [string, Json, Json][] = [
    ['number', '42', 42],
    ['number', '4.5', 4.5],
    ['number', 7, 7],
    ['boolean', 'yes', true],
    ['boolean', 'OFF', false],
    ['boolean', '1', true],
    ['boolean', true, true],
    ['comma_delimited_list', 'a,b, c', ['a', 'b', ' c']],
    ['comma_delimited_list', '', []],
    ['comma_delimited_list', ['a', 1], ['a', '1']],
    ['json', '{"a": [1]}', { a: [1] }],
    ['json', { a: 1 }, { a: 1 }],
    ['string', 5, '5'],
    ['string', true, 'True'],
  ];
  for (const [type, input, expected] of cases) {
    it(`${type}: ${JSON.stringify(input)} → ${JSON.stringify(expected)}`, async () => {
      assert.deepEqual(await value(`  p: {type: ${type}}`, { p: input }), expected);
    });
  }
  it('reports conversion failures naming the parameter', async () => {
    await rejects(value('  p: {type: number}', { p: 'abc' }), 'StackValidationFailed', "Parameter 'p' is invalid: could not convert string to float: 'abc'");
    await rejects(value('  p: {type: boolean}', { p: 'maybe' }), 'StackValidationFailed',
      "Parameter 'p' is invalid: Unrecognized value 'maybe', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'");
    await rejects(value('  p: {type: json}', { p: '{bad' }), 'StackValidationFailed', /^Parameter 'p' is invalid: Value must be valid JSON: /);
  });
});

describe('parameter values and sources', () => {
  it('uses user value, then parameter_defaults, then the default', async () => {
    const t = tmpl('  p: {type: string, default: d}\n  q: {type: string, default: d}\n  r: {type: string, default: d}');
    const r = await resolveParameters(t, { parameters: { p: 'user' }, parameter_defaults: { p: 'pd', q: 'pd', zz: 'ignored' } });
    assert.deepEqual([r.values['p'], r.values['q'], r.values['r']], ['user', 'pd', 'd']);
  });
  it('requires a value', async () => {
    await rejects(value('  p: {type: string}'), 'UserParameterMissing', 'The Parameter (p) was not provided.');
  });
  it('rejects parameters the template does not define', async () => {
    await rejects(value('  p: {type: string, default: x}', { q: 1 }), 'UnknownUserParameter', 'The Parameter (q) was not defined in template.');
  });
  it('provides pseudo parameters', async () => {
    const r = await resolveParameters(tmpl('  p: {type: string, default: x}'), {}, { stackName: 's', stackId: 'id', projectId: 'pr' });
    assert.deepEqual([r.values['OS::stack_name'], r.values['OS::stack_id'], r.values['OS::project_id']], ['s', 'id', 'pr']);
    const anon = await resolveParameters(tmpl('  p: {type: string, default: x}'), {});
    assert.equal(anon.values['OS::stack_name'], undefined);
  });
  it('hides hidden values and shows lists as Heat does', () => {
    const s = parameterSchemata(tmpl('  p: {type: string, hidden: true}\n  l: {type: comma_delimited_list}'));
    assert.equal(displayValue(s['p']!, 'secret'), '******');
    assert.equal(displayValue(s['l']!, ['a', 'b']), 'a,b');
  });
  it('finds modified immutable parameters', async () => {
    const t = tmpl('  p: {type: string, immutable: true}\n  q: {type: string}');
    const old = await resolveParameters(t, { parameters: { p: 'a', q: 'a' } });
    const upd = await resolveParameters(t, { parameters: { p: 'b', q: 'b' } });
    assert.deepEqual(immutableParamsModified(old, upd), ['p']);
  });
});

describe('parameter constraints', () => {
  const c = (type: string, constraint: string) => `  p: {type: ${type}, constraints: [${constraint}]}`;
  const bad: [string, string, Json, string][] = [
    ['string', '{length: {min: 2, max: 3}}', 'abcd', 'length (4) is out of range (min: 2, max: 3)'],
    ['comma_delimited_list', '{length: {min: 2}}', 'a', 'length (1) is out of range (min: 2, max: None)'],
    ['number', '{range: {min: 1, max: 10}}', '11', '11 is out of range (min: 1, max: 10)'],
    ['number', '{modulo: {step: 2, offset: 1}}', 4, '4 is not a multiple of 2 with an offset of 1'],
    ['string', '{allowed_values: [a, b]}', 'c', '"c" is not an allowed value ["a", "b"]'],
    ['comma_delimited_list', '{allowed_values: [a, b]}', 'a,c', '["a", "c"] is not an allowed value ["a", "b"]'],
    ['string', "{allowed_pattern: '[a-z]+'}", 'ab1', '"ab1" does not match pattern "[a-z]+"'],
    ['string', '{length: {max: 1}, description: Too long}', 'ab', 'Too long'],
  ];
  for (const [type, constraint, input, message] of bad) {
    it(`${type} ${constraint} rejects ${JSON.stringify(input)}`, async () => {
      await rejects(value(c(type, constraint), { p: input }), 'StackValidationFailed', `Parameter 'p' is invalid: ${message}`);
    });
  }
  const good: [string, string, Json][] = [
    ['number', '{range: {min: 1}}', '1'],
    ['number', '{modulo: {step: 2, offset: 1}}', '-1'],
    ['number', '{allowed_values: [1, 2]}', '2'],
    ['string', "{allowed_pattern: '(?P<x>a)b'}", 'ab'],
  ];
  for (const [type, constraint, input] of good) {
    it(`${type} ${constraint} accepts ${JSON.stringify(input)}`, async () => {
      await value(c(type, constraint), { p: input });
    });
  }
  it('ignores modulo before 2017-02-24 (no constraint expressed)', async () => {
    await rejects(value(c('number', '{modulo: {step: 2, offset: 1}}'), { p: 4 }, '2016-10-14'), 'InvalidSchemaError', 'No constraint expressed');
  });
  it('rejects a constraint that does not fit the type', async () => {
    await rejects(value(c('string', '{range: {min: 1}}'), { p: 'x' }), 'InvalidSchemaError', "Parameter 'p' is invalid: Range constraint invalid for string");
  });
  it('checks the default against constraints', async () => {
    await rejects(value('  p: {type: string, default: abc, constraints: [{length: {max: 2}}]}'), 'InvalidSchemaError',
      "Parameter 'p' is invalid: Invalid default abc (length (3) is out of range (min: None, max: 2))");
  });
  it('checks schema definitions', async () => {
    await rejects(value('  p: {typ: string}'), 'InvalidSchemaError', "Invalid key 'typ' for parameter (p)");
    await rejects(value('  p: {description: x}'), 'InvalidSchemaError', 'Missing parameter type for parameter: p');
    await rejects(value('  p: {type: strin}'), 'InvalidSchemaError', 'Invalid type (strin)');
    await rejects(value('  p: {type: number, constraints: {range: {min: 1}}}'), 'InvalidSchemaError', 'Invalid parameter constraints for parameter p, expected a list');
    await rejects(value(c('number', '{range: {}}')), 'InvalidSchemaError', 'A range constraint must have a min value and/or a max value specified.');
    await rejects(value(c('number', '{modulo: {step: 2, offset: 3}}')), 'InvalidSchemaError', 'offset must be smaller (by absolute value) than step.');
    await rejects(value(c('string', '{length: {min: 1.5}}')), 'InvalidSchemaError', 'min/max length must be integral');
    await rejects(value('  p: {type: string, tags: x}'), 'InvalidSchemaError', 'Tags property should be a list for parameter: p');
  });
  it('runs custom constraints through the callback', async () => {
    const custom: CustomConstraintCheck = async (name, v) => (name === 'nova.flavor' && v !== 'm1.small' ? `Error validating value '${String(v)}'` : null);
    const schema = c('string', '{custom_constraint: nova.flavor}');
    assert.equal(await value(schema, { p: 'm1.small' }, undefined, custom), 'm1.small');
    await rejects(value(schema, { p: 'huge' }, undefined, custom), 'StackValidationFailed', "Parameter 'p' is invalid: Error validating value 'huge'");
  });
});

describe('parameter_groups', () => {
  const groups = (g: string) => tmpl('  a: {type: string}\n  b: {type: string}', '2016-10-14', `parameter_groups: ${g}\n`);
  it('accepts valid groups', () => validateParameterGroups(groups('[{label: x, parameters: [a]}, {parameters: [b]}]')));
  it('rejects bad groups', () => {
    assert.throws(() => validateParameterGroups(groups('{a: 1}')), msg(/^Parameter Groups error: parameter_groups: The parameter_groups should be a list\.$/));
    assert.throws(() => validateParameterGroups(groups('[{label: x}]')), msg(/^Parameter Groups error: parameter_groups\.x: The parameters must be provided for each parameter group\.$/));
    assert.throws(() => validateParameterGroups(groups('[{label: x, parameters: [a]}, {label: y, parameters: [a]}]')), msg(/The a parameter must be assigned to one parameter group only\./));
    assert.throws(() => validateParameterGroups(groups('[{label: x, parameters: [c]}]')), msg(/The grouped parameter c does not reference a valid parameter\./));
  });
});
