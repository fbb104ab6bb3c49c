import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalCidr, defaultGateway, defaultPools, fromBig, ipKey, overlaps, parseNet, poolSize, toBig } from './ip.js';

test('round-trips IPv4 and IPv6 through BigInt', () => {
  for (const ip of ['0.0.0.0', '10.0.0.1', '255.255.255.255', '::', 'fd00::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']) {
    assert.equal(fromBig(toBig(ip), ip.includes(':') ? 6 : 4), ip);
  }
  assert.equal(toBig('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), 2n ** 128n - 1n);
});

test('keys sort as addresses do', () => {
  const ips = ['10.0.0.10', '10.0.0.9', '10.0.1.0', '9.255.255.255'];
  assert.deepEqual([...ips].sort((a, b) => (ipKey(a) < ipKey(b) ? -1 : 1)), ['9.255.255.255', '10.0.0.9', '10.0.0.10', '10.0.1.0']);
  assert.equal(ipKey('fd00::1').length, 32);
});

test("Neutron's defaults: gateway and pools for IPv4 and IPv6", () => {
  const v4 = parseNet('10.0.0.0/24');
  const gw4 = defaultGateway(v4)!;
  assert.equal(fromBig(gw4, 4), '10.0.0.1');
  assert.deepEqual(defaultPools(v4, gw4).map((p) => [fromBig(p.start, 4), fromBig(p.end, 4)]), [['10.0.0.2', '10.0.0.254']]);
  assert.equal(poolSize(defaultPools(v4, gw4)), 253n);
  assert.deepEqual(defaultPools(v4, null).map((p) => [fromBig(p.start, 4), fromBig(p.end, 4)]), [['10.0.0.1', '10.0.0.254']]);
  const mid = toBig('10.0.0.100');
  assert.equal(defaultPools(v4, mid).length, 2);
  const v6 = parseNet('fd00::/64');
  const gw6 = defaultGateway(v6)!;
  assert.equal(fromBig(gw6, 6), 'fd00::');
  assert.deepEqual(defaultPools(v6, gw6).map((p) => [fromBig(p.start, 6), fromBig(p.end, 6)]), [['fd00::1', 'fd00::ffff:ffff:ffff:ffff']]);
});

test('overlap and canonical form', () => {
  assert.ok(overlaps(parseNet('10.0.0.0/24'), parseNet('10.0.0.128/25')));
  assert.ok(!overlaps(parseNet('10.0.0.0/24'), parseNet('10.0.1.0/24')));
  assert.ok(!overlaps(parseNet('10.0.0.0/8'), parseNet('fd00::/8')));
  assert.equal(canonicalCidr('10.0.0.5/24'), '10.0.0.0/24');
});

test('merging CIDRs: adjacent halves join, gaps stay apart, overlaps fold in', async () => {
  const { mergeCidrs } = await import('./ip.js');
  assert.deepEqual(mergeCidrs(['10.100.0.0/16', '10.101.0.0/16'].map(parseNet)), ['10.100.0.0/15']);
  assert.deepEqual(mergeCidrs(['10.0.0.0/24', '10.0.2.0/24'].map(parseNet)), ['10.0.0.0/24', '10.0.2.0/24']);
  assert.deepEqual(mergeCidrs(['10.0.0.0/16', '10.0.5.0/24'].map(parseNet)), ['10.0.0.0/16']);
  assert.deepEqual(mergeCidrs(['10.0.1.0/24', '10.0.2.0/23'].map(parseNet)), ['10.0.1.0/24', '10.0.2.0/23']);
});
