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
