import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Enforcer } from './enforcer.js';
import { parseRule } from './rules.js';

test('parses precedence: and binds tighter than or, not tighter than and', () => {
  assert.deepEqual(parseRule('role:a or role:b and not role:c'), {
    kind: 'or',
    rules: [{ kind: 'role', role: 'a' }, { kind: 'and', rules: [{ kind: 'role', role: 'b' }, { kind: 'not', rule: { kind: 'role', role: 'c' } }] }],
  });
  assert.deepEqual(parseRule(''), { kind: 'always' });
  assert.throws(() => parseRule('role:a or'), /unexpected end/);
  assert.throws(() => parseRule('(role:a'), /missing \)/);
});

test('evaluates roles, named rules and target substitution', () => {
  const e = new Enforcer({
    admin_required: 'role:admin',
    owner: 'project_id:%(target.project.id)s',
    get_project: 'rule:admin_required or (role:reader and rule:owner)',
    system: 'system_scope:all',
    never: '!',
  });
  const member = { roles: ['member', 'reader'], project_id: 'p1' };
  assert.equal(e.check('get_project', member, { target: { project: { id: 'p1' } } }), true);
  assert.equal(e.check('get_project', member, { target: { project: { id: 'p2' } } }), false);
  assert.equal(e.check('get_project', { roles: ['admin'] }, {}), true);
  assert.equal(e.check('system', { roles: [], system_scope: 'all' }), true);
  assert.equal(e.check('system', { roles: [] }), false);
  assert.equal(e.check('never', { roles: ['admin'] }), false);
  assert.throws(() => e.authorize('never', { roles: [] }), /not authorized/);
  assert.throws(() => e.check('missing', { roles: [] }), /not declared/);
});

test('usesTarget: only rules that can reach a %(…)s substitution, through named rules, once each', () => {
  const e = new Enforcer({
    admin: 'role:admin',
    owner: 'project_id:%(project_id)s',
    shared: "'True':%(network:shared)s",
    open: '',
    admin_only: 'rule:admin',
    admin_or_owner: 'rule:admin or rule:owner',
    not_shared: 'not rule:shared and role:member',
    loop_a: 'rule:loop_b or role:x',
    loop_b: 'rule:loop_a',
    literal: 'project_id:abc',
  });
  assert.equal(e.usesTarget('open'), false);
  assert.equal(e.usesTarget('admin_only'), false);
  assert.equal(e.usesTarget('literal'), false);
  assert.equal(e.usesTarget('admin_or_owner'), true);
  assert.equal(e.usesTarget('not_shared'), true);
  assert.equal(e.usesTarget('loop_a'), false);
});
