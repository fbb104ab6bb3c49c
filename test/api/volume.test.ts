// Cinder v3 over real HTTP (both stores): version documents and microversions, volumes (create
// from nothing, a snapshot or a volume; list, detail, filters, sort, paging; update, metadata,
// extend, revert, delete with cascade), snapshots, volume types, quotas and limits, zones,
// services, messages, both attachment flows, and Cinder's error bodies for bad input with
// nothing changed. Compute is fake here: no loop device is made.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { call, testStores } from '../support/pier.js';
import { startCloud, type Cloud, type Client } from '../support/networking.js';
import { cinder, cinderError, waitStatus } from '../support/volume.js';

for (const store of testStores()) describe(`volume: cinder v3 on ${store}`, () => {
  let c: Cloud;
  before(async () => { c = await startCloud(store); });
  after(() => c.close());

  const api = (who: Client, method: string, path: string, body?: unknown, minor?: number | 'latest') => cinder(c.t.url, who, method, path, body, minor);
  const create = async (who: Client, body: Record<string, unknown>, minor?: number) => {
    const r = await api(who, 'POST', '/volumes', { volume: body }, minor);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    return waitStatus(c.t.url, who, `/volumes/${r.body.volume.id}`, 'volume', 'available');
  };
  const file = (id: string) => join(c.t.dataDir, 'volumes', `volume-${id}`);

  test('version documents, the catalog and microversions', async () => {
    const root = await call(c.t.url, 'GET', '/volume/');
    assert.equal(root.status, 300);
    assert.equal(root.body.versions[0].id, 'v3.0');
    assert.equal(root.body.versions[0].version, '3.71');
    assert.equal(root.body.versions[0].min_version, '3.0');
    assert.match(root.body.versions[0].links.find((l: any) => l.rel === 'self').href, /\/volume\/v3\/$/);
    assert.equal((await call(c.t.url, 'GET', '/volume/v3')).status, 200);
    const cat = (await call(c.t.url, 'GET', '/identity/v3/auth/catalog', { token: c.demo.token })).body.catalog;
    for (const type of ['block-storage', 'volumev3', 'volume']) {
      const e = cat.find((s: any) => s.type === type);
      assert.ok(e, type);
      assert.match(e.endpoints[0].url, new RegExp(`/volume/v3/${c.demo.projectId}$`));
    }
    const r = await api(c.demo, 'GET', '/volumes', undefined, 60);
    assert.equal(r.headers.get('openstack-api-version'), 'volume 3.60');
    assert.match(r.headers.get('vary') ?? '', /OpenStack-API-Version/);
    assert.equal((await api(c.demo, 'GET', '/volumes')).headers.get('openstack-api-version'), 'volume 3.0');
    assert.equal((await api(c.demo, 'GET', '/volumes', undefined, 'latest')).headers.get('openstack-api-version'), 'volume 3.71');
    cinderError(await api(c.demo, 'GET', '/volumes', undefined, 99), 406, 'notAcceptable', /Version 3.99 is not supported by the API. Minimum is 3.0 and maximum is 3.71./);
    cinderError(await call(c.t.url, 'GET', `/volume/v3/${c.demo.projectId}/volumes`, { token: c.demo.token, headers: { 'openstack-api-version': 'volume 3.x' } }), 400, 'badRequest', /invalid format/);
    // Without the project id from 3.67; below it there is no such route.
    assert.equal((await call(c.t.url, 'GET', '/volume/v3/volumes', { token: c.demo.token, headers: { 'openstack-api-version': 'volume 3.67' } })).status, 200);
    cinderError(await call(c.t.url, 'GET', '/volume/v3/volumes', { token: c.demo.token, headers: { 'openstack-api-version': 'volume 3.66' } }), 404, 'itemNotFound');
    cinderError(await call(c.t.url, 'GET', `/volume/v3/${c.other.projectId}/volumes`, { token: c.demo.token }), 400, 'badRequest', /Malformed request url/);
    cinderError(await call(c.t.url, 'GET', `/volume/v3/${c.demo.projectId}/volumes`), 401, 'unauthorized');
  });

  test('a volume: create → available, a sparse file of its size; show, list, detail, update, delete', async () => {
    const v = await create(c.demo, { size: 1, name: 'v1', description: 'first', metadata: { a: 'b' } });
    assert.equal(v.size, 1);
    assert.equal(v.bootable, 'false');
    assert.equal(v.volume_type, '__DEFAULT__');
    assert.equal(v.availability_zone, 'nova');
    assert.deepEqual(v.attachments, []);
    assert.deepEqual(v.metadata, { a: 'b' });
    assert.equal(v['os-vol-tenant-attr:tenant_id'], c.demo.projectId);
    assert.equal(v['os-vol-host-attr:host'], undefined, 'host is for admins');
    assert.match(v.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal(statSync(file(v.id)).size, 1024 ** 3);
    assert.ok(statSync(file(v.id)).blocks * 512 < 1024 ** 2, 'the file is sparse');
    const admin = (await api(c.admin, 'GET', `/volumes/${v.id}`)).body.volume;
    assert.match(admin['os-vol-host-attr:host'], /@file#file$/);
    const list = (await api(c.demo, 'GET', '/volumes')).body.volumes;
    assert.deepEqual(Object.keys(list.find((x: any) => x.id === v.id)).sort(), ['id', 'links', 'name']);
    assert.ok((await api(c.demo, 'GET', '/volumes/detail')).body.volumes.some((x: any) => x.id === v.id && x.status === 'available'));
    assert.equal((await api(c.other, 'GET', '/volumes/detail')).body.volumes.length, 0, 'another project sees none');
    cinderError(await api(c.other, 'GET', `/volumes/${v.id}`), 404, 'itemNotFound', new RegExp(`Volume ${v.id} could not be found.`));
    const u = await api(c.demo, 'PUT', `/volumes/${v.id}`, { volume: { name: 'renamed', description: null } });
    assert.equal(u.status, 200);
    assert.equal(u.body.volume.name, 'renamed');
    assert.equal(u.body.volume.description, null);
    // Metadata: merge, replace, one key, delete.
    assert.deepEqual((await api(c.demo, 'POST', `/volumes/${v.id}/metadata`, { metadata: { c: 'd' } })).body.metadata, { a: 'b', c: 'd' });
    assert.deepEqual((await api(c.demo, 'PUT', `/volumes/${v.id}/metadata`, { metadata: { x: 'y' } })).body.metadata, { x: 'y' });
    assert.deepEqual((await api(c.demo, 'GET', `/volumes/${v.id}/metadata/x`)).body, { meta: { x: 'y' } });
    assert.equal((await api(c.demo, 'DELETE', `/volumes/${v.id}/metadata/x`)).status, 200);
    cinderError(await api(c.demo, 'GET', `/volumes/${v.id}/metadata/x`), 404, 'itemNotFound');
    assert.equal((await api(c.demo, 'DELETE', `/volumes/${v.id}`)).status, 202);
    await waitStatus(c.t.url, c.demo, `/volumes/${v.id}`, 'volume', 'gone');
    assert.equal(existsSync(file(v.id)), false, 'the file is gone');
  });

  test('filters, sort, limit/marker with volumes_links, with_count', async () => {
    const made = [];
    for (const [name, size] of [['f-a', 1], ['f-b', 2], ['f-c', 1]] as const) made.push(await create(c.other, { name, size }));
    const names = async (q: string) => (await api(c.other, 'GET', `/volumes/detail${q}`)).body.volumes.map((x: any) => x.name);
    assert.deepEqual(await names(''), ['f-c', 'f-b', 'f-a'], 'newest first');
    assert.deepEqual(await names('?sort=name:asc'), ['f-a', 'f-b', 'f-c']);
    assert.deepEqual(await names('?sort_key=name&sort_dir=desc'), ['f-c', 'f-b', 'f-a']);
    assert.deepEqual(await names('?size=1&sort=name:asc'), ['f-a', 'f-c']);
    assert.deepEqual(await names('?name=f-b'), ['f-b']);
    assert.deepEqual(await names('?status=error'), []);
    const p1 = (await api(c.other, 'GET', '/volumes/detail?limit=2&sort=name:asc')).body;
    assert.deepEqual(p1.volumes.map((x: any) => x.name), ['f-a', 'f-b']);
    const next = new URL(p1.volumes_links[0].href);
    assert.equal(p1.volumes_links[0].rel, 'next');
    const p2 = (await api(c.other, 'GET', `/volumes/detail${next.search}`)).body;
    assert.deepEqual(p2.volumes.map((x: any) => x.name), ['f-c']);
    assert.equal(p2.volumes_links, undefined);
    assert.equal((await api(c.other, 'GET', '/volumes?with_count=true', undefined, 45)).body.count, 3);
    cinderError(await api(c.other, 'GET', '/volumes?sort=bogus:asc'), 400, 'badRequest', /Invalid sort key/);
    cinderError(await api(c.other, 'GET', `/volumes?marker=44444444-4444-4444-8444-444444444444`), 404, 'itemNotFound');
    const summary = (await api(c.other, 'GET', '/volumes/summary', undefined, 12)).body['volume-summary'];
    assert.deepEqual(summary, { total_size: 4, total_count: 3 });
    for (const v of made) assert.equal((await api(c.other, 'DELETE', `/volumes/${v.id}`)).status, 202);
    for (const v of made) await waitStatus(c.t.url, c.other, `/volumes/${v.id}`, 'volume', 'gone');
  });

  test('snapshots, volumes from a snapshot and from a volume, extend, revert (3.40), cascade delete', async () => {
    const v = await create(c.demo, { size: 1, name: 'src' });
    const s = await api(c.demo, 'POST', '/snapshots', { snapshot: { volume_id: v.id, name: 's1', metadata: { k: 'v' } } });
    assert.equal(s.status, 202, JSON.stringify(s.body));
    const snap = await waitStatus(c.t.url, c.demo, `/snapshots/${s.body.snapshot.id}`, 'snapshot', 'available');
    assert.equal(snap.size, 1);
    assert.equal(snap['os-extended-snapshot-attributes:progress'], '100%');
    assert.ok(existsSync(join(c.t.dataDir, 'volumes', `snapshot-${snap.id}`)));
    assert.ok((await api(c.demo, 'GET', '/snapshots/detail')).body.snapshots.some((x: any) => x.id === snap.id));
    assert.equal((await api(c.demo, 'PUT', `/snapshots/${snap.id}`, { snapshot: { name: 's1b' } })).body.snapshot.name, 's1b');
    const fromSnap = await create(c.demo, { snapshot_id: snap.id, name: 'from-snap' });
    assert.equal(fromSnap.size, 1);
    assert.equal(fromSnap.snapshot_id, snap.id);
    const clone = await create(c.demo, { source_volid: v.id, size: 2 });
    assert.equal(clone.size, 2);
    cinderError(await api(c.demo, 'POST', '/volumes', { volume: { snapshot_id: snap.id, size: 0 } }), 400, 'badRequest');
    // Extend: bigger only; the file follows.
    cinderError(await api(c.demo, 'POST', `/volumes/${v.id}/action`, { 'os-extend': { new_size: 1 } }), 400, 'badRequest',
      /New size for extend must be greater than current size. \(current: 1, extended: 1\)/);
    // Revert needs 3.40 and the latest snapshot, at the volume's size.
    cinderError(await api(c.demo, 'POST', `/volumes/${v.id}/action`, { revert: { snapshot_id: snap.id } }), 400, 'badRequest', /no such action/);
    assert.equal((await api(c.demo, 'POST', `/volumes/${v.id}/action`, { revert: { snapshot_id: snap.id } }, 40)).status, 202);
    await waitStatus(c.t.url, c.demo, `/volumes/${v.id}`, 'volume', 'available');
    assert.equal((await api(c.demo, 'GET', `/snapshots/${snap.id}`)).body.snapshot.status, 'available');
    assert.equal((await api(c.demo, 'POST', `/volumes/${v.id}/action`, { 'os-extend': { new_size: 3 } })).status, 202);
    const grown = await waitStatus(c.t.url, c.demo, `/volumes/${v.id}`, 'volume', 'available');
    assert.equal(grown.size, 3);
    assert.equal(statSync(file(v.id)).size, 3 * 1024 ** 3);
    cinderError(await api(c.demo, 'POST', `/volumes/${v.id}/action`, { revert: { snapshot_id: snap.id } }, 40), 400, 'badRequest', /extended/);
    // A volume with snapshots is deleted only with cascade.
    cinderError(await api(c.demo, 'DELETE', `/volumes/${v.id}`), 400, 'badRequest', /Invalid volume: .*have snapshots/);
    assert.equal((await api(c.demo, 'DELETE', `/volumes/${v.id}?cascade=true`)).status, 202);
    await waitStatus(c.t.url, c.demo, `/volumes/${v.id}`, 'volume', 'gone');
    cinderError(await api(c.demo, 'GET', `/snapshots/${snap.id}`), 404, 'itemNotFound');
    assert.equal(existsSync(join(c.t.dataDir, 'volumes', `snapshot-${snap.id}`)), false);
    for (const x of [fromSnap, clone]) { await api(c.demo, 'DELETE', `/volumes/${x.id}`); await waitStatus(c.t.url, c.demo, `/volumes/${x.id}`, 'volume', 'gone'); }
  });

  test('actions: bootable, readonly, reset_status (admin), force delete', async () => {
    const v = await create(c.demo, { size: 1 });
    assert.equal((await api(c.demo, 'POST', `/volumes/${v.id}/action`, { 'os-set_bootable': { bootable: true } })).status, 200);
    assert.equal((await api(c.demo, 'GET', `/volumes/${v.id}`)).body.volume.bootable, 'true');
    assert.equal((await api(c.demo, 'POST', `/volumes/${v.id}/action`, { 'os-update_readonly_flag': { readonly: true } })).status, 202);
    cinderError(await api(c.demo, 'POST', `/volumes/${v.id}/action`, { 'os-reset_status': { status: 'error' } }), 403, 'forbidden');
    assert.equal((await api(c.admin, 'POST', `/volumes/${v.id}/action`, { 'os-reset_status': { status: 'error' } })).status, 202);
    assert.equal((await api(c.demo, 'GET', `/volumes/${v.id}`)).body.volume.status, 'error');
    cinderError(await api(c.demo, 'POST', `/volumes/${v.id}/action`, { 'os-bogus': {} }), 400, 'badRequest', /There is no such action: os-bogus/);
    assert.equal((await api(c.admin, 'POST', `/volumes/${v.id}/action`, { 'os-force_delete': {} })).status, 202);
    await waitStatus(c.t.url, c.demo, `/volumes/${v.id}`, 'volume', 'gone');
  });

  test('bad input gets Cinder\'s status and body and changes nothing', async () => {
    const before = (await api(c.demo, 'GET', '/volumes/detail')).body;
    cinderError(await api(c.demo, 'POST', '/volumes', { volume: { size: 0 } }), 400, 'badRequest', /Invalid input for field\/attribute size. Value: 0. 0 is less than the minimum of 1/);
    cinderError(await api(c.demo, 'POST', '/volumes', { volume: { size: -1 } }), 400, 'badRequest', /less than the minimum of 1/);
    cinderError(await api(c.demo, 'POST', '/volumes', { volume: { size: 'big' } }), 400, 'badRequest', /does not match/);
    cinderError(await api(c.demo, 'POST', '/volumes', { volume: {} }), 400, 'badRequest', /Volume size 'None' must be an integer and greater than 0/);
    cinderError(await api(c.demo, 'POST', '/volumes', { size: 1 }), 400, 'badRequest', /Missing required element 'volume'/);
    cinderError(await api(c.demo, 'POST', '/volumes', { volume: { size: 1, bogus: 1 } }), 400, 'badRequest', /Additional properties are not allowed \('bogus' was unexpected\)/);
    cinderError(await api(c.demo, 'POST', '/volumes', { volume: { size: 1, volume_type: 'nope' } }), 404, 'itemNotFound', /Volume type with name nope could not be found./);
    cinderError(await api(c.demo, 'POST', '/volumes', { volume: { size: 1, availability_zone: 'elsewhere' } }), 400, 'badRequest', /Availability zone 'elsewhere' is invalid./);
    cinderError(await api(c.demo, 'POST', '/volumes', { volume: { size: 1, imageRef: '11111111-1111-4111-8111-111111111111' } }), 400, 'badRequest', /Invalid image identifier/);
    cinderError(await api(c.demo, 'POST', '/volumes', { volume: { size: 5000 } }), 413, 'overLimit', /Requested volume or snapshot exceeds allowed gigabytes quota. Requested 5000G, quota is 1000G and \d+G has been consumed./);
    cinderError(await api(c.demo, 'POST', '/volumes', '{"volume": '), 400, 'badRequest');
    assert.deepEqual((await api(c.demo, 'GET', '/volumes/detail')).body, before);
  });

  test('volume types: create, extra specs, private access, in use, default', async () => {
    cinderError(await api(c.demo, 'POST', '/types', { volume_type: { name: 'gold' } }), 403, 'forbidden');
    const t = (await api(c.admin, 'POST', '/types', { volume_type: { name: 'gold', description: 'fast', extra_specs: { tier: 'gold' } } })).body.volume_type;
    assert.equal(t.name, 'gold');
    assert.deepEqual(t.extra_specs, { tier: 'gold' });
    assert.equal(t.is_public, true);
    cinderError(await api(c.admin, 'POST', '/types', { volume_type: { name: 'gold' } }), 409, 'conflictingRequest');
    assert.deepEqual((await api(c.admin, 'POST', `/types/${t.id}/extra_specs`, { extra_specs: { x: 'y' } })).body, { extra_specs: { x: 'y' } });
    assert.deepEqual((await api(c.admin, 'GET', `/types/${t.id}/extra_specs`)).body.extra_specs, { tier: 'gold', x: 'y' });
    assert.deepEqual((await api(c.admin, 'GET', `/types/${t.id}/extra_specs/x`)).body, { x: 'y' });
    assert.equal((await api(c.admin, 'DELETE', `/types/${t.id}/extra_specs/x`)).status, 202);
    assert.ok((await api(c.demo, 'GET', '/types')).body.volume_types.some((x: any) => x.name === 'gold'));
    assert.equal((await api(c.demo, 'GET', '/types/default')).body.volume_type.name, '__DEFAULT__');
    const v = await create(c.demo, { size: 1, volume_type: 'gold' });
    assert.equal(v.volume_type, 'gold');
    cinderError(await api(c.admin, 'DELETE', `/types/${t.id}`), 400, 'badRequest', /in use/);
    // A private type: seen and used only by the projects given access.
    const p = (await api(c.admin, 'POST', '/types', { volume_type: { name: 'secret', 'os-volume-type-access:is_public': false } })).body.volume_type;
    assert.equal(p.is_public, false);
    assert.equal((await api(c.demo, 'GET', '/types')).body.volume_types.some((x: any) => x.name === 'secret'), false);
    cinderError(await api(c.demo, 'POST', '/volumes', { volume: { size: 1, volume_type: 'secret' } }), 404, 'itemNotFound');
    assert.equal((await api(c.admin, 'POST', `/types/${p.id}/action`, { addProjectAccess: { project: c.demo.projectId } })).status, 202);
    assert.deepEqual((await api(c.admin, 'GET', `/types/${p.id}/os-volume-type-access`)).body.volume_type_access, [{ volume_type_id: p.id, project_id: c.demo.projectId }]);
    assert.ok((await api(c.demo, 'GET', '/types')).body.volume_types.some((x: any) => x.name === 'secret'));
    assert.equal((await api(c.admin, 'DELETE', `/types/${p.id}`)).status, 202);
    await api(c.demo, 'DELETE', `/volumes/${v.id}`);
    await waitStatus(c.t.url, c.demo, `/volumes/${v.id}`, 'volume', 'gone');
    assert.equal((await api(c.admin, 'DELETE', `/types/${t.id}`)).status, 202);
    cinderError(await api(c.admin, 'DELETE', `/types/${(await api(c.admin, 'GET', '/types/default')).body.volume_type.id}`), 400, 'badRequest');
  });

  test('quotas (usage=true), limits, per-type quota, zones, services, messages', async () => {
    const q = (await api(c.demo, 'GET', `/os-quota-sets/${c.demo.projectId}`)).body.quota_set;
    assert.equal(q.volumes, 10);
    assert.equal(q.gigabytes, 1000);
    assert.equal(q.snapshots, 10);
    assert.equal(q['volumes___DEFAULT__'], -1);
    cinderError(await api(c.demo, 'PUT', `/os-quota-sets/${c.demo.projectId}`, { quota_set: { volumes: 1 } }), 403, 'forbidden');
    assert.equal((await api(c.admin, 'PUT', `/os-quota-sets/${c.demo.projectId}`, { quota_set: { volumes: 1, gigabytes: 3 } })).body.quota_set.volumes, 1);
    const v = await create(c.demo, { size: 1 });
    const used = (await api(c.demo, 'GET', `/os-quota-sets/${c.demo.projectId}?usage=true`)).body.quota_set;
    assert.deepEqual(used.volumes, { limit: 1, in_use: 1, reserved: 0, allocated: 0 });
    assert.equal(used.gigabytes.in_use, 1);
    const before = (await api(c.demo, 'GET', '/volumes/detail')).body;
    cinderError(await api(c.demo, 'POST', '/volumes', { volume: { size: 1 } }), 413, 'overLimit', /Maximum number of volumes allowed \(1\) exceeded for quota 'volumes'./);
    cinderError(await api(c.demo, 'POST', `/volumes/${v.id}/action`, { 'os-extend': { new_size: 5 } }), 413, 'overLimit', /gigabytes quota/);
    assert.deepEqual((await api(c.demo, 'GET', '/volumes/detail')).body, before);
    const limits = (await api(c.demo, 'GET', '/limits')).body.limits.absolute;
    assert.equal(limits.maxTotalVolumes, 1);
    assert.equal(limits.totalVolumesUsed, 1);
    assert.equal(limits.totalGigabytesUsed, 1);
    assert.equal((await api(c.admin, 'DELETE', `/os-quota-sets/${c.demo.projectId}`)).status, 200);
    assert.equal((await api(c.demo, 'GET', `/os-quota-sets/${c.demo.projectId}/defaults`)).body.quota_set.volumes, 10);
    assert.deepEqual((await api(c.demo, 'GET', '/os-availability-zone')).body.availabilityZoneInfo, [{ zoneName: 'nova', zoneState: { available: true } }]);
    cinderError(await api(c.demo, 'GET', '/os-services'), 403, 'forbidden');
    const services = (await api(c.admin, 'GET', '/os-services')).body.services;
    assert.deepEqual(services.map((s: any) => s.binary).sort(), ['cinder-scheduler', 'cinder-volume']);
    assert.ok(services.every((s: any) => s.state === 'up' && s.status === 'enabled' && s.zone === 'nova'));
    // A failure is a message: a snapshot of a volume whose file went away errors, and says so.
    const { rmSync } = await import('node:fs');
    rmSync(file(v.id));
    const s = (await api(c.demo, 'POST', '/snapshots', { snapshot: { volume_id: v.id } })).body.snapshot;
    await waitStatus(c.t.url, c.demo, `/snapshots/${s.id}`, 'snapshot', 'error');
    cinderError(await api(c.demo, 'GET', '/messages'), 404, 'itemNotFound');
    const msgs = (await api(c.demo, 'GET', '/messages', undefined, 3)).body.messages;
    const m = msgs.find((x: any) => x.resource_uuid === s.id);
    assert.ok(m, JSON.stringify(msgs));
    assert.equal(m.message_level, 'ERROR');
    assert.match(m.user_message, /^create snapshot: /);
    assert.equal((await api(c.demo, 'DELETE', `/messages/${m.id}`, undefined, 3)).status, 204);
    assert.equal((await api(c.demo, 'DELETE', `/volumes/${v.id}?cascade=true`)).status, 202);
    await waitStatus(c.t.url, c.demo, `/volumes/${v.id}`, 'volume', 'gone');
  });

  test('the attachments API (3.27+, Nova\'s flow) and the older actions (os-reserve … os-detach)', async () => {
    const v = await create(c.demo, { size: 1 });
    const instance = '22222222-2222-4222-8222-222222222222';
    cinderError(await api(c.demo, 'POST', '/attachments', { attachment: { volume_uuid: v.id } }, 26), 404, 'itemNotFound');
    const a = (await api(c.demo, 'POST', '/attachments', { attachment: { volume_uuid: v.id, instance_uuid: instance } }, 27)).body.attachment;
    assert.equal(a.status, 'reserved');
    assert.equal((await api(c.demo, 'GET', `/volumes/${v.id}`)).body.volume.status, 'reserved');
    const u = (await api(c.demo, 'PUT', `/attachments/${a.id}`, { attachment: { connector: { host: 'h1', mountpoint: '/dev/vdb' } } }, 27)).body.attachment;
    assert.equal(u.status, 'attaching');
    assert.equal(u.connection_info.driver_volume_type, 'local');
    assert.equal((await api(c.demo, 'POST', `/attachments/${a.id}/action`, { 'os-complete': null }, 44)).status, 204);
    const inUse = (await api(c.demo, 'GET', `/volumes/${v.id}`)).body.volume;
    assert.equal(inUse.status, 'in-use');
    assert.deepEqual(inUse.attachments.map((x: any) => [x.server_id, x.attachment_id, x.device]), [[instance, a.id, '/dev/vdb']]);
    cinderError(await api(c.demo, 'DELETE', `/volumes/${v.id}`), 400, 'badRequest', /Invalid volume/);
    cinderError(await api(c.demo, 'POST', '/attachments', { attachment: { volume_uuid: v.id, instance_uuid: instance } }, 27), 400, 'badRequest', /Invalid volume/);
    cinderError(await api(c.demo, 'POST', '/snapshots', { snapshot: { volume_id: v.id } }), 400, 'badRequest', /status must be available/);
    assert.equal((await api(c.demo, 'POST', '/snapshots', { snapshot: { volume_id: v.id, force: true } })).status, 202);
    assert.equal((await api(c.demo, 'GET', '/attachments', undefined, 27)).body.attachments.length, 1);
    assert.deepEqual((await api(c.demo, 'DELETE', `/attachments/${a.id}`, undefined, 27)).body, { attachments: [] });
    assert.equal((await api(c.demo, 'GET', `/volumes/${v.id}`)).body.volume.status, 'available');
    // The older flow.
    const act = (body: unknown) => api(c.demo, 'POST', `/volumes/${v.id}/action`, body);
    assert.equal((await act({ 'os-reserve': null })).status, 202);
    assert.equal((await api(c.demo, 'GET', `/volumes/${v.id}`)).body.volume.status, 'attaching');
    cinderError(await act({ 'os-reserve': null }), 400, 'badRequest', /status must be available/);
    const conn = await act({ 'os-initialize_connection': { connector: { host: 'h1' } } });
    assert.equal(conn.status, 200);
    assert.match(conn.body.connection_info.data.device_path, new RegExp(`volume-${v.id}$`));
    assert.equal((await act({ 'os-attach': { instance_uuid: instance, mountpoint: '/dev/vdc' } })).status, 202);
    assert.equal((await api(c.demo, 'GET', `/volumes/${v.id}`)).body.volume.status, 'in-use');
    assert.equal((await act({ 'os-begin_detaching': null })).status, 202);
    assert.equal((await api(c.demo, 'GET', `/volumes/${v.id}`)).body.volume.status, 'detaching');
    assert.equal((await act({ 'os-roll_detaching': null })).status, 202);
    assert.equal((await api(c.demo, 'GET', `/volumes/${v.id}`)).body.volume.status, 'in-use');
    assert.equal((await act({ 'os-terminate_connection': { connector: { host: 'h1' } } })).status, 202);
    assert.equal((await act({ 'os-detach': {} })).status, 202);
    assert.equal((await api(c.demo, 'GET', `/volumes/${v.id}`)).body.volume.status, 'available');
    assert.equal((await api(c.demo, 'DELETE', `/volumes/${v.id}?cascade=true`)).status, 202);
    await waitStatus(c.t.url, c.demo, `/volumes/${v.id}`, 'volume', 'gone');
  });

  test('a restart keeps volumes and their files; a file no row owns is removed', async () => {
    const v = await create(c.demo, { size: 1, name: 'kept' });
    const { writeFileSync } = await import('node:fs');
    const orphan = join(c.t.dataDir, 'volumes', 'volume-33333333-3333-4333-8333-333333333333');
    writeFileSync(orphan, '');
    await c.t.restart();
    assert.equal(existsSync(orphan), false);
    assert.equal((await api(c.demo, 'GET', `/volumes/${v.id}`)).body.volume.status, 'available');
    assert.ok(existsSync(file(v.id)));
    await api(c.demo, 'DELETE', `/volumes/${v.id}`);
    await waitStatus(c.t.url, c.demo, `/volumes/${v.id}`, 'volume', 'gone');
  });
});
