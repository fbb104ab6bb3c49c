// JSON patches as Magnum takes them: the RFC 6902 operations on a copy, Magnum's refusals of
// internal and mandatory attributes and of new root attributes, and PatchError on a bad path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch } from './json-patch.js';

const rules = { internal: ['uuid'], mandatory: ['coe'] };
const doc = { uuid: 'u', coe: 'kubernetes', name: 'a', labels: { x: '1' }, tags: ['t'] as string[] };

test('add, replace, remove, move, copy, test — on a copy', () => {
  const out = applyPatch(doc, [
    { op: 'replace', path: '/name', value: 'b' }, { op: 'add', path: '/labels/y', value: '2' }, { op: 'remove', path: '/labels/x' },
    { op: 'add', path: '/tags/-', value: 'u' }, { op: 'copy', from: '/name', path: '/labels/n' }, { op: 'test', path: '/name', value: 'b' },
  ], rules);
  assert.deepEqual(out, { uuid: 'u', coe: 'kubernetes', name: 'b', labels: { y: '2', n: 'b' }, tags: ['t', 'u'] });
  assert.deepEqual(doc.labels, { x: '1' });
});

test('refusals', () => {
  const fails = (ops: unknown, re: RegExp) => assert.throws(() => applyPatch(doc, ops, rules), (e: Error) => re.test(e.message));
  fails([{ op: 'replace', path: '/uuid', value: 'v' }], /internal attribute/);
  fails([{ op: 'remove', path: '/coe' }], /mandatory attribute/);
  fails([{ op: 'add', path: '/new', value: 1 }], /Adding a new attribute \(\/new\)/);
  fails([{ op: 'replace', path: '/labels/zz', value: 1 }], /Couldn't apply patch.*non-existent/);
  fails([{ op: 'remove', path: '/labels/zz' }], /Couldn't apply patch/);
  fails([{ op: 'test', path: '/name', value: 'zz' }], /test failed/);
  fails([{ op: 'replace', path: 'name', value: 1 }], /Invalid path/);
  fails([{ op: 'replace', path: '/name' }], /need a value/);
  fails({ op: 'replace' }, /list of patch operations/);
});
