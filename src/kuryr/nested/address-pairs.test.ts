import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { changedPairs } from './address-pairs.js';

const pair = (ip: string, mac: string) => ({ ip_address: ip, mac_address: mac });

describe('node port address pairs', () => {
  it('adds what is missing, once, and keeps the others', () => {
    const before = [pair('10.0.0.5', 'fa:16:3e:00:00:05')];
    assert.deepEqual(changedPairs(before, [pair('10.0.0.6', 'fa:16:3e:00:00:06'), pair('10.0.0.5', 'FA:16:3E:00:00:05')], []),
      [pair('10.0.0.5', 'fa:16:3e:00:00:05'), pair('10.0.0.6', 'fa:16:3e:00:00:06')]);
  });
  it('removes only the pair with both the address and the MAC', () => {
    const before = [pair('10.0.0.5', 'fa:16:3e:00:00:05'), pair('10.0.0.5', 'fa:16:3e:00:00:09'), pair('10.0.0.6', 'fa:16:3e:00:00:06')];
    assert.deepEqual(changedPairs(before, [], [pair('10.0.0.5', 'fa:16:3e:00:00:05')]), before.slice(1));
  });
});
