import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addResult } from './result.js';
import { atLeast } from './versions.js';

const seen = {
  name: 'eth0', mac: 'fa:16:3e:00:00:01', mtu: 1450,
  addresses: [{ ip: '10.0.0.5', prefix: 24, version: 4 as const }, { ip: 'fd00::5', prefix: 64, version: 6 as const }],
  routes: [{ dst: '0.0.0.0/0', gateway: '10.0.0.1' }, { dst: '::/0', gateway: 'fd00::1' }],
};
const addresses = [
  { ip: '10.0.0.5', prefix: 24, gateway: '10.0.0.1', nameservers: ['10.0.0.53'] },
  { ip: 'fd00::5', prefix: 64, gateway: 'fd00::1', nameservers: ['10.0.0.53', 'fd00::53'] },
];

describe('CNI ADD results', () => {
  it('1.0.0: interface with sandbox, addresses by index without versions, routes, dns', () => {
    assert.deepEqual(addResult('1.0.0', '/run/netns/c1', seen, addresses), {
      cniVersion: '1.0.0',
      interfaces: [{ name: 'eth0', mac: 'fa:16:3e:00:00:01', sandbox: '/run/netns/c1' }],
      ips: [{ address: '10.0.0.5/24', gateway: '10.0.0.1', interface: 0 }, { address: 'fd00::5/64', gateway: 'fd00::1', interface: 0 }],
      routes: [{ dst: '0.0.0.0/0', gw: '10.0.0.1' }, { dst: '::/0', gw: 'fd00::1' }],
      dns: { nameservers: ['10.0.0.53', 'fd00::53'] },
    });
  });

  it('0.3.x and 0.4.0 mark the IP version; 1.1.0 adds the MTU', () => {
    for (const v of ['0.3.0', '0.3.1', '0.4.0'] as const) assert.deepEqual(addResult(v, '/x', seen, addresses).ips.map((i) => i.version), ['4', '6']);
    assert.equal(addResult('1.1.0', '/x', seen, addresses).interfaces[0]!.mtu, 1450);
    assert.equal(addResult('1.0.0', '/x', seen, addresses).interfaces[0]!.mtu, undefined);
    const onLink = { ...seen, routes: [{ dst: '10.0.0.1/32', link: true as const }] };
    assert.deepEqual(addResult('1.1.0', '/x', onLink, addresses).routes, [{ dst: '10.0.0.1/32', scope: 253 }]);
    assert.deepEqual(addResult('1.0.0', '/x', onLink, addresses).routes, [{ dst: '10.0.0.1/32' }]);
  });

  it('the dataplane\'s prefix wins (routed: /32), the subnet\'s fills in; no gateway, none given', () => {
    const routed = { ...seen, addresses: [{ ip: '10.0.0.5', prefix: 32, version: 4 as const }] };
    const r = addResult('1.0.0', '/x', routed, [addresses[0]!, { ip: '10.0.1.9', prefix: 24, gateway: null, nameservers: [] }]);
    assert.deepEqual(r.ips, [{ address: '10.0.0.5/32', gateway: '10.0.0.1', interface: 0 }, { address: '10.0.1.9/24', interface: 0 }]);
  });

  it('after another plugin: its result stays first and indexes stay right', () => {
    const prev = { cniVersion: '1.0.0', interfaces: [{ name: 'lo' }, { name: 'net0', sandbox: '/x' }], ips: [{ address: '192.0.2.1/24', interface: 1 }], routes: [{ dst: '192.0.2.0/24' }], dns: { search: ['a.example'] } };
    const r = addResult('1.0.0', '/x', seen, addresses.slice(0, 1), prev);
    assert.deepEqual(r.interfaces.map((i) => i.name), ['lo', 'net0', 'eth0']);
    assert.deepEqual(r.ips.map((i) => i.interface), [1, 2]);
    assert.deepEqual(r.routes[0], { dst: '192.0.2.0/24' });
    assert.deepEqual(r.dns, { search: ['a.example'], nameservers: ['10.0.0.53'] });
  });

  it('compares versions numerically', () => {
    assert.ok(atLeast('1.1.0', '1.0.0'));
    assert.ok(atLeast('0.10.0', '0.4.0'));
    assert.ok(!atLeast('0.3.1', '0.4.0'));
    assert.ok(atLeast('0.4.0', '0.4.0'));
  });
});
