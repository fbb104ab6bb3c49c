// The edge's body rules, each a fault the fuzzer found: a body too deep for the recursive code
// behind the parser, a top level that is no object, a NUL no PostgreSQL text can hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequest, MalformedBody } from '../errors.js';
import { MAX_DEPTH, jsonDepth, parseJsonBody } from './json-body.js';

const nest = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

test('depth counts brackets outside strings only', () => {
  assert.equal(jsonDepth('{"a": "[[[{{{", "b": [[1]]}'), 3);
  assert.equal(jsonDepth('{"a": "\\"[[["}'), 1);
  assert.equal(jsonDepth(nest(MAX_DEPTH)), MAX_DEPTH);
});

test('a body nested deeper than the limit is malformed; one at the limit parses', () => {
  assert.deepEqual(typeof parseJsonBody(nest(MAX_DEPTH)), 'object');
  assert.throws(() => parseJsonBody(nest(MAX_DEPTH + 1)), MalformedBody);
  assert.throws(() => parseJsonBody(`${'['.repeat(200_000)}${']'.repeat(200_000)}`), MalformedBody);
});

test('the top level must be an object unless the media type allows more', () => {
  for (const text of ['[]', '"text"', '1', 'false']) assert.throws(() => parseJsonBody(text), MalformedBody, text);
  assert.equal(parseJsonBody('null'), undefined); // how clients serialise no body
  assert.deepEqual(parseJsonBody('[{"op": "add"}]', { topLevel: 'any' }), [{ op: 'add' }]);
  assert.equal(parseJsonBody('  '), undefined);
});

test('a NUL in any string or key is refused; an escaped backslash before u0000 is not a NUL', () => {
  assert.throws(() => parseJsonBody('{"a": ["x", {"b": "\\u0000"}]}'), (e: unknown) => e instanceof BadRequest && /NUL/.test((e as Error).message));
  assert.throws(() => parseJsonBody('{"a\\u0000": 1}'), BadRequest);
  assert.deepEqual(parseJsonBody('{"a": "\\\\u0000"}'), { a: '\\u0000' });
});
