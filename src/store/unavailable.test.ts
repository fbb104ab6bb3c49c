import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { unavailableReason } from './unavailable.js';

describe('unavailableReason', () => {
  it('names what stops the store from serving, and nothing else', () => {
    const cases: [unknown, string | undefined][] = [
      [{ code: 'SQLITE_FULL' }, 'the data directory is full'],
      [{ code: 'SQLITE_READONLY_DBMOVED' }, 'the data directory is read-only'],
      [{ code: 'SQLITE_IOERR_WRITE' }, 'the store cannot be written now'],
      [{ code: 'ENOSPC' }, 'the data directory is full'],
      [{ code: 'EROFS' }, 'the data directory is read-only'],
      [{ code: 'ECONNREFUSED' }, 'the database cannot be reached'],
      [{ code: '57P01' }, 'the database cannot serve now'],
      [{ code: '08006' }, 'the database cannot serve now'],
      [{ message: 'Connection terminated unexpectedly' }, 'the database cannot be reached'],
      [{ code: 'SQLITE_CONSTRAINT_UNIQUE' }, undefined],
      [{ code: '23505' }, undefined],
      [{ code: '42P01' }, undefined],
      [new TypeError('x is undefined'), undefined],
      [null, undefined],
    ];
    for (const [err, reason] of cases) assert.equal(unavailableReason(err), reason, JSON.stringify(err));
  });
});
