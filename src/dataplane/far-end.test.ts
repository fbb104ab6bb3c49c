// The far-end styles and their ip -batch lines: what a plugged end gets and what Docker is told.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressSpec } from './driver.js';
import { bridgedFarEnd, renderFarEnd, routedFarEnd } from './far-end.js';

const v4: AddressSpec = { ip: '10.1.0.5', version: 4, prefix: 24, subnetId: 's4', cidr: '10.1.0.0/24', gateway: '10.1.0.1', hostRoutes: [{ destination: '10.9.0.0/16', nexthop: '10.1.0.254' }] };
const v6: AddressSpec = { ip: 'fd00::5', version: 6, prefix: 64, subnetId: 's6', cidr: 'fd00::/64', gateway: 'fd00::', hostRoutes: [] };

describe('far end', () => {
  it('bridged: the subnet prefix, its gateways and host routes', () => {
    assert.deepEqual(bridgedFarEnd([v4, v6]), {
      addresses: [{ ip: '10.1.0.5', version: 4, prefix: 24 }, { ip: 'fd00::5', version: 6, prefix: 64 }],
      onLink: [], gateway4: '10.1.0.1', gateway6: 'fd00::', routes: [{ destination: '10.9.0.0/16', nexthop: '10.1.0.254' }],
    });
    assert.equal(bridgedFarEnd([{ ...v4, gateway: null }]).gateway4, null, 'no gateway, no default route');
  });

  it('routed: each address alone behind the host end, which is reached on the link', () => {
    const spec = routedFarEnd([v4, v6]);
    assert.deepEqual(spec.addresses.map((a) => a.prefix), [32, 128]);
    assert.deepEqual(spec.onLink, ['10.1.0.1', 'fe80::1']);
    assert.deepEqual([spec.gateway4, spec.gateway6], ['10.1.0.1', 'fe80::1']);
    assert.equal(routedFarEnd([{ ...v4, gateway: null }]).gateway4, '169.254.1.1');
  });

  it('renders addresses, then on-link routes, gateways and routes; a router end gets addresses only', () => {
    assert.deepEqual(renderFarEnd('eth0', routedFarEnd([v4]), true), [
      'addr replace 10.1.0.5/32 dev eth0', 'route replace 10.1.0.1 dev eth0 scope link', 'route replace default via 10.1.0.1 dev eth0',
    ]);
    assert.deepEqual(renderFarEnd('qr-x', bridgedFarEnd([v4, v6]), false), ['addr replace 10.1.0.5/24 dev qr-x', 'addr replace fd00::5/64 dev qr-x nodad']);
  });
});
