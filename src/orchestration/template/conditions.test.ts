import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateConditions, outputEnabled, resourceEnabled } from './conditions.js';
import { parseTemplate } from './format.js';
import type { Json } from './functions/types.js';
import { loadTemplate } from './template.js';

/** Matches the error's message (assert.throws with a RegExp tests String(error), which has the name). */
const msg = (re: RegExp) => (e: unknown) => e instanceof Error && re.test(e.message);

const T = loadTemplate(parseTemplate(`
heat_template_version: 2017-09-01
parameters:
  env: {type: string}
  zones: {type: comma_delimited_list, default: 'a,b'}
conditions:
  prod: {equals: [{get_param: env}, prod]}
  not_prod: {not: prod}
  both: {and: [prod, {contains: [a, {get_param: zones}]}]}
  either: {or: [not_prod, false]}
  always: true
resources:
  r1: {type: T, condition: prod}
  r2: {type: T, condition: {not: prod}}
  r3: {type: T}
  r4: {type: T, condition: missing}
outputs:
  o1: {value: 1, condition: not_prod}
`));

const params = (env: string) => (n: string): Json | undefined => ({ env, zones: ['a', 'b'] })[n];

describe('conditions', () => {
  it('evaluate from parameters and refer to each other', () => {
    const c = evaluateConditions(T, params('prod'));
    assert.deepEqual(['prod', 'not_prod', 'both', 'either', 'always'].map((n) => c.isEnabled(n)), [true, false, true, false, true]);
    assert.equal(c.isEnabled(null), true);
    assert.equal(c.isEnabled(false), false);
  });
  it('enable resources and outputs', () => {
    const p = params('dev');
    const c = evaluateConditions(T, p);
    assert.deepEqual(['r1', 'r2', 'r3'].map((r) => resourceEnabled(T, r, c, p)), [false, true, true]);
    assert.equal(outputEnabled(T, 'o1', c, p), true);
    assert.throws(() => resourceEnabled(T, 'r4', c, p), msg(/^resources\.r4\.condition: Invalid condition "missing"$/));
  });
  it('detect circular definitions', () => {
    const t = loadTemplate(parseTemplate('heat_template_version: 2016-10-14\nconditions:\n  a: {not: b}\n  b: {not: a}\n'));
    assert.throws(() => evaluateConditions(t, () => undefined).isEnabled('a'), msg(/^Condition validation error: Circular definition for condition "a"$/));
  });
  it('reject definitions that are not booleans or functions', () => {
    const t = loadTemplate(parseTemplate('heat_template_version: 2016-10-14\nconditions:\n  a: some_name\n'));
    assert.throws(() => evaluateConditions(t, () => undefined), msg(/The definition of condition "a" is invalid: some_name/));
    const t2 = loadTemplate(parseTemplate('heat_template_version: 2016-10-14\nparameters:\n  p: {type: string, default: x}\nconditions:\n  a: {get_param: p}\n'));
    assert.throws(() => evaluateConditions(t2, () => 'x').isEnabled('a'), msg(/The definition of condition "a" is invalid: 'x'/));
  });
  it('are a map', () => {
    assert.throws(() => loadTemplate(parseTemplate('heat_template_version: 2016-10-14\nconditions: [a]\n')), msg(/^Conditions validation error: Condition definitions must be a map\. Found a list instead$/));
  });
});
