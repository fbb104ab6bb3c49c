// kuryr-libnetwork's option spellings, Pier's PoolIDs and exposed ports, as Docker sends them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodePoolId, encodePoolId, exposedPorts, genericOptions, isTrue, namedFor } from './options.js';
import { idTags } from './tags.js';

describe('libnetwork options', () => {
  it('reads true as oslo does, anything else as false', () => {
    for (const t of ['1', 'True', 'yes', 'on', 'Y', true]) assert.equal(isTrue(t), true, String(t));
    for (const f of ['0', 'false', 'no', '', 'maybe', undefined, false]) assert.equal(isTrue(f), false, String(f));
  });

  it('takes -o options from CreateNetwork and the v4 or v6 names from IPAM options', () => {
    const opts = genericOptions({ 'com.docker.network.generic': { 'neutron.net.uuid': 'n', 'neutron.subnet.v6.name': 's6' }, 'com.docker.network.enable_ipv6': true });
    assert.deepEqual(opts, { 'neutron.net.uuid': 'n', 'neutron.subnet.v6.name': 's6' });
    assert.deepEqual(namedFor(opts, true), { subnetUuid: undefined, subnetName: 's6', poolUuid: undefined, poolName: undefined });
    assert.deepEqual(namedFor({ 'neutron.pool.uuid': 'p' }, false).poolUuid, 'p');
    assert.deepEqual(genericOptions(undefined), {});
  });

  it('round-trips PoolIDs, IPv6 CIDRs too, and refuses strangers', () => {
    for (const ref of [{ source: 'pool', id: '0f5e2b4c-1a2b-4c3d-8e9f-001122334455', cidr: '10.0.0.0/24' }, { source: 'subnet', id: '0f5e2b4c-1a2b-4c3d-8e9f-001122334455', cidr: 'fd00:1::/64' }] as const) {
      assert.deepEqual(decodePoolId(encodePoolId(ref)), ref);
    }
    assert.equal(decodePoolId('pool-4'), undefined);
  });

  it('reads exposed ports and splits a Docker id into kuryr-libnetwork\'s two tags', () => {
    assert.deepEqual(exposedPorts({ 'com.docker.network.endpoint.exposedports': [{ Proto: 6, Port: 80 }, { Proto: 'x' }] }), [{ Proto: 6, Port: 80 }]);
    const id = 'a'.repeat(32) + 'b'.repeat(32);
    assert.deepEqual(idTags(id), [`kuryr.net.uuid.lh:${'a'.repeat(32)}`, `kuryr.net.uuid.uh:${'b'.repeat(32)}`]);
  });
});
