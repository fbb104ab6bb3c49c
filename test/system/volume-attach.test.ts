// Root: Cinder volumes in runc servers through the real APIs — a server writes a file on its
// volume (mounted at /mnt/vdb inside, hot-attached into the running container), the volume is
// detached and attached to a second server, which reads the same bytes; a snapshot taken
// before a change and reverted to brings the old bytes back; an attach that fails in the
// kernel leaves the volume available with a message; bad requests change nothing; after all
// deletes no loop device, mount or file of this Pier's is left; a volume uploaded to Glance is an
// image with its files. A Pier restart keeps the mounts
// and detaches a loop device no attachment owns.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_PASSWORD, call, startTestPier, tokenFor, type TestPier } from '../support/pier.js';
import { requireRoot, sh, uniquePrefix, waitFor } from '../support/system.js';
import { computeModule } from '../../src/compute/index.js';
import { dataplaneModule } from '../../src/dataplane/index.js';

requireRoot();

describe('volumes in runc servers', () => {
  const prefix = uniquePrefix();
  let t: TestPier;
  let token: string;
  let project: string;
  let busybox: string;
  let netId: string;
  const servers: string[] = [];
  const volumes: string[] = [];

  const nova = (method: string, path: string, body?: unknown, version = '2.79') => call(t.url, method, `/compute/v2.1${path}`, { token, body, headers: { 'openstack-api-version': `compute ${version}` } });
  const cinder = (method: string, path: string, body?: unknown, minor = 0) => call(t.url, method, `/volume/v3/${project}${path}`, { token, body, headers: { 'openstack-api-version': `volume 3.${minor}` } });
  const exec = (id: string, ...cmd: string[]) => sh('runc', ['--root', join(t.dataDir, 'runc', 'state'), 'exec', id, ...cmd]);
  const volume = async (id: string) => (await cinder('GET', `/volumes/${id}`)).body.volume;
  const volumeIs = (id: string, status: string) => waitFor(`volume ${id} ${status}`, async () => (await volume(id))?.status === status, 30_000);
  const boot = async (name: string) => {
    const r = await nova('POST', '/servers', { server: { name, imageRef: busybox, flavorRef: '1', networks: [{ uuid: netId }] } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    servers.push(r.body.server.id);
    return r.body.server.id as string;
  };
  const active = (id: string) => waitFor(`${id} ACTIVE`, async () => {
    const s = (await nova('GET', `/servers/${id}`)).body.server;
    if (s.status === 'ERROR') throw new Error(`server ERROR: ${JSON.stringify(s.fault)}`);
    return s.status === 'ACTIVE' && s['OS-EXT-STS:task_state'] === null;
  }, 30_000);
  const attach = async (server: string, vol: string) => {
    const r = await nova('POST', `/servers/${server}/os-volume_attachments`, { volumeAttachment: { volumeId: vol } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await volumeIs(vol, 'in-use');
    return r.body.volumeAttachment;
  };
  const detach = async (server: string, vol: string) => {
    assert.equal((await nova('DELETE', `/servers/${server}/os-volume_attachments/${vol}`)).status, 202);
    await volumeIs(vol, 'available');
  };
  /** Loop devices backed by this Pier's files, and mounts under its data dir. */
  const leftovers = async () => {
    const loops = JSON.parse((await sh('losetup', ['-J', '-l'])).stdout || '{"loopdevices":[]}').loopdevices as { name: string; 'back-file': string | null }[];
    const mine = loops.filter((l) => l['back-file']?.startsWith(t.dataDir)).map((l) => l.name);
    const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((p) => p.startsWith(`${t.dataDir}/`) && p.includes('/mnt'));
    const dir = join(t.dataDir, 'volumes');
    return { loops: mine, mounts, files: existsSync(dir) ? readdirSync(dir) : [] };
  };

  before(async () => {
    t = await startTestPier({
      dataplane: { driver: 'linuxbridge', namespace: `${prefix}-dp`, hostId: 'volume-test', vtep: '127.0.0.1', physnets: { public: { hostAddress: `172.29.${randomInt(10, 250)}.1/24` } } },
      compute: { driver: 'runc' },
    });
    token = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
    project = (await call(t.url, 'GET', '/identity/v3/auth/tokens', { token, headers: { 'x-subject-token': token } })).body.token.project.id;
    busybox = (await call(t.url, 'GET', '/image/v2/images?name=busybox', { token })).body.images[0].id;
    netId = (await call(t.url, 'POST', '/networking/v2.0/networks', { token, body: { network: { name: 'vol-net' } } })).body.network.id;
    const sub = await call(t.url, 'POST', '/networking/v2.0/subnets', { token, body: { subnet: { network_id: netId, cidr: '10.42.0.0/24', ip_version: 4 } } });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
  });
  after(async () => {
    for (const id of servers) await nova('DELETE', `/servers/${id}`).catch(() => {});
    await t.pier.get(computeModule).controller.idle();
    for (const id of servers) await t.pier.get(computeModule).driver.remove(id).catch(() => {});
    for (const id of volumes) await cinder('DELETE', `/volumes/${id}?cascade=true`).catch(() => {});
    // Whatever a failed test left: detached by the driver before the data dir goes.
    for (const l of (await leftovers()).loops) await sh('losetup', ['-d', l]);
    await t.pier.get(dataplaneModule).driver.destroy();
    await t.close();
  });

  let a: string;
  let b: string;
  let vol: string;
  test('a server writes on its volume; detached and attached to a second server, the same bytes are there', async () => {
    a = await boot('vol-a');
    b = await boot('vol-b');
    const r = await cinder('POST', '/volumes', { volume: { size: 1, name: 'data' } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    vol = r.body.volume.id;
    volumes.push(vol);
    await volumeIs(vol, 'available');
    await active(a);
    await active(b);
    const att = await attach(a, vol);
    assert.deepEqual([att.device, att.volumeId, att.serverId, att.delete_on_termination], ['/dev/vdb', vol, a, false]);
    const v = await volume(vol);
    assert.deepEqual(v.attachments.map((x: any) => [x.server_id, x.device]), [[a, '/dev/vdb']]);
    assert.deepEqual((await nova('GET', `/servers/${a}`)).body.server['os-extended-volumes:volumes_attached'], [{ id: vol, delete_on_termination: false }]);
    assert.deepEqual((await nova('GET', `/servers/${a}/os-volume_attachments`)).body.volumeAttachments.map((x: any) => x.volumeId), [vol]);
    // Hot attached: the running container sees an ext4 file system at /mnt/vdb.
    assert.match((await exec(a, 'grep', ' /mnt/vdb ', '/proc/mounts')).stdout, /ext4/);
    assert.equal((await exec(a, 'sh', '-c', 'echo first-bytes > /mnt/vdb/file && sync')).code, 0);
    // Bad requests while it is in use: Cinder's and Nova's answers, nothing changed.
    const before = await volume(vol);
    const busy = await nova('POST', `/servers/${b}/os-volume_attachments`, { volumeAttachment: { volumeId: vol } });
    assert.equal(busy.status, 400, JSON.stringify(busy.body));
    assert.match(busy.body.badRequest.message, /Invalid volume/);
    const del = await cinder('DELETE', `/volumes/${vol}`);
    assert.equal(del.status, 400);
    assert.match(del.body.badRequest.message, /Invalid volume/);
    assert.deepEqual(await volume(vol), before);
    await detach(a, vol);
    assert.notEqual((await exec(a, 'grep', ' /mnt/vdb ', '/proc/mounts')).code, 0, 'unmounted in the container');
    assert.deepEqual((await leftovers()).loops, [], 'the loop device went with the detach');
    await attach(b, vol);
    assert.equal((await exec(b, 'cat', '/mnt/vdb/file')).stdout, 'first-bytes\n');
  });

  test('after a Pier restart the attached volume is still mounted and a loop device no attachment owns is gone', async () => {
    const r = await cinder('POST', '/volumes', { volume: { size: 1, name: 'stray' } });
    const stray = r.body.volume.id as string;
    volumes.push(stray);
    await volumeIs(stray, 'available');
    // What a crash between attach and mount leaves: a loop device for a volume attached nowhere.
    const loop = (await sh('losetup', ['--show', '-f', join(t.dataDir, 'volumes', `volume-${stray}`)])).stdout.trim();
    assert.match(loop, /^\/dev\/loop\d+$/);
    await t.restart();
    await waitFor('the stray loop device detached', async () => !(await leftovers()).loops.includes(loop), 15_000);
    assert.equal((await volume(vol)).status, 'in-use');
    assert.equal((await exec(b, 'cat', '/mnt/vdb/file')).stdout, 'first-bytes\n');
    assert.equal((await leftovers()).loops.length, 1, 'only the attached volume has a loop device');
    assert.equal((await cinder('DELETE', `/volumes/${stray}`)).status, 202);
  });

  test('a snapshot before a change, reverted to, brings the old bytes back', async () => {
    const s = await cinder('POST', '/snapshots', { snapshot: { volume_id: vol, name: 'before' } }, 66);
    assert.equal(s.status, 202, JSON.stringify(s.body));
    await waitFor('snapshot available', async () => (await cinder('GET', `/snapshots/${s.body.snapshot.id}`)).body.snapshot.status === 'available', 30_000);
    assert.equal((await exec(b, 'sh', '-c', 'echo second-bytes > /mnt/vdb/file && sync')).code, 0);
    await detach(b, vol);
    assert.equal((await cinder('POST', `/volumes/${vol}/action`, { revert: { snapshot_id: s.body.snapshot.id } }, 40)).status, 202);
    await volumeIs(vol, 'available');
    await attach(a, vol);
    assert.equal((await exec(a, 'cat', '/mnt/vdb/file')).stdout, 'first-bytes\n');
    await detach(a, vol);
  });

  test('an attach that fails in the kernel leaves the volume available, with a message', async () => {
    const r = await cinder('POST', '/volumes', { volume: { size: 1, name: 'doomed' } });
    const id = r.body.volume.id as string;
    volumes.push(id);
    await volumeIs(id, 'available');
    rmSync(join(t.dataDir, 'volumes', `volume-${id}`));
    assert.equal((await nova('POST', `/servers/${a}/os-volume_attachments`, { volumeAttachment: { volumeId: id } })).status, 200);
    await waitFor('attach given up', async () => { const v = await volume(id); return v.status === 'available' && v.attachments.length === 0; }, 30_000);
    const msgs = (await cinder('GET', '/messages', undefined, 3)).body.messages;
    assert.ok(msgs.some((m: any) => m.resource_uuid === id && /^attach volume: /.test(m.user_message)), JSON.stringify(msgs));
    assert.deepEqual((await nova('GET', `/servers/${a}/os-volume_attachments`)).body.volumeAttachments, []);
  });

  test('a server booted from a volume keeps a file across its delete and a new server from the same volume', async () => {
    const r = await cinder('POST', '/volumes', { volume: { size: 1, name: 'root', imageRef: busybox } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const root = r.body.volume.id as string;
    volumes.push(root);
    await volumeIs(root, 'available');
    assert.equal((await volume(root)).bootable, 'true');
    const bfv = async (name: string) => {
      const s = await nova('POST', '/servers', { server: { name, flavorRef: '1', networks: [{ uuid: netId }], block_device_mapping_v2: [{ boot_index: 0, uuid: root, source_type: 'volume', destination_type: 'volume' }] } });
      assert.equal(s.status, 202, JSON.stringify(s.body));
      servers.push(s.body.server.id);
      await active(s.body.server.id);
      return s.body.server.id as string;
    };
    const first = await bfv('bfv-1');
    const shown = (await nova('GET', `/servers/${first}`)).body.server;
    assert.equal(shown.image, '');
    assert.deepEqual(shown['os-extended-volumes:volumes_attached'], [{ id: root, delete_on_termination: false }]);
    assert.equal((await volume(root)).status, 'in-use');
    // The container's root is the volume: busybox from the image, and what is written stays on it.
    assert.equal((await exec(first, 'sh', '-c', 'echo kept-on-root > /root/kept && sync')).code, 0);
    const refused = await nova('DELETE', `/servers/${first}/os-volume_attachments/${root}`);
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal((await nova('DELETE', `/servers/${first}`)).status, 204);
    await volumeIs(root, 'available');
    const second = await bfv('bfv-2');
    assert.equal((await exec(second, 'cat', '/root/kept')).stdout, 'kept-on-root\n');
    assert.equal((await nova('DELETE', `/servers/${second}`)).status, 204);
    await volumeIs(root, 'available');
    // The volume's file system becomes a Glance image (a root-filesystem tarball), with the file in it.
    const up = await cinder('POST', `/volumes/${root}/action`, { 'os-volume_upload_image': { image_name: 'from-volume' } });
    assert.equal(up.status, 202, JSON.stringify(up.body));
    const imageId = up.body['os-volume_upload_image'].image_id as string;
    assert.equal(up.body['os-volume_upload_image'].status, 'uploading');
    await waitFor('image active', async () => (await call(t.url, 'GET', `/image/v2/images/${imageId}`, { token })).body.status === 'active', 30_000)
      .catch(async (e) => { throw new Error(`${String(e)}: ${JSON.stringify((await cinder('GET', '/messages', undefined, 3)).body)} ${JSON.stringify(await volume(root))}`); });
    await volumeIs(root, 'available');
    assert.equal((await sh('tar', ['-xOf', join(t.dataDir, 'images', imageId), './root/kept'])).stdout, 'kept-on-root\n');
    assert.equal((await call(t.url, 'DELETE', `/image/v2/images/${imageId}`, { token })).status, 204);
  });

  test('a server deleted with a delete_on_termination volume takes it along; after all deletes nothing is left', async () => {
    const r = await nova('POST', `/servers/${b}/os-volume_attachments`, { volumeAttachment: { volumeId: vol, delete_on_termination: true } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await volumeIs(vol, 'in-use');
    assert.equal((await nova('DELETE', `/servers/${b}`)).status, 204);
    await waitFor('volume deleted with its server', async () => (await cinder('GET', `/volumes/${vol}`)).status === 404, 30_000);
    for (const id of volumes) await cinder('DELETE', `/volumes/${id}?cascade=true`);
    assert.equal((await nova('DELETE', `/servers/${a}`)).status, 204);
    await waitFor('all gone', async () => (await cinder('GET', '/volumes')).body.volumes.length === 0 && (await nova('GET', '/servers')).body.servers.length === 0, 30_000);
    assert.deepEqual(await leftovers(), { loops: [], mounts: [], files: [] });
  });
});
