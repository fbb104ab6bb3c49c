// Root: Nova servers as real runc containers on a linuxbridge network, through the API and the
// server controller (the runc driver's own suite is compute-runc.test.ts). Two servers from the busybox
// image ping each other from inside; hostname, key and console log are the server's; stop /
// start; a container that exits turns SHUTOFF; a Pier restart re-adopts running containers
// (same process); delete removes container, rootfs, network namespace and ports.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_PASSWORD, call, startTestPier, tokenFor, type TestPier } from '../support/pier.js';
import { requireRoot, sh, uniquePrefix, waitFor } from '../support/system.js';
import { computeModule } from '../../src/compute/index.js';
import { dataplaneModule } from '../../src/dataplane/index.js';

requireRoot();

describe('servers on the runc runtime', () => {
  const prefix = uniquePrefix();
  let t: TestPier;
  let token: string;
  let busybox: string;
  let netId: string;
  const made: string[] = [];

  const nova = (method: string, path: string, body?: unknown) => call(t.url, method, `/compute/v2.1${path}`, { token, body });
  const show = async (id: string) => (await nova('GET', `/servers/${id}`)).body.server;
  const runcRoot = () => join(t.dataDir, 'runc', 'state');
  const exec = (id: string, ...cmd: string[]) => sh('runc', ['--root', runcRoot(), 'exec', id, ...cmd]);
  const runcPid = async (id: string) => {
    const r = await sh('runc', ['--root', runcRoot(), 'state', id]);
    return r.code === 0 ? (JSON.parse(r.stdout) as { pid: number; status: string }) : undefined;
  };
  const settled = (id: string, status: string) => waitFor(`${id} ${status}`, async () => {
    const s = await show(id);
    if (s.status === 'ERROR') throw new Error(`server ERROR: ${JSON.stringify(s.fault)}`);
    return s.status === status && s['OS-EXT-STS:task_state'] === null;
  }, 30_000);
  const boot = async (name: string, extra: Record<string, unknown> = {}) => {
    const r = await nova('POST', '/servers', { server: { name, imageRef: busybox, flavorRef: '1', networks: [{ uuid: netId }], ...extra } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    made.push(r.body.server.id);
    return r.body.server.id as string;
  };
  const ipOf = async (id: string) => (Object.values((await show(id)).addresses)[0] as { addr: string }[])[0]!.addr;

  before(async () => {
    t = await startTestPier({
      dataplane: { driver: 'linuxbridge', namespace: `${prefix}-dp`, hostId: 'compute-test', vtep: '127.0.0.1', physnets: { public: { hostAddress: `172.28.${randomInt(10, 250)}.1/24` } } },
      compute: { driver: 'runc' },
    });
    token = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
    busybox = (await call(t.url, 'GET', '/image/v2/images?name=busybox', { token })).body.images[0].id;
    const net = await call(t.url, 'POST', '/networking/v2.0/networks', { token, body: { network: { name: 'runc-net' } } });
    netId = net.body.network.id;
    const sub = await call(t.url, 'POST', '/networking/v2.0/subnets', { token, body: { subnet: { network_id: netId, cidr: '10.41.0.0/24', ip_version: 4 } } });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
  });
  after(async () => {
    for (const id of made) await nova('DELETE', `/servers/${id}`).catch(() => {});
    await t.pier.get(computeModule).controller.idle();
    for (const id of made) await t.pier.get(computeModule).driver.remove(id).catch(() => {});
    await t.pier.get(dataplaneModule).driver.destroy();
    await t.close();
  });

  let a: string;
  let b: string;
  test('two busybox servers boot to ACTIVE and ping each other from inside', async () => {
    await call(t.url, 'POST', '/compute/v2.1/os-keypairs', { token, body: { keypair: { name: 'sys-key' } } });
    a = await boot('runc-a', { key_name: 'sys-key', metadata: { role: 'db' }, user_data: Buffer.from('#!/bin/sh\necho from-user-data\n').toString('base64') });
    b = await boot('runc-b');
    await settled(a, 'ACTIVE');
    await settled(b, 'ACTIVE');
    assert.equal((await exec(a, 'hostname')).stdout.trim(), 'runc-a');
    assert.match((await exec(a, 'cat', '/root/.ssh/authorized_keys')).stdout, /^ssh-rsa /);
    const ipB = await ipOf(b);
    await waitFor('a pings b', async () => (await exec(a, 'ping', '-c', '1', '-W', '1', ipB)).code === 0, 15_000);
    const log = (await nova('POST', `/servers/${a}/action`, { 'os-getConsoleOutput': {} })).body.output;
    assert.match(log, /Pier container runc-a started/);
    assert.match(log, new RegExp((await ipOf(a)).replace(/\./g, '\\.')));
  });

  test('the metadata service at 169.254.169.254 answers each server with its own data', async () => {
    const get = (id: string, path: string) => exec(id, 'wget', '-q', '-O', '-', `http://169.254.169.254${path}`);
    await waitFor('metadata answers', async () => (await get(a, '/openstack/latest/meta_data.json')).code === 0, 10_000);
    const meta = JSON.parse((await get(a, '/openstack/latest/meta_data.json')).stdout);
    assert.equal(meta.uuid, a);
    assert.equal(meta.name, 'runc-a');
    assert.deepEqual(meta.meta, { role: 'db' });
    assert.match(meta.public_keys.default, /^ssh-rsa /);
    assert.equal((await get(a, '/openstack/latest/user_data')).stdout, '#!/bin/sh\necho from-user-data\n');
    assert.equal((await get(a, '/latest/user-data')).stdout, '#!/bin/sh\necho from-user-data\n');
    assert.equal((await get(a, '/latest/meta-data/instance-id')).stdout, a);
    assert.equal((await get(a, '/latest/meta-data/local-ipv4')).stdout, await ipOf(a));
    await waitFor('metadata answers b', async () => (await get(b, '/latest/meta-data/instance-id')).code === 0, 10_000);
    assert.equal((await get(b, '/latest/meta-data/instance-id')).stdout, b);
    assert.notEqual((await get(b, '/openstack/latest/user_data')).code, 0, 'b has no user data');
    // The documents follow the server's metadata as it changes.
    assert.equal((await nova('POST', `/servers/${a}/metadata`, { metadata: { tier: 'gold' } })).status, 200);
    await waitFor('new metadata served', async () => JSON.parse((await get(a, '/openstack/latest/meta_data.json')).stdout).meta.tier === 'gold', 10_000);
    assert.deepEqual(JSON.parse((await get(a, '/openstack/latest/meta_data.json')).stdout).meta, { role: 'db', tier: 'gold' });
  });

  test('stop and start: the container goes and comes back, still on its network', async () => {
    assert.equal((await nova('POST', `/servers/${b}/action`, { 'os-stop': null })).status, 202);
    await settled(b, 'SHUTOFF');
    assert.equal(await runcPid(b), undefined);
    assert.equal((await nova('POST', `/servers/${b}/action`, { 'os-start': null })).status, 202);
    await settled(b, 'ACTIVE');
    await waitFor('a pings b again', async () => (await exec(a, 'ping', '-c', '1', '-W', '1', await ipOf(b))).code === 0, 15_000);
  });

  test('a container whose process exits turns SHUTOFF', async () => {
    await sh('runc', ['--root', runcRoot(), 'kill', '--all', b, 'KILL']);
    await settled(b, 'SHUTOFF');
    const actions = (await nova('GET', `/servers/${b}/os-instance-actions`)).body.instanceActions;
    assert.ok(actions.some((x: any) => x.action === 'stop' && /process exited \(exit code \d+\)/.test(x.message ?? '')), JSON.stringify(actions));
  });

  test('a Pier restart re-adopts the running container (same process) and keeps it ACTIVE', async () => {
    const before = await runcPid(a);
    assert.equal(before?.status, 'running');
    await t.restart();
    await t.pier.get(computeModule).controller.idle();
    assert.equal((await show(a)).status, 'ACTIVE');
    assert.equal((await runcPid(a))?.pid, before!.pid);
  });

  test('an image that cannot run: ERROR with the reason, and nothing left (container, rootfs, namespace, port)', async () => {
    const img = await call(t.url, 'POST', '/image/v2/images', { token, body: { name: 'empty-tar', disk_format: 'raw', container_format: 'bare' } });
    // A valid tarball with no /bin/sh in it: it unpacks, but nothing can start.
    const tar = Buffer.alloc(2048);
    tar.write('etc/', 0); tar.write('0000755\0', 100); tar.write('0000000\0', 108); tar.write('0000000\0', 116);
    tar.write('00000000000\0', 124); tar.write('00000000000\0', 136); tar.write('        ', 148); tar.write('5', 156); tar.write('ustar\0', 257); tar.write('00', 263);
    let sum = 0; for (let i = 0; i < 512; i++) sum += tar[i]!;
    tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    const put = await fetch(`${t.url}/image/v2/images/${img.body.id}/file`, { method: 'PUT', body: new Uint8Array(tar), headers: { 'x-auth-token': token, 'content-type': 'application/octet-stream' } });
    assert.equal(put.status, 204);
    const r = await nova('POST', '/servers', { server: { name: 'cannot-run', imageRef: img.body.id, flavorRef: '1', networks: [{ uuid: netId }] } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const id = r.body.server.id as string;
    made.push(id);
    await waitFor('ERROR', async () => (await show(id)).status === 'ERROR', 30_000);
    const s = await show(id);
    assert.equal(s.fault.code, 500);
    assert.ok(s.fault.message.length > 0);
    assert.equal(await runcPid(id), undefined);
    assert.equal(existsSync(join(t.dataDir, 'runc', 'servers', id)), false);
    assert.equal(existsSync(`/run/netns/pier-srv-${id}`), false);
    assert.deepEqual((await call(t.url, 'GET', `/networking/v2.0/ports?device_id=${id}`, { token })).body.ports, []);
  });

  test('delete removes the container, its rootfs, its network namespace and its port', async () => {
    const ports = await call(t.url, 'GET', `/networking/v2.0/ports?device_id=${a}`, { token });
    assert.equal(ports.body.ports.length, 1);
    assert.equal((await nova('DELETE', `/servers/${a}`)).status, 204);
    await waitFor('a deleted', async () => (await nova('GET', `/servers/${a}`)).status === 404, 15_000);
    assert.equal(await runcPid(a), undefined);
    assert.equal(existsSync(join(t.dataDir, 'runc', 'servers', a)), false);
    assert.equal(existsSync(`/run/netns/pier-srv-${a}`), false);
    assert.deepEqual((await call(t.url, 'GET', `/networking/v2.0/ports?device_id=${a}`, { token })).body.ports, []);
  });
});
