// The pier_node user_data contract: what renders, what parses back, and each refusal.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { newBootstrapToken, nodeUserDataProblem, parseNodeUserData, renderNodeUserData, type NodeUserData } from './user-data.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n';
const master: NodeUserData = {
  version: 1, role: 'master', cluster_uuid: 'c1', api_addresses: ['10.0.0.5', '172.24.4.20'], ca_cert: CA, ca_key: KEY,
  bootstrap_token: 'abcdef.0123456789abcdef', service_cidr: '10.254.0.0/16', pod_cidr: '10.100.0.0/16',
};

describe('pier_node user_data', () => {
  it('renders as {"pier_node": …} and parses back the same', () => {
    const text = renderNodeUserData(master);
    assert.deepEqual(Object.keys(JSON.parse(text)), ['pier_node']);
    assert.deepEqual(parseNodeUserData(text), master);
    const worker = { ...master, role: 'worker' as const, ca_key: undefined, api_addresses: ['10.0.0.5'] };
    assert.equal(parseNodeUserData(renderNodeUserData(worker)).role, 'worker');
  });

  it('refuses what a node could not boot from, saying which field', () => {
    const cases: [Partial<NodeUserData> & Record<string, unknown>, RegExp][] = [
      [{ version: 2 as 1 }, /version must be 1/],
      [{ role: 'minion' as 'worker' }, /role must be master or worker/],
      [{ api_addresses: [] }, /api_addresses is empty/],
      [{ api_addresses: ['master.example'] }, /"master.example" is not an IP address/],
      [{ ca_cert: 'nope' }, /ca_cert is not a PEM certificate/],
      [{ ca_key: undefined }, /ca_key is missing/],
      [{ bootstrap_token: 'ABCDEF.0123456789abcdef' }, /bootstrap_token must look like/],
      [{ pod_cidr: '10.100.0.0' }, /pod_cidr: "10.100.0.0" is not a CIDR/],
      [{ service_cidr: '10.254.0.0/33' }, /service_cidr/],
      [{ network_driver: 'flannel' as 'pier-bridge' }, /network_driver "flannel"/],
    ];
    for (const [change, message] of cases) {
      const d = { ...master, ...change };
      assert.match(nodeUserDataProblem(d) ?? '', message, JSON.stringify(change));
      assert.throws(() => renderNodeUserData(d as NodeUserData), message);
    }
    assert.equal(nodeUserDataProblem({ ...master, role: 'worker', ca_key: undefined }), undefined, 'a worker needs no CA key');
  });

  it('reads only JSON with a pier_node object', () => {
    assert.throws(() => parseNodeUserData('#!/bin/sh\necho hi'), /not JSON/);
    assert.throws(() => parseNodeUserData('{"node": {}}'), /no "pier_node" object/);
    assert.throws(() => parseNodeUserData('{"pier_node": []}'), /no "pier_node" object/);
  });

  it('makes bootstrap tokens in Kubernetes\' format', () => {
    for (let i = 0; i < 20; i++) assert.match(newBootstrapToken(randomBytes), /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
  });
});
