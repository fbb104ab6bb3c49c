import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { TokenCodec, type TokenPayload } from './token-codec.js';

const payload: TokenPayload = {
  userId: 'u1', methods: ['password'], scope: { project: 'p1' }, issuedAt: 1000, expiresAt: 2000, auditIds: ['a1'],
};

test('a sealed token opens to the same payload, under any of the keys', () => {
  const k1 = randomBytes(32); const k2 = randomBytes(32);
  const token = new TokenCodec([k1]).seal(payload);
  assert.deepEqual(new TokenCodec([k2, k1]).open(token), payload);
  for (const scope of [{ domain: 'd' }, { system: 'all' as const }, null]) {
    const t = new TokenCodec([k1]).seal({ ...payload, scope, appCredId: 'ac' });
    assert.deepEqual(new TokenCodec([k1]).open(t), { ...payload, scope, appCredId: 'ac' });
  }
});

test('a token altered by one bit, sealed by another key, or garbage does not open', () => {
  const codec = new TokenCodec([randomBytes(32)]);
  const token = codec.seal(payload);
  const raw = Buffer.from(token, 'base64url');
  raw[20]! ^= 1;
  assert.equal(codec.open(raw.toString('base64url')), undefined);
  assert.equal(new TokenCodec([randomBytes(32)]).open(token), undefined);
  assert.equal(codec.open('not a token'), undefined);
  assert.equal(codec.open('x'.repeat(100)), undefined);
});
