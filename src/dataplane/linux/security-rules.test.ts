import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PortSpec } from '../driver.js';
import { renderAntiSpoofing, renderSecurityGroups, type SecuredPort } from './security-rules.js';

const port = (id: string, ip: string, mac: string, groups: string[], extra: Partial<PortSpec> = {}): PortSpec => ({
  id, networkId: 'n1', mac, mtu: 1450, adminUp: true, secured: true, allowedPairs: [], securityGroups: groups,
  addresses: [{ ip, version: 4, prefix: 24, subnetId: 's1', cidr: '10.0.0.0/24', gateway: '10.0.0.1', hostRoutes: [] }],
  attachment: { kind: 'netns', netns: 'x', ifname: 'eth0' }, ...extra,
});
const groups = [
  { id: 'web', stateful: true, members: { v4: [], v6: [] }, rules: [{ direction: 'ingress' as const, ethertype: 'IPv4' as const, protocol: '6', portMin: 80, portMax: 80, remoteIpPrefix: null, remoteGroupId: null }] },
  { id: 'icmp', stateful: true, members: { v4: [], v6: [] }, rules: [{ direction: 'ingress' as const, ethertype: 'IPv4' as const, protocol: '1', portMin: null, portMax: null, remoteIpPrefix: null, remoteGroupId: null }] },
];
const node = port('node', '10.0.0.5', 'fa:16:3e:00:00:05', ['web'], { allowedPairs: [{ ip: '10.0.0.9', mac: 'fa:16:3e:00:00:09' }] });
const pod = port('pod', '10.0.0.9', 'fa:16:3e:00:00:09', ['icmp']);

describe('nested ports in the security rule sets', () => {
  it('routed: the parent\'s interface dispatches by address to the pod\'s chains, the rest to its own', () => {
    const ports: SecuredPort[] = [{ port: node, bridge: '', hostIf: 'tp-node' }, { port: pod, bridge: '', hostIf: 'tp-node', nested: true }];
    const text = renderSecurityGroups('pier', ports, groups, { routed: true });
    assert.match(text, /iifname vmap \{ "tp-node" : jump do0 \}/);
    assert.match(text, /oifname vmap \{ "tp-node" : jump di0 \}/);
    assert.match(text, /chain do0 \{\n {4}ip saddr vmap \{ 10\.0\.0\.9 : goto o1 \}\n {4}goto o0\n {2}\}/);
    assert.match(text, /chain di0 \{\n {4}ip daddr vmap \{ 10\.0\.0\.9 : goto i1 \}\n {4}goto i0\n {2}\}/);
    assert.match(text, /chain i1 \{\n[^\n]*\n {4}meta nfproto ipv4 meta l4proto 1 return/);
  });
  it('routed: a pod on an unfiltered parent falls through to no chain of the parent\'s', () => {
    const text = renderSecurityGroups('pier', [{ port: pod, bridge: '', hostIf: 'tp-node', nested: true }], groups, { routed: true });
    assert.match(text, /chain do0 \{\n {4}ip saddr vmap \{ 10\.0\.0\.9 : goto o0 \}\n {2}\}/);
  });
  it('bridged: the pod rides its parent\'s MAC and is told apart by its address; anti-spoofing stays the parent\'s, with its pairs', () => {
    const text = renderSecurityGroups('pier', [{ port: node, bridge: 'br-1', hostIf: 'tp-node' }, { port: pod, bridge: 'br-1', hostIf: 'tp-node', nested: true, parentMac: node.mac }], groups);
    assert.match(text, /iifname \. ether saddr vmap \{ "br-1" \. fa:16:3e:00:00:05 : jump do0 \}/);
    assert.match(text, /chain do0 \{\n {4}ip saddr vmap \{ 10\.0\.0\.9 : goto o1 \}\n {4}goto o0\n {2}\}/);
    const spoof = renderAntiSpoofing('pier', [{ port: node, bridge: 'br-1', hostIf: 'tp-node' }]);
    assert.match(spoof, /ether saddr != \{ fa:16:3e:00:00:05, fa:16:3e:00:00:09 \} drop/);
    assert.match(spoof, /ip saddr != \{ 10\.0\.0\.5, 10\.0\.0\.9, 0\.0\.0\.0 \} drop/);
  });
});
