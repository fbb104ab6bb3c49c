import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CniError } from './errors.js';
import { answerVersion, parseRequest, type ForwardedCall } from './request.js';

const env = { CNI_CONTAINERID: 'c1', CNI_NETNS: '/run/netns/c1', CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin' };
const config = (extra: Record<string, unknown> = {}) => JSON.stringify({ cniVersion: '1.0.0', name: 'n1', type: 'pier', network: 'net1', ...extra });
const code = (call: ForwardedCall) => {
  try { parseRequest(call); } catch (err) { assert.ok(err instanceof CniError, String(err)); return err.code; }
  return 0;
};

describe('CNI requests', () => {
  it('reads the environment, the config and CNI_ARGS', () => {
    const req = parseRequest({ command: 'ADD', env: { ...env, CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAMESPACE=ns;K8S_POD_NAME=web-0' }, config: config({ subnet: 's1', securityGroups: ['web'] }) });
    assert.deepEqual(req, {
      command: 'ADD', version: '1.0.0', containerId: 'c1', netns: '/run/netns/c1', ifname: 'eth0',
      args: { IgnoreUnknown: '1', K8S_POD_NAMESPACE: 'ns', K8S_POD_NAME: 'web-0' },
      config: { name: 'n1', network: 'net1', subnet: 's1', securityGroups: ['web'] },
    });
  });

  it('answers each mistake with the spec\'s code', () => {
    const cases: [string, ForwardedCall, number][] = [
      ['unknown command', { command: 'FROB', env, config: config() }, 4],
      ['missing variables', { command: 'ADD', env: { CNI_IFNAME: 'eth0' }, config: config() }, 4],
      ['bad container id', { command: 'ADD', env: { ...env, CNI_CONTAINERID: 'a/b' }, config: config() }, 4],
      ['interface name with a colon', { command: 'ADD', env: { ...env, CNI_IFNAME: 'eth:0' }, config: config() }, 4],
      ['interface name ..', { command: 'ADD', env: { ...env, CNI_IFNAME: '..' }, config: config() }, 4],
      ['relative netns', { command: 'ADD', env: { ...env, CNI_NETNS: 'netns/c1' }, config: config() }, 4],
      ['bad CNI_ARGS', { command: 'ADD', env: { ...env, CNI_ARGS: 'novalue' }, config: config() }, 4],
      ['config not JSON', { command: 'ADD', env, config: '{' }, 6],
      ['config a list', { command: 'ADD', env, config: '[]' }, 6],
      ['no name', { command: 'ADD', env, config: config({ name: undefined }) }, 7],
      ['bad name', { command: 'ADD', env, config: config({ name: '-x' }) }, 7],
      ['unsupported version', { command: 'ADD', env, config: config({ cniVersion: '2.0.0' }) }, 1],
      ['CHECK at 0.3.1', { command: 'CHECK', env, config: config({ cniVersion: '0.3.1' }) }, 1],
      ['STATUS at 1.0.0', { command: 'STATUS', env: {}, config: config() }, 1],
      ['GC at 1.0.0', { command: 'GC', env: { CNI_PATH: '/opt/cni/bin' }, config: config() }, 1],
      ['GC without CNI_PATH', { command: 'GC', env: {}, config: config({ cniVersion: '1.1.0' }) }, 4],
      ['GC with bad attachments', { command: 'GC', env, config: config({ cniVersion: '1.1.0', 'cni.dev/valid-attachments': [{ containerID: 1 }] }) }, 6],
      ['ipam section', { command: 'ADD', env, config: config({ ipam: { type: 'host-local' } }) }, 2],
      ['another cloud', { command: 'ADD', env, config: config({ cloud: 'other' }) }, 2],
      ['no network for ADD', { command: 'ADD', env, config: config({ network: undefined }) }, 7],
      ['network not a string', { command: 'ADD', env, config: config({ network: 7 }) }, 7],
      ['securityGroups not a list of names', { command: 'ADD', env, config: config({ securityGroups: [''] }) }, 7],
      ['prevResult not an object', { command: 'CHECK', env, config: config({ prevResult: 'x' }) }, 6],
    ];
    for (const [what, call, want] of cases) assert.equal(code(call), want, what);
  });

  it('needs only what each command needs: DEL without netns or network, STATUS and GC without a container', () => {
    assert.equal(code({ command: 'DEL', env: { CNI_CONTAINERID: 'c1', CNI_IFNAME: 'eth0' }, config: config({ network: undefined }) }), 0);
    assert.equal(code({ command: 'STATUS', env: {}, config: config({ cniVersion: '1.1.0' }) }), 0);
    const gc = parseRequest({ command: 'GC', env: { CNI_PATH: '/x' }, config: config({ cniVersion: '1.1.0', network: undefined, 'cni.dev/valid-attachments': [{ containerID: 'c1', ifname: 'eth0' }] }) });
    assert.deepEqual(gc.config.validAttachments, [{ containerID: 'c1', ifname: 'eth0' }]);
  });

  it('nested (a node\'s socket): the network may go unnamed; a mode must match the socket', () => {
    const nested = (call: ForwardedCall) => {
      try { parseRequest(call, true); } catch (err) { assert.ok(err instanceof CniError, String(err)); return err.code; }
      return 0;
    };
    assert.equal(nested({ command: 'ADD', env, config: config({ network: undefined }) }), 0);
    assert.equal(nested({ command: 'ADD', env, config: config({ mode: 'nested' }) }), 0);
    assert.deepEqual(parseRequest({ command: 'ADD', env, config: config({ mode: 'nested' }) }, true).config.mode, 'nested');
    assert.equal(nested({ command: 'ADD', env, config: config({ mode: 'host' }) }), 7);
    assert.equal(code({ command: 'ADD', env, config: config({ mode: 'nested' }) }), 7);
    assert.equal(code({ command: 'ADD', env, config: config({ mode: 'host' }) }), 0);
    assert.equal(code({ command: 'ADD', env, config: config({ mode: 'vlan' }) }), 7);
  });

  it('answers in the config\'s version, or the latest when it names none', () => {
    assert.equal(answerVersion({ config: config({ cniVersion: '0.4.0' }) }), '0.4.0');
    assert.equal(answerVersion({ config: config({ cniVersion: '9.9.9' }) }), '9.9.9');
    assert.equal(answerVersion({ config: '{' }), '1.1.0');
    assert.equal(answerVersion({}), '1.1.0');
  });
});
