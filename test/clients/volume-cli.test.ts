// The Debian `openstack` CLI (python3-openstackclient 6.0 with cinderclient 9.1) against
// `pier up`: volume create / list / show / set (name, property, size = extend) / delete, from an
// image (bootable) and from a snapshot, snapshots, types, quota set, volume service list,
// server add / remove volume and server create --volume (fake compute: the statuses, not the
// kernel), and the errors it shows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testStores } from '../support/pier.js';
import { openstack, openstackJson, openstackOk, startPierProcess, type PierProcess } from '../support/process.js';
import { waitFor } from '../support/system.js';

for (const store of testStores()) describe(`volume CLI on ${store}`, () => {
  let p: PierProcess;
  before(async () => { p = await startPierProcess(store); });
  after(() => p.cleanup());

  const show = (what: string, id: string) => openstackJson(p, [...what.split(' '), 'show', id], 'pier-demo');
  const settled = (what: string, id: string, status: string) => waitFor(`${what} ${id} ${status}`, async () => {
    const s = (await show(what, id)).status;
    if (String(s).startsWith('error')) throw new Error(`${what} ${id} is ${s}`);
    return s === status;
  }, 60_000);

  test('volume create, list, show, set (name, property, extend), snapshot, volume from snapshot and from image, delete', async () => {
    const v = await openstackJson(p, ['volume', 'create', '--size', '1', '--property', 'purpose=test', 'cli-vol'], 'pier-demo');
    assert.equal(v.size, 1);
    assert.equal(v.name, 'cli-vol');
    await settled('volume', v.id, 'available');
    const list = await openstackJson<any[]>(p, ['volume', 'list'], 'pier-demo');
    assert.ok(list.some((x) => x.ID === v.id && x.Status === 'available' && x.Size === 1), JSON.stringify(list));
    await openstackOk(p, ['volume', 'set', '--name', 'cli-renamed', '--property', 'color=green', '--size', '2', v.id], 'pier-demo');
    await settled('volume', v.id, 'available');
    const shown = await show('volume', v.id);
    assert.equal(shown.name, 'cli-renamed');
    assert.equal(shown.size, 2);
    assert.deepEqual(shown.properties, { purpose: 'test', color: 'green' });
    const s = await openstackJson(p, ['volume', 'snapshot', 'create', '--volume', v.id, 'cli-snap'], 'pier-demo');
    await settled('volume snapshot', s.id, 'available');
    assert.ok((await openstackJson<any[]>(p, ['volume', 'snapshot', 'list'], 'pier-demo')).some((x) => x.ID === s.id && x.Size === 2));
    const fromSnap = await openstackJson(p, ['volume', 'create', '--snapshot', s.id, 'cli-from-snap'], 'pier-demo');
    assert.equal(fromSnap.size, 2);
    await settled('volume', fromSnap.id, 'available');
    const boot = await openstackJson(p, ['volume', 'create', '--image', 'busybox', '--bootable', '--size', '1', 'cli-boot'], 'pier-demo');
    await settled('volume', boot.id, 'available');
    const b = await show('volume', boot.id);
    assert.equal(b.bootable, 'true');
    assert.equal(b.volume_image_metadata.image_name, 'busybox');
    // A volume with a snapshot is not deleted without it.
    const refused = await openstack(p, ['volume', 'delete', v.id], 'pier-demo');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Invalid volume.*\(HTTP 400\)/);
    await openstackOk(p, ['volume', 'snapshot', 'delete', s.id], 'pier-demo');
    await waitFor('snapshot gone', async () => (await openstack(p, ['volume', 'snapshot', 'show', s.id], 'pier-demo')).code !== 0, 30_000);
    await openstackOk(p, ['volume', 'delete', v.id, fromSnap.id, boot.id], 'pier-demo');
    await waitFor('volumes gone', async () => (await openstackJson<any[]>(p, ['volume', 'list'], 'pier-demo')).length === 0, 30_000);
  });

  test('volume type create / list, quota set --volumes, volume service list, bad input', async () => {
    const t = await openstackJson(p, ['volume', 'type', 'create', '--property', 'tier=gold', 'gold'], 'pier');
    assert.equal(t.name, 'gold');
    const types = await openstackJson<any[]>(p, ['volume', 'type', 'list'], 'pier');
    assert.deepEqual(types.map((x) => x.Name).sort(), ['__DEFAULT__', 'gold']);
    const services = await openstackJson<any[]>(p, ['volume', 'service', 'list'], 'pier');
    assert.deepEqual(services.map((x) => x.Binary).sort(), ['cinder-scheduler', 'cinder-volume']);
    assert.ok(services.every((x) => x.State === 'up' && x.Status === 'enabled'), JSON.stringify(services));
    await openstackOk(p, ['quota', 'set', '--volumes', '1', 'demo'], 'pier');
    const q = await openstackJson(p, ['quota', 'show', 'demo'], 'pier');
    assert.equal(q.volumes, 1);
    const v = await openstackJson(p, ['volume', 'create', '--size', '1', '--type', 'gold', 'typed'], 'pier-demo');
    assert.equal(v.type, 'gold');
    await settled('volume', v.id, 'available');
    const over = await openstack(p, ['volume', 'create', '--size', '1', 'one-too-many'], 'pier-demo');
    assert.notEqual(over.code, 0);
    assert.match(over.stderr, /Maximum number of volumes allowed \(1\) exceeded for quota 'volumes'. \(HTTP 413\)/);
    const zero = await openstack(p, ['volume', 'create', '--size', '0', 'zero'], 'pier-demo');
    assert.match(zero.stderr, /0 is less than the minimum of 1 \(HTTP 400\)/);
    const unknown = await openstack(p, ['volume', 'create', '--size', '1', '--type', 'nope', 'x'], 'pier-demo');
    assert.match(unknown.stderr, /Volume type with name nope could not be found. \(HTTP 404\)/);
    const shrink = await openstack(p, ['volume', 'set', '--size', '1', v.id], 'pier-demo');
    assert.notEqual(shrink.code, 0);
    assert.equal((await openstackJson<any[]>(p, ['volume', 'list'], 'pier-demo')).length, 1);
    await openstackOk(p, ['volume', 'delete', v.id], 'pier-demo');
    await waitFor('volume gone', async () => (await openstackJson<any[]>(p, ['volume', 'list'], 'pier-demo')).length === 0, 30_000);
    await openstackOk(p, ['volume', 'type', 'delete', 'gold'], 'pier');
  });

  test('server add volume / server remove volume', async () => {
    await openstackOk(p, ['network', 'create', 'vnet'], 'pier-demo');
    await openstackOk(p, ['subnet', 'create', '--network', 'vnet', '--subnet-range', '10.77.0.0/24', 'vsub'], 'pier-demo');
    const srv = await openstackJson(p, ['server', 'create', '--image', 'busybox', '--flavor', 'm1.tiny', '--network', 'vnet', '--wait', 'vsrv'], 'pier-demo');
    const v = await openstackJson(p, ['volume', 'create', '--size', '1', 'attach-me'], 'pier-demo');
    await settled('volume', v.id, 'available');
    await openstackOk(p, ['server', 'add', 'volume', 'vsrv', v.id], 'pier-demo');
    await settled('volume', v.id, 'in-use');
    const list = await openstackJson<any[]>(p, ['volume', 'list'], 'pier-demo');
    // -f json gives the attachments themselves (the table says "Attached to vsrv on /dev/vdb").
    assert.deepEqual(list.find((x) => x.ID === v.id)['Attached to'].map((a: any) => [a.server_id, a.device]), [[srv.id, '/dev/vdb']]);
    const s = await openstackJson(p, ['server', 'show', srv.id], 'pier-demo');
    assert.match(JSON.stringify(s.volumes_attached), new RegExp(v.id));
    const busy = await openstack(p, ['volume', 'delete', v.id], 'pier-demo');
    assert.notEqual(busy.code, 0);
    await openstackOk(p, ['server', 'remove', 'volume', 'vsrv', v.id], 'pier-demo');
    await settled('volume', v.id, 'available');
    await openstackOk(p, ['server', 'delete', '--wait', 'vsrv'], 'pier-demo');
    await openstackOk(p, ['volume', 'delete', v.id], 'pier-demo');
  });

  test('server create --volume (boot from volume)', async () => {
    const boot = await openstackJson(p, ['volume', 'create', '--image', 'busybox', '--bootable', '--size', '1', 'boot-me'], 'pier-demo');
    await settled('volume', boot.id, 'available');
    const srv = await openstackJson(p, ['server', 'create', '--volume', boot.id, '--flavor', 'm1.tiny', '--network', 'vnet', '--wait', 'bfv'], 'pier-demo');
    assert.equal(srv.status, 'ACTIVE');
    await settled('volume', boot.id, 'in-use');
    assert.match(JSON.stringify((await openstackJson(p, ['server', 'show', 'bfv'], 'pier-demo')).volumes_attached), new RegExp(boot.id));
    await openstackOk(p, ['server', 'delete', '--wait', 'bfv'], 'pier-demo');
    await settled('volume', boot.id, 'available');
    await openstackOk(p, ['volume', 'delete', boot.id], 'pier-demo');
  });
});
