import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { HeatError } from '../errors.js';
import { parseConditionSnippet, parseSnippet } from '../parse.js';
import { resolve } from '../resolve.js';
import type { Resolved } from '../resolve.js';
import { TEMPLATE_VERSIONS, findVersion } from '../versions.js';
import { Unresolved } from './types.js';
import type { EvalContext, Json, Value } from './types.js';

const VERSIONS = TEMPLATE_VERSIONS.map((v) => v.version);

const PARAMS: Record<string, Json> = { name: 'web', list: ['a', 'b'], m: { k: ['x', 'y'] }, flag: true, n: 3, s: 'abc' };

const ctx: EvalContext = {
  param: (n) => PARAMS[n],
  resourceId: (n) => (n === 'pending' ? new Unresolved('pending not created') : `${n}-id`),
  attribute: (r, a): Value => {
    if (r === 'pending') return new Unresolved('pending not created');
    if (a === null) return { first_address: '10.0.0.1', networks: { private: ['10.0.0.1', 'fd00::1'] } };
    return a === 'networks' ? { private: ['10.0.0.1', 'fd00::1'] } : `${r}.${a}`;
  },
  file: (k) => (k === 'boot.sh' ? '#!/bin/sh\n' : undefined),
  condition: (c) => {
    if (typeof c === 'boolean') return c;
    if (c === 'yes' || c === 'no') return c === 'yes';
    throw new Error(`Invalid condition "${String(c)}"`);
  },
  resourceFacade: (w) => ({ facade: w }),
};

function scope(version: string) {
  return { version: findVersion(version)!, resourceNames: new Set(['web', 'db', 'pending']) };
}

function run(version: string, raw: Json): Resolved {
  return resolve(parseSnippet(raw, 'p', scope(version)), ctx);
}

function fails(version: string, raw: Json, message: RegExp | string): void {
  assert.throws(
    () => run(version, raw),
    (e: unknown) => {
      assert.ok(e instanceof HeatError, `expected HeatError, got ${String(e)}`);
      if (typeof message === 'string') assert.equal(e.message, message);
      else assert.match(e.message, message);
      return true;
    },
  );
}

// Independent restatement of Heat's tables: first version with each function.
const ADDED: Record<string, string> = {
  get_param: '2013-05-23', get_resource: '2013-05-23', get_attr: '2013-05-23', get_file: '2013-05-23',
  list_join: '2013-05-23', str_replace: '2013-05-23', resource_facade: '2013-05-23',
  repeat: '2015-04-30', digest: '2015-04-30', str_split: '2015-10-15', map_merge: '2016-04-08',
  map_replace: '2016-10-14', if: '2016-10-14', yaql: '2016-10-14', filter: '2017-02-24', str_replace_strict: '2017-02-24',
  make_url: '2017-09-01', list_concat: '2017-09-01', list_concat_unique: '2017-09-01', str_replace_vstrict: '2017-09-01',
  contains: '2017-09-01',
};
// CFN-style functions: the last version that still has them.
const CFN_UNTIL: Record<string, string> = {
  'Fn::Select': '2015-04-30', Ref: '2013-05-23', 'Fn::Join': '2013-05-23', 'Fn::Split': '2013-05-23',
  'Fn::Replace': '2013-05-23', 'Fn::Base64': '2013-05-23', 'Fn::GetAZs': '2013-05-23',
  'Fn::MemberListToMap': '2013-05-23', 'Fn::ResourceFacade': '2013-05-23',
};

// One valid use of each function and its result (same in every version that has it).
const SAMPLES: Record<string, { args: Json; result: Resolved }> = {
  get_param: { args: 'name', result: 'web' },
  get_resource: { args: 'db', result: 'db-id' },
  get_attr: { args: ['web', 'networks', 'private', 0], result: '10.0.0.1' },
  get_file: { args: 'boot.sh', result: '#!/bin/sh\n' },
  list_join: { args: [',', ['a', 'b']], result: 'a,b' },
  str_replace: { args: { template: 'hi $n', params: { $n: 'there' } }, result: 'hi there' },
  resource_facade: { args: 'metadata', result: { facade: 'metadata' } },
  repeat: { args: { template: 'p-%x%', for_each: { '%x%': ['1', '2'] } }, result: ['p-1', 'p-2'] },
  digest: { args: ['md5', 'abc'], result: createHash('md5').update('abc').digest('hex') },
  str_split: { args: [',', 'a,b,c', 1], result: 'b' },
  map_merge: { args: [{ a: 1 }, { b: 2 }], result: { a: 1, b: 2 } },
  map_replace: { args: [{ a: 1 }, { keys: { a: 'b' } }], result: { b: 1 } },
  if: { args: ['yes', 'T', 'F'], result: 'T' },
  filter: { args: [['b'], ['a', 'b', 'c']], result: ['a', 'c'] },
  str_replace_strict: { args: { template: 'x', params: { x: 'y' } }, result: 'y' },
  make_url: { args: { scheme: 'http', host: 'example.com', port: 80, path: '/a b' }, result: 'http://example.com:80/a%20b' },
  list_concat: { args: [['a'], ['b', 'a']], result: ['a', 'b', 'a'] },
  list_concat_unique: { args: [['a'], ['b', 'a']], result: ['a', 'b'] },
  str_replace_vstrict: { args: { template: 'x', params: { x: 'y' } }, result: 'y' },
  contains: { args: ['a', ['a', 'b']], result: true },
  'Fn::Select': { args: ['1', ['a', 'b']], result: 'b' },
  Ref: { args: 'web', result: 'web-id' },
  'Fn::Join': { args: ['-', ['a', 'b']], result: 'a-b' },
  'Fn::Split': { args: [',', 'a,b'], result: ['a', 'b'] },
  'Fn::Replace': { args: [{ $x: '1' }, 'v$x'], result: 'v1' },
  'Fn::Base64': { args: 'plain', result: 'plain' },
  'Fn::GetAZs': { args: '', result: ['nova'] },
  'Fn::MemberListToMap': { args: ['Name', 'Value', ['.member.0.Name=k', '.member.0.Value=v']], result: { k: 'v' } },
  'Fn::ResourceFacade': { args: 'Metadata', result: { facade: 'metadata' } },
};

describe('function availability by template version', () => {
  for (const fn of Object.keys(ADDED)) {
    for (const v of VERSIONS) {
      const allowed = v >= ADDED[fn]!;
      it(`${fn} is ${allowed ? 'allowed' : 'rejected'} in ${v}`, () => {
        if (fn === 'yaql') {
          fails(v, { yaql: { expression: '$.data' } }, allowed ? /"yaql" function is not supported/ : /available from 2016-10-14/);
          return;
        }
        const sample = SAMPLES[fn]!;
        if (allowed) assert.deepEqual(run(v, { [fn]: sample.args }), sample.result);
        else fails(v, { [fn]: sample.args }, `p.${fn}: The function "${fn}" is not supported in heat_template_version ${v} (available from ${ADDED[fn]})`);
      });
    }
  }
  for (const fn of Object.keys(CFN_UNTIL)) {
    for (const v of VERSIONS) {
      const allowed = v <= CFN_UNTIL[fn]!;
      it(`${fn} is ${allowed ? 'allowed' : 'removed'} in ${v}`, () => {
        const sample = SAMPLES[fn]!;
        if (allowed) assert.deepEqual(run(v, { [fn]: sample.args }), sample.result);
        else fails(v, { [fn]: sample.args }, `p.${fn}: The template version is invalid: The function ${fn} is not supported in this version of HOT.`);
      });
    }
  }
  const CONDITION_FNS: Record<string, [string, Json, boolean]> = {
    equals: ['2016-10-14', ['a', 'a'], true],
    not: ['2016-10-14', 'no', true],
    and: ['2016-10-14', ['yes', true], true],
    or: ['2016-10-14', ['no', false], false],
    get_param: ['2016-10-14', 'flag', true],
    contains: ['2017-09-01', ['a', ['a']], true],
  };
  for (const [fn, [since, args, result]] of Object.entries(CONDITION_FNS)) {
    for (const v of VERSIONS.filter((x) => x >= '2016-10-14')) {
      const allowed = v >= since;
      it(`condition function ${fn} is ${allowed ? 'allowed' : 'not a condition function'} in ${v}`, () => {
        const s = parseConditionSnippet({ [fn]: args }, 'conditions.c', scope(v));
        if (allowed) assert.equal(resolve(s, ctx), result);
        else assert.deepEqual(resolve(s, ctx), { [fn]: args }); // stays data, as in Heat
      });
    }
  }
  it('regular functions are invalid in conditions', () => {
    assert.throws(
      () => parseConditionSnippet({ get_attr: ['web', 'x'] }, 'conditions.c', scope('2016-10-14')),
      /conditions\.c\.get_attr: The function "get_attr" is invalid in this context/,
    );
  });
  it('equals/not/and/or are plain data outside conditions', () => {
    assert.deepEqual(run('2021-04-16', { equals: [1, 1] }), { equals: [1, 1] });
  });
});

describe('get_param', () => {
  it('follows paths into maps and lists', () => {
    assert.equal(run('2016-10-14', { get_param: ['m', 'k', 1] }), 'y');
    assert.equal(run('2016-10-14', { get_param: ['list', '0'] }), 'a');
    assert.equal(run('2016-10-14', { get_param: ['m', 'missing'] }), '');
  });
  it('reports a missing parameter', () => fails('2016-10-14', { get_param: 'nope' }, 'The Parameter (nope) was not provided.'));
  it('checks its arguments', () => {
    fails('2016-10-14', { get_param: null }, 'p.get_param: Function "get_param" must have arguments');
    fails('2016-10-14', { get_param: { a: 1 } }, 'p.get_param: Argument to "get_param" must be string or list');
    fails('2016-10-14', { get_param: [1] }, 'p.get_param: Parameter name in "get_param" must be string');
  });
});

describe('get_attr', () => {
  it('returns all attributes with only the resource name from 2015-10-15', () => {
    assert.deepEqual(run('2015-10-15', { get_attr: ['web'] }), {
      first_address: '10.0.0.1', networks: { private: ['10.0.0.1', 'fd00::1'] },
    });
    fails('2015-04-30', { get_attr: ['web'] }, 'p.get_attr: Arguments to "get_attr" must be of the form [resource_name, attribute, (path), ...]');
  });
  it('selects nested paths; a bad path gives null', () => {
    assert.equal(run('2013-05-23', { get_attr: ['web', 'networks', 'private', -1] }), 'fd00::1');
    assert.equal(run('2013-05-23', { get_attr: ['web', 'networks', 'public', 0] }), null);
  });
  it('checks its arguments', () => {
    fails('2021-04-16', { get_attr: 'web' }, 'p.get_attr: Argument to "get_attr" must be a list');
    fails('2021-04-16', { get_attr: [] }, /can be of the next forms/);
  });
  it('is unresolved while the resource is not ready, and so is what uses it', () => {
    assert.ok(run('2016-10-14', { get_attr: ['pending', 'x'] }) instanceof Unresolved);
    const r = run('2016-10-14', { a: { str_replace: { template: 'x', params: { x: { get_attr: ['pending', 'x'] } } } }, b: 1 });
    assert.ok((r as Record<string, Resolved>)['a'] instanceof Unresolved);
    assert.equal((r as Record<string, Resolved>)['b'], 1);
  });
});

describe('list_join', () => {
  it('joins several lists and JSON-encodes maps from 2015-10-15', () => {
    assert.equal(run('2015-10-15', { list_join: [',', ['a'], ['b', { x: 1, a: [2] }]] }), 'a,b,{"a": [2], "x": 1}');
  });
  it('takes exactly one list of strings before', () => {
    fails('2015-04-30', { list_join: [',', ['a'], ['b']] }, 'p.list_join: Incorrect arguments to "list_join" should be: "list_join" : [ " ", [ "str1", "str2"]]');
    fails('2015-04-30', { list_join: [',', ['a', 1]] }, 'p.list_join: Items to join must be strings not 1');
  });
  it('checks its arguments', () => {
    fails('2021-04-16', { list_join: ',' }, 'p.list_join: Incorrect arguments to "list_join" should be: "list_join" : [ " ", [ "str1", "str2"] ...]');
    fails('2021-04-16', { list_join: [',', 'ab'] }, 'p.list_join: "list_join" must operate on a list');
    fails('2021-04-16', { list_join: [1, ['a']] }, 'p.list_join: "list_join" delimiter must be a string');
    fails('2021-04-16', { list_join: [',', [1]] }, 'p.list_join: Items to join must be string, map or list not 1');
  });
});

describe('str_replace family', () => {
  it('prefers longer keys and never rescans replaced text', () => {
    assert.equal(run('2016-10-14', { str_replace: { template: '$a $ab', params: { $a: '$ab', $ab: 'X' } } }), '$ab X');
  });
  it('substitutes JSON from 2015-10-15, Python str() of scalars always', () => {
    assert.equal(run('2015-10-15', { str_replace: { template: 'v', params: { v: { b: 1, a: [true] } } } }), '{"a": [true], "b": 1}');
    assert.equal(run('2013-05-23', { str_replace: { template: 'v w', params: { v: true, w: null } } }), 'True ');
    fails('2015-04-30', { str_replace: { template: 'v', params: { v: [1] } } }, 'p.str_replace: "str_replace" params must be strings or numbers, param v is not valid');
  });
  it('checks its arguments', () => {
    fails('2016-10-14', { str_replace: 'x' }, 'p.str_replace: Arguments to "str_replace" must be a map');
    fails('2016-10-14', { str_replace: { template: 'x' } }, /^p\.str_replace: '"str_replace" syntax should be str_replace:\\n/);
    fails('2016-10-14', { str_replace: { template: 'x', params: 'y' } }, 'p.str_replace: "str_replace" parameters must be a mapping');
    fails('2016-10-14', { str_replace: { template: 1, params: {} } }, 'p.str_replace: "str_replace" template must be a string');
  });
  it('strict: every param must be used', () => {
    fails('2017-02-24', { str_replace_strict: { template: 'a', params: { a: 1, bb: 2, c: 3 } } }, 'p.str_replace_strict: The following params were not found in the template: bb,c');
  });
  it('vstrict: no empty values', () => {
    fails('2017-09-01', { str_replace_vstrict: { template: 'a', params: { a: '' } } }, 'p.str_replace_vstrict: str_replace_vstrict has an undefined or empty value for param a, must be a defined non-empty value');
    fails('2017-09-01', { str_replace_vstrict: { template: 'a', params: { a: [] } } }, /empty value for param a/);
  });
});

describe('str_split', () => {
  it('splits and indexes', () => {
    assert.deepEqual(run('2015-10-15', { str_split: [',', 'a,b'] }), ['a', 'b']);
    assert.equal(run('2015-10-15', { str_split: [',', 'a,b', '-1'] }), 'b');
  });
  it('checks its arguments', () => {
    fails('2015-10-15', { str_split: 'a,b' }, 'p.str_split: Incorrect arguments to "str_split" should be: "str_split" : [ ",", "apples,pears", <index>]');
    fails('2015-10-15', { str_split: [','] }, /Incorrect arguments to "str_split"/);
    fails('2015-10-15', { str_split: [',', 'a,b', 5] }, 'p.str_split: Incorrect index to "str_split" should be between 0 and 1');
  });
});

describe('repeat', () => {
  it('makes all permutations by default', () => {
    assert.deepEqual(run('2015-04-30', { repeat: { template: '%a%-%b%', for_each: { '%a%': ['1', '2'], '%b%': ['x', 'y'] } } }), ['1-x', '1-y', '2-x', '2-y']);
  });
  it('replaces in keys and values of map templates', () => {
    assert.deepEqual(run('2015-04-30', { repeat: { template: { '%p%': 'port-%p%' }, for_each: { '%p%': ['80'] } } }), [{ 80: 'port-80' }]);
  });
  it('iterates map keys from 2016-10-14 only', () => {
    assert.deepEqual(run('2016-10-14', { repeat: { template: '%k%', for_each: { '%k%': { a: 1, b: 2 } } } }), ['a', 'b']);
    fails('2016-04-08', { repeat: { template: '%k%', for_each: { '%k%': { a: 1 } } } }, 'p.repeat: The values of the "for_each" argument to "repeat" must be lists');
  });
  it('zips with permutations: false from 2017-09-01', () => {
    const args = { template: '%a%%b%', for_each: { '%a%': ['1', '2'], '%b%': ['x', 'y'] }, permutations: false };
    assert.deepEqual(run('2017-09-01', { repeat: args }), ['1x', '2y']);
    fails('2017-09-01', { repeat: { ...args, for_each: { '%a%': ['1'], '%b%': ['x', 'y'] } } }, 'p.repeat: For repeat, the length of for_each values should be equal if no nested loop.');
    fails('2017-09-01', { repeat: { ...args, permutations: 'no' } }, 'p.repeat: "permutations" should be boolean type for repeat function.');
  });
  it('checks its arguments', () => {
    fails('2016-10-14', { repeat: ['x'] }, 'p.repeat: Arguments to "repeat" must be a map');
    fails('2016-10-14', { repeat: { template: 'x' } }, /^p\.repeat: '"repeat" syntax should be repeat:/);
    fails('2016-10-14', { repeat: { template: 'x', for_each: ['a'] } }, 'p.repeat: The "for_each" argument to "repeat" must contain a map');
  });
});

describe('map_merge / map_replace', () => {
  it('map_merge: later wins, null skipped, non-maps rejected', () => {
    assert.deepEqual(run('2016-04-08', { map_merge: [{ a: 1, b: 1 }, null, { b: 2 }] }), { a: 1, b: 2 });
    fails('2016-04-08', { map_merge: [{ a: 1 }, [1]] }, "p.map_merge: Incorrect arguments: Items to merge must be maps. [1] is type <class 'list'> instead of a dict");
  });
  it('map_replace: keys and values', () => {
    assert.deepEqual(run('2016-10-14', { map_replace: [{ k1: 'v1', k2: 'v2' }, { keys: { k1: 'K1' }, values: { v2: 'V2' } }] }), { K1: 'v1', k2: 'V2' });
    fails('2016-10-14', { map_replace: [{ a: 1, b: 2 }, { keys: { a: 'b' } }] }, 'p.map_replace: key replacement b collides with a key in the input map');
    fails('2016-10-14', { map_replace: [{ a: 1 }, { other: {} }] }, /Incorrect arguments to "map_replace" should be/);
    fails('2016-10-14', { map_replace: [{ a: 1 }] }, /Incorrect arguments to "map_replace" should be/);
  });
});

describe('digest', () => {
  it('hashes with the named algorithm', () => {
    assert.equal(run('2015-04-30', { digest: ['SHA256', 'x'] }), createHash('sha256').update('x').digest('hex'));
  });
  it('checks its arguments', () => {
    fails('2015-04-30', { digest: ['md5'] }, 'p.digest: Function "digest" usage: ["<algorithm>", "<value>"]');
    fails('2015-04-30', { digest: 'md5' }, 'p.digest: Argument to function "digest" must be a list of strings');
    fails('2015-04-30', { digest: ['nope', 'x'] }, /^p\.digest: Algorithm must be one of \{'md5'/);
  });
});

describe('if', () => {
  it('chooses by condition name or boolean', () => {
    assert.equal(run('2016-10-14', { if: ['no', 'T', 'F'] }), 'F');
    assert.equal(run('2016-10-14', { if: [{ equals: [{ get_param: 'n' }, 3] }, 'T', 'F'] }), 'T');
  });
  it('may omit the false value from 2021-04-16: the item disappears', () => {
    assert.deepEqual(run('2021-04-16', { a: { if: ['no', 1] }, b: [{ if: ['no', 1] }, 2] }), { b: [2] });
    fails('2018-08-31', { if: ['no', 1] }, 'p.if: Arguments to "if" must be of the form: [condition_name, value_if_true, value_if_false]');
  });
  it('parses its condition as a condition', () => {
    fails('2016-10-14', { if: [{ get_attr: ['web', 'x'] }, 1, 2] }, /The function "get_attr" is invalid in this context/);
  });
});

describe('condition functions', () => {
  const cond = (raw: Json) => resolve(parseConditionSnippet(raw, 'conditions.c', scope('2017-09-01')), ctx);
  it('compute booleans with Python equality', () => {
    assert.equal(cond({ equals: [1, 1.0] }), true);
    assert.equal(cond({ equals: [{ a: [1] }, { a: [1] }] }), true);
    assert.equal(cond({ not: { equals: ['a', 'b'] } }), true);
    assert.equal(cond({ and: ['yes', { or: ['no', true] }] }), true);
    assert.equal(cond({ contains: ['b', 'abc'] }), true);
  });
  it('check their arguments', () => {
    assert.throws(() => cond({ equals: [1] }), /conditions\.c\.equals: Arguments to "equals" must be of the form: \[value_1, value_2\]/);
    assert.throws(() => cond({ not: null }), /Argument to "not" must be a condition/);
    assert.throws(() => cond({ and: 'yes' }), /Arguments to "and" must be a list of conditions/);
    assert.throws(() => cond({ or: ['yes'] }), /The minimum number of condition arguments to "or" is 2\./);
    assert.throws(() => cond({ contains: ['a'] }), /Arguments to "contains" must be of the form: \[value1, \[value1, value2\]\]/);
    assert.throws(() => cond({ contains: ['a', { a: 1 }] }), /Second argument to "contains" should be a sequence\./);
  });
});

describe('filter, list_concat, make_url, get_file, resource_facade', () => {
  it('filter', () => {
    assert.deepEqual(run('2017-02-24', { filter: [null, ['a']] }), ['a']);
    fails('2017-02-24', { filter: [['a']] }, 'p.filter: "filter" expected 2 arguments of the form [values, sequence] but got 1 arguments instead');
    fails('2017-02-24', { filter: ['a', ['a']] }, 'p.filter: "filter" filters a list of values');
  });
  it('list_concat rejects non-lists', () => {
    fails('2017-09-01', { list_concat: [['a'], 'b'] }, 'p.list_concat: Incorrect arguments: Items to concat must be lists. [["a"], "b"] contains an item that is not a list: "b"');
  });
  it('make_url escapes and brackets IPv6', () => {
    assert.equal(
      run('2017-09-01', { make_url: { scheme: 'https', username: 'u@x', password: 'p w', host: 'fd00::1', path: 'a/b', query: { q: 'a b/c' }, fragment: 'f' } }),
      'https://u%40x:p%20w@[fd00::1]/a/b?q=a+b/c#f',
    );
    fails('2017-09-01', { make_url: { port: 70000 } }, 'p.make_url: Invalid URL port 70000, must be in range 1-65535');
    fails('2017-09-01', { make_url: { bogus: 1 } }, 'p.make_url: Invalid arguments to "make_url": bogus');
    fails('2017-09-01', { make_url: { host: 1 } }, 'p.make_url: The "host" argument to "make_url" must be a string');
  });
  it('get_file reports a missing file', () => {
    fails('2013-05-23', { get_file: 'x.sh' }, 'p.get_file: No content found in the "files" section for get_file path: x.sh');
  });
  it('resource_facade accepts three names', () => {
    fails('2013-05-23', { resource_facade: 'foo' }, 'p.resource_facade: Incorrect arguments to "resource_facade" should be one of: metadata, deletion_policy, update_policy');
  });
  it('Ref to a parameter', () => {
    assert.equal(run('2013-05-23', { Ref: 'name' }), 'web');
  });
  it('Fn::Select on maps, JSON strings and out of range', () => {
    assert.equal(run('2014-10-16', { 'Fn::Select': ['a', { a: 'x' }] }), 'x');
    assert.equal(run('2014-10-16', { 'Fn::Select': ['1', '["p", "q"]'] }), 'q');
    assert.equal(run('2014-10-16', { 'Fn::Select': [5, ['p']] }), '');
  });
});
