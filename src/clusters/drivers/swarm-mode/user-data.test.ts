// The pier_swarm_node user_data as Heat renders it: the placeholders are the only values Heat
// fills, the document stays JSON with the index a number, and only masters carry the CA key.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HeatValue, NodeContext } from '../driver.js';
import { swarmNodeUserData } from './user-data.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
// The CA key travels JSON-escaped (heat-template.ts), as str_replace puts it inside a JSON string.
const KEY = JSON.stringify('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n').slice(1, -1);

/** What Heat's str_replace makes of the value, with `get_attr`/`get_param` answered by `values`. */
function render(v: HeatValue, values: Record<string, string>): string {
  const { template, params } = (v as { str_replace: { template: string; params: Record<string, HeatValue> } }).str_replace;
  let out = template;
  for (const [k, p] of Object.entries(params)) out = out.split(k).join(typeof p === 'string' ? p : values[JSON.stringify(p)] ?? 'UNRESOLVED');
  return out;
}

const node = (role: 'master' | 'worker', index: number | string): NodeContext => ({
  role, index, cluster: { uuid: 'c-1', name: 'swarm-x-1', labels: {} } as never, clusterTemplate: { coe: 'swarm-mode' } as never, nodegroup: { name: role === 'master' ? 'default-master' : 'default-worker' } as never,
  masterFixedAddress: { get_attr: ['master_port_0', 'fixed_ips', 0, 'ip_address'] }, masterPublicAddress: { get_attr: ['master_floating_ip_0', 'floating_ip_address'] },
  ca: role === 'master' ? { cert: CA, key: '@@CA_KEY_PARAM@@' } : { cert: CA }, bootstrapToken: { get_param: 'bootstrap_token' }, securityGroup: { get_resource: 'secgroup_worker' },
});

const values = {
  [JSON.stringify({ get_attr: ['master_port_0', 'fixed_ips', 0, 'ip_address'] })]: '10.0.0.5',
  [JSON.stringify({ get_attr: ['master_floating_ip_0', 'floating_ip_address'] })]: '172.24.4.20',
  [JSON.stringify({ get_param: 'bootstrap_token' })]: 'abcdef.0123456789abcdef',
};

describe('pier_swarm_node user_data', () => {
  it('a master: its index, both manager addresses, the CA and its key, the join secret', () => {
    const v = swarmNodeUserData(node('master', 0));
    const text = render(v, values).replace('@@CA_KEY_PARAM@@', KEY);
    const d = JSON.parse(text).pier_swarm_node;
    assert.equal(d.version, 1);
    assert.equal(d.role, 'master');
    assert.equal(d.index, 0);
    assert.deepEqual(d.manager_addresses, ['10.0.0.5', '172.24.4.20']);
    assert.equal(d.api_port, 2376);
    assert.equal(d.join_port, 2378);
    assert.equal(d.ca_cert, CA);
    assert.match(d.ca_key, /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.equal(d.join_secret, 'abcdef.0123456789abcdef');
  });

  it('a worker in a ResourceGroup: %index% stays for Heat to fill, and no CA key', () => {
    const v = swarmNodeUserData(node('worker', '%index%'));
    const text = render(v, values);
    assert.match(text, /"index":%index%/);
    const d = JSON.parse(text.replace('%index%', '2')).pier_swarm_node;
    assert.equal(d.index, 2);
    assert.equal(d.role, 'worker');
    assert.equal('ca_key' in d, false);
  });
});
