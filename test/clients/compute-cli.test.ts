// The Debian `openstack` CLI (python3-openstackclient 6.0: novaclient at 2.1 for servers, the SDK
// at its negotiated microversions for flavors, keypairs, pause and console) against `pier up`
// with the fake runtime: flavor list / create / delete, keypair create / list / delete, server
// create --wait to ACTIVE, list / show / stop / start / reboot / pause / unpause / delete,
// console log show, server event list, quota show, and Nova's errors as the CLI shows them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_PASSWORD, call, testStores, tokenFor } from '../support/pier.js';
import { openstack, openstackJson, openstackOk, startPierProcess, type PierProcess } from '../support/process.js';

for (const store of testStores()) describe(`compute CLI on ${store}`, () => {
  let p: PierProcess;
  const demoJson = <T = any>(args: string[]) => openstackJson<T>(p, args, 'pier-demo');
  const ok = (args: string[], cloud = 'pier-demo') => openstackOk(p, args, cloud);
  const fails = async (args: string[], message: RegExp, cloud = 'pier-demo') => {
    const r = await openstack(p, args, cloud);
    assert.notEqual(r.code, 0, `openstack ${args.join(' ')} should fail`);
    assert.match(r.stderr, message);
  };
  const status = async (name: string, want: string) => {
    for (let n = 0; n < 50; n++) {
      const s = await demoJson(['server', 'show', name]);
      if (s.status === want && !s['OS-EXT-STS:task_state']) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`${name} never became ${want}`);
  };

  before(async () => {
    p = await startPierProcess(store);
    await ok(['network', 'create', 'cli-net']);
    await ok(['subnet', 'create', '--network', 'cli-net', '--subnet-range', '10.30.0.0/24', 'cli-sub']);
  });
  after(() => p.cleanup());

  test('flavors: list the defaults; the admin creates and deletes one; a member may not', async () => {
    const list = await demoJson<any[]>(['flavor', 'list']);
    assert.deepEqual(list.map((f) => f.Name), ['m1.tiny', 'm1.small', 'm1.medium', 'm1.large', 'm1.xlarge']);
    assert.deepEqual(list[0], { ID: '1', Name: 'm1.tiny', RAM: 512, Disk: 1, Ephemeral: 0, VCPUs: 1, 'Is Public': true });
    const made = await openstackJson(p, ['flavor', 'create', '--ram', '256', '--vcpus', '1', '--disk', '0', '--property', 'hw:cpu_policy=shared', 'cli.flavor'], 'pier');
    assert.equal(made.name, 'cli.flavor');
    assert.equal(made.ram, 256);
    assert.deepEqual(made.properties, { 'hw:cpu_policy': 'shared' });
    await fails(['flavor', 'create', '--ram', '256', '--vcpus', '1', 'cli.flavor'], /already exists/, 'pier');
    await fails(['flavor', 'create', '--ram', '256', '--vcpus', '1', 'sneaky'], /os-flavor-manage:create|HTTP 403|Forbidden/);
    await ok(['flavor', 'delete', 'cli.flavor'], 'pier');
    assert.equal((await demoJson<any[]>(['flavor', 'list'])).length, 5);
  });

  test('keypairs: create prints a private key; list; delete', async () => {
    const r = await ok(['keypair', 'create', 'cli-key']);
    assert.match(r.stdout, /-----BEGIN RSA PRIVATE KEY-----/);
    const list = await demoJson<any[]>(['keypair', 'list']);
    assert.deepEqual(list.map((k) => k.Name), ['cli-key']);
    assert.match(list[0].Fingerprint, /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    await fails(['keypair', 'create', 'cli-key'], /already exists/);
  });

  test('server create --wait reaches ACTIVE; list, show, stop, start, reboot, pause, console log, delete', async () => {
    const s = await demoJson(['server', 'create', '--image', 'busybox', '--flavor', 'm1.tiny', '--network', 'cli-net', '--key-name', 'cli-key', '--property', 'role=test', '--wait', 'cli-vm']);
    assert.equal(s.status, 'ACTIVE');
    assert.equal(s.name, 'cli-vm');
    assert.equal(s.flavor, 'm1.tiny (1)');
    assert.match(s.image, /^busybox \(/);
    assert.equal(s.key_name, 'cli-key');
    assert.match(JSON.stringify(s.addresses), /10\.30\.0\.\d+/);
    const list = await demoJson<any[]>(['server', 'list']);
    assert.equal(list.length, 1);
    assert.equal(list[0].Status, 'ACTIVE');
    assert.match(JSON.stringify(list[0].Networks), /cli-net/);
    assert.equal(list[0].Image, 'busybox');
    assert.equal(list[0].Flavor, 'm1.tiny');
    const ports = await demoJson<any[]>(['port', 'list', '--server', s.id, '--long']);
    assert.equal(ports.length, 1);
    assert.equal(ports[0]['Device Owner'], 'compute:nova');
    await ok(['server', 'stop', 'cli-vm']);
    await status('cli-vm', 'SHUTOFF');
    await ok(['server', 'start', 'cli-vm']);
    await status('cli-vm', 'ACTIVE');
    await ok(['server', 'reboot', '--hard', '--wait', 'cli-vm']);
    await status('cli-vm', 'ACTIVE');
    await ok(['server', 'pause', 'cli-vm']);
    await status('cli-vm', 'PAUSED');
    await ok(['server', 'unpause', 'cli-vm']);
    await status('cli-vm', 'ACTIVE');
    const log = await ok(['console', 'log', 'show', 'cli-vm']);
    assert.match(log.stdout, /cli-vm started/);
    const last = await ok(['console', 'log', 'show', '--lines', '1', 'cli-vm']);
    assert.equal(last.stdout.trim().split('\n').length, 1);
    const events = await demoJson<any[]>(['server', 'event', 'list', 'cli-vm']);
    assert.deepEqual(events.map((e) => e.Action).sort(), ['create', 'pause', 'reboot', 'start', 'stop', 'unpause']);
    await ok(['server', 'set', '--name', 'cli-vm2', 'cli-vm']);
    assert.equal((await demoJson(['server', 'show', 'cli-vm2'])).name, 'cli-vm2');
    await ok(['server', 'delete', '--wait', 'cli-vm2']);
    assert.deepEqual(await demoJson<any[]>(['server', 'list']), []);
    assert.deepEqual(await demoJson<any[]>(['port', 'list', '--device-owner', 'compute:nova']), []);
    await fails(['server', 'show', 'cli-vm2'], /No server with a name or ID of 'cli-vm2' exists/);
  });

  test('bad input: Nova refuses and nothing is created', async () => {
    await fails(['server', 'create', '--image', 'busybox', '--flavor', 'm1.tiny', '--network', 'cli-net', '--key-name', 'nokey', 'bad'], /Invalid key_name provided\. \(HTTP 400\)/);
    await fails(['server', 'create', '--image', 'busybox', '--flavor', 'm1.tiny', '--nic', 'net-id=' + (await demoJson(['network', 'show', 'cli-net'])).id + ',v4-fixed-ip=10.99.0.9', 'bad'], /HTTP 400/);
    // An image with no data yet (`image create` without --file would wait for data on stdin).
    const token = await tokenFor(p.url, 'demo', DEMO_PASSWORD, 'demo');
    const queued = (await call(p.url, 'POST', '/image/v2/images', { token, body: { name: 'no-data', disk_format: 'raw', container_format: 'bare' } })).body;
    await fails(['server', 'create', '--image', queued.id, '--flavor', 'm1.tiny', '--network', 'cli-net', 'bad'], new RegExp(`Image ${queued.id} is not active\\. \\(HTTP 400\\)`));
    await fails(['server', 'create', '--image', 'nosuchimage', '--flavor', 'm1.tiny', '--network', 'cli-net', 'bad'], /No Image found for nosuchimage/);
    await fails(['server', 'create', '--image', 'busybox', '--flavor', 'nosuchflavor', '--network', 'cli-net', 'bad'], /No flavor with a name or ID of 'nosuchflavor' exists/);
    await fails(['server', 'create', '--image', 'busybox', '--flavor', 'm1.tiny', '--network', 'nosuchnet', 'bad'], /No Network found for nosuchnet/);
    await ok(['network', 'create', 'cli-net-2']);
    await fails(['--os-compute-api-version', '2.37', 'server', 'create', '--image', 'busybox', '--flavor', 'm1.tiny', '--nic', 'auto', 'bad'], /Multiple possible networks found.*\(HTTP 409\)/);
    await ok(['network', 'delete', 'cli-net-2']);
    assert.deepEqual(await demoJson<any[]>(['server', 'list']), []);
    assert.deepEqual(await demoJson<any[]>(['port', 'list', '--device-owner', 'compute:nova']), []);
  });

  test('quota show includes compute quotas; over quota is refused with 403', async () => {
    const q = await openstackJson(p, ['quota', 'show', 'demo'], 'pier');
    assert.equal(q.instances, 10);
    assert.equal(q.cores, 20);
    assert.equal(q.ram, 51200);
    await ok(['quota', 'set', '--instances', '0', 'demo'], 'pier');
    await fails(['server', 'create', '--image', 'busybox', '--flavor', 'm1.tiny', '--network', 'cli-net', 'over'], /Quota exceeded for instances.*\(HTTP 403\)/);
    await ok(['quota', 'set', '--instances', '10', 'demo'], 'pier');
  });
});
