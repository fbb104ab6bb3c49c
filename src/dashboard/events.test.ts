// Who hears which change on the dashboard's stream: the filter between the change feed and a user.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthContext } from '../core/http/context.js';
import { visibleChange } from './events.js';

const auth = (projectId: string, isAdmin = false) => ({ projectId, isAdmin } as AuthContext);

describe('what of a change a user hears', () => {
  test('its own project\'s change, whole', () => {
    assert.deepEqual(visibleChange({ resource: 'port', id: 'p1', action: 'create', projectId: 'a' }, auth('a')), { resource: 'port', action: 'create', id: 'p1' });
  });
  test('another project\'s: nothing; an admin hears it', () => {
    assert.equal(visibleChange({ resource: 'port', id: 'p1', action: 'create', projectId: 'b' }, auth('a')), undefined);
    assert.deepEqual(visibleChange({ resource: 'port', id: 'p1', action: 'create', projectId: 'b' }, auth('a', true))?.id, 'p1');
  });
  test('a change of no project: only its kind', () => {
    assert.deepEqual(visibleChange({ resource: 'flavor', id: 'f1', action: 'update' }, auth('a')), { resource: 'flavor', action: 'update' });
  });
});
