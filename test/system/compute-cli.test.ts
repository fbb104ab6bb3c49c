// Root: the Debian `openstack` CLI against `pier up --compute runc --dataplane linuxbridge`:
// `server create --wait` boots real containers; two servers on one network ping each other from
// inside (runc exec); `console log show` has the container's output; a floating IP reaches a
// server from the host only once its security group lets icmp in; deleting servers frees their ports.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { openstack, openstackJson, openstackOk, startPierProcess, type PierProcess } from '../support/process.js';
import { netnsWith, requireRoot, sh, uniquePrefix, waitFor } from '../support/system.js';

requireRoot();

describe('openstack CLI with runc servers', () => {
  const prefix = uniquePrefix();
  const ext = `172.26.${randomInt(10, 250)}`;
  let p: PierProcess;
  const ok = async (args: string[], cloud = 'pier-demo') => (await openstackOk(p, args, cloud)).stdout;
  const json = <T = any>(args: string[], cloud = 'pier-demo') => openstackJson<T>(p, args, cloud);
  const exec = (id: string, ...cmd: string[]) => sh('runc', ['--root', join(p.dataDir, 'runc', 'state'), 'exec', id, ...cmd]);
  const hostPings = async (ip: string) => (await sh('ping', ['-c', '1', '-W', '1', ip])).code === 0;

  before(async () => {
    p = await startPierProcess('sqlite', ['--dataplane', 'linuxbridge', '--dataplane-namespace', `${prefix}-dp`, '--physnet', `public=${ext}.1/24`, '--compute', 'runc']);
    await ok(['network', 'create', '--external', '--provider-network-type', 'flat', '--provider-physical-network', 'public', 'ext'], 'pier');
    await ok(['subnet', 'create', '--network', 'ext', '--subnet-range', `${ext}.0/24`, '--gateway', `${ext}.1`, '--allocation-pool', `start=${ext}.10,end=${ext}.99`, '--no-dhcp', 'ext-sub'], 'pier');
    await ok(['network', 'create', 'apps']);
    await ok(['subnet', 'create', '--network', 'apps', '--subnet-range', '10.43.0.0/24', 'apps-sub']);
    await ok(['router', 'create', 'r1']);
    await ok(['router', 'set', '--external-gateway', 'ext', 'r1']);
    await ok(['router', 'add', 'subnet', 'r1', 'apps-sub']);
  });
  after(async () => {
    await openstack(p, ['server', 'delete', '--wait', 'vm-a', 'vm-b'], 'pier-demo');
    await p.cleanup();
    for (const ns of netnsWith(`${prefix}-dp`)) await sh('ip', ['netns', 'del', ns]);
  });

  test('two servers boot, ping each other from inside, and show their console', async () => {
    await ok(['keypair', 'create', 'k']);
    const a = await json(['server', 'create', '--image', 'busybox', '--flavor', 'm1.tiny', '--network', 'apps', '--key-name', 'k', '--wait', 'vm-a']);
    const b = await json(['server', 'create', '--image', 'busybox', '--flavor', 'm1.tiny', '--network', 'apps', '--wait', 'vm-b']);
    assert.equal(a.status, 'ACTIVE');
    assert.equal(b.status, 'ACTIVE');
    const ipB = (b.addresses.apps as string[])[0]!;
    await waitFor('vm-a pings vm-b', async () => (await exec(a.id, 'ping', '-c', '1', '-W', '1', ipB)).code === 0, 15_000);
    assert.equal((await exec(a.id, 'hostname')).stdout.trim(), 'vm-a');
    const log = await ok(['console', 'log', 'show', 'vm-a']);
    assert.match(log, /Pier container vm-a started/);
    assert.match(log, new RegExp((a.addresses.apps as string[])[0]!.replace(/\./g, '\\.')));
  });

  test('a floating IP reaches the server from the host once its security group allows icmp', async () => {
    const fip = await json(['floating', 'ip', 'create', 'ext']);
    await ok(['server', 'add', 'floating', 'ip', 'vm-a', fip.floating_ip_address]);
    const shown = await json(['server', 'show', 'vm-a']);
    assert.ok((shown.addresses.apps as string[]).includes(fip.floating_ip_address), JSON.stringify(shown.addresses));
    // The default group lets in only its own members: the host's ping is dropped.
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await hostPings(fip.floating_ip_address), false, 'icmp from the host must be blocked by the default security group');
    await ok(['security', 'group', 'rule', 'create', '--protocol', 'icmp', '--remote-ip', '0.0.0.0/0', 'default']);
    await waitFor('host pings the floating IP', () => hostPings(fip.floating_ip_address), 15_000);
    await ok(['server', 'remove', 'floating', 'ip', 'vm-a', fip.floating_ip_address]);
    await ok(['floating', 'ip', 'delete', fip.id]);
  });

  test('stop, start and delete: the server comes back, then its ports are freed', async () => {
    await ok(['server', 'stop', 'vm-b']);
    await waitFor('vm-b SHUTOFF', async () => (await json(['server', 'show', 'vm-b'])).status === 'SHUTOFF', 20_000);
    await ok(['server', 'start', 'vm-b']);
    await waitFor('vm-b ACTIVE', async () => (await json(['server', 'show', 'vm-b'])).status === 'ACTIVE', 20_000);
    const ids = (await json<any[]>(['server', 'list'])).map((x) => x.ID as string);
    assert.equal(ids.length, 2);
    await ok(['server', 'delete', '--wait', 'vm-a', 'vm-b']);
    assert.deepEqual(await json<any[]>(['port', 'list', '--device-owner', 'compute:nova']), []);
    assert.deepEqual(await json<any[]>(['server', 'list']), []);
    for (const id of ids) assert.deepEqual(netnsWith(`pier-srv-${id}`), []);
  });
});
