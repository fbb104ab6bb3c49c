// Glance v2 over real HTTP (both stores): version documents, create / upload / download / show
// / list / update (JSON patch) / delete, tags, visibility and members, checksums, the seeded
// busybox image, Glance's error body, and that a broken upload leaves the image queued.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { call, testStores, type Reply } from '../support/pier.js';
import { startCloud, type Client, type Cloud } from '../support/networking.js';

const PATCH = { 'content-type': 'application/openstack-images-v2.1-json-patch' };

function glanceError(r: Reply, status: number, detail: RegExp): void {
  const shown = `${r.status} ${JSON.stringify(r.body)}`;
  assert.equal(r.status, status, shown);
  assert.match(r.body.code, new RegExp(`^${status} `), shown);
  assert.equal(typeof r.body.title, 'string', shown);
  assert.match(r.body.message, detail, shown);
}

for (const store of testStores()) describe(`image: glance v2 on ${store}`, () => {
  let c: Cloud;
  before(async () => { c = await startCloud(store); });
  after(() => c.close());

  const img = (who: Client, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    call(c.t.url, method, `/image${path}`, { token: who.token, body, headers });
  const create = async (who: Client, body: Record<string, unknown>) => {
    const r = await img(who, 'POST', '/v2/images', body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  const upload = (who: Client, id: string, data: Buffer) => fetch(`${c.t.url}/image/v2/images/${id}/file`, {
    method: 'PUT', body: new Uint8Array(data), headers: { 'x-auth-token': who.token, 'content-type': 'application/octet-stream' },
  });

  test('version documents', async () => {
    const root = await call(c.t.url, 'GET', '/image/');
    assert.equal(root.status, 300);
    assert.equal(root.body.versions[0].status, 'CURRENT');
    assert.match(root.body.versions[0].links[0].href, /\/image\/v2\/$/);
    assert.ok(root.body.versions.some((v: any) => v.id === 'v2.0'));
  });

  test('the busybox image is there, public and active, and its data is a tarball with /bin/busybox', async () => {
    const list = (await img(c.demo, 'GET', '/v2/images?name=busybox')).body.images;
    assert.equal(list.length, 1);
    const b = list[0];
    assert.equal(b.status, 'active');
    assert.equal(b.visibility, 'public');
    assert.equal(b.disk_format, 'raw');
    assert.equal(b.container_format, 'bare');
    const res = await fetch(`${c.t.url}/image/v2/images/${b.id}/file`, { headers: { 'x-auth-token': c.demo.token } });
    assert.equal(res.status, 200);
    const data = Buffer.from(await res.arrayBuffer());
    assert.equal(data.length, b.size);
    assert.equal(createHash('md5').update(data).digest('hex'), b.checksum);
    assert.equal(res.headers.get('content-md5'), b.checksum);
    assert.equal(data.subarray(257, 262).toString(), 'ustar');
    assert.ok(data.includes(Buffer.from('bin/busybox')));
    assert.ok(data.includes(Buffer.from('etc/passwd')));
  });

  test('create, upload, download, checksums and status queued → active', async () => {
    const i = await create(c.demo, { name: 'rootfs', disk_format: 'raw', container_format: 'bare', tags: ['a', 'a', 'b'], color: 'blue' });
    assert.equal(i.status, 'queued');
    assert.equal(i.visibility, 'shared');
    assert.equal(i.owner, c.demo.projectId);
    assert.equal(i.size, null);
    assert.equal(i.checksum, null);
    assert.deepEqual(i.tags, ['a', 'b']);
    assert.equal(i.color, 'blue');
    assert.equal(i.self, `/v2/images/${i.id}`);
    assert.equal(i.file, `/v2/images/${i.id}/file`);
    assert.equal(i.schema, '/v2/schemas/image');
    assert.equal((await img(c.demo, 'GET', `/v2/images/${i.id}/file`)).status, 204);
    const data = Buffer.alloc(300_000, 7);
    assert.equal((await upload(c.demo, i.id, data)).status, 204);
    const shown = (await img(c.demo, 'GET', `/v2/images/${i.id}`)).body;
    assert.equal(shown.status, 'active');
    assert.equal(shown.size, data.length);
    assert.equal(shown.checksum, createHash('md5').update(data).digest('hex'));
    assert.equal(shown.os_hash_algo, 'sha512');
    assert.equal(shown.os_hash_value, createHash('sha512').update(data).digest('hex'));
    const back = await fetch(`${c.t.url}/image/v2/images/${i.id}/file`, { headers: { 'x-auth-token': c.demo.token } });
    assert.deepEqual(Buffer.from(await back.arrayBuffer()), data);
    glanceError(await fetch(`${c.t.url}/image/v2/images/${i.id}/file`, { method: 'PUT', body: 'x', headers: { 'x-auth-token': c.demo.token, 'content-type': 'application/octet-stream' } })
      .then(async (r) => ({ status: r.status, body: await r.json(), headers: r.headers })), 409, /transition from active to saving/);
    assert.ok(existsSync(join(c.t.dataDir, 'images', i.id)));
    assert.equal((await img(c.demo, 'DELETE', `/v2/images/${i.id}`)).status, 204);
    assert.equal(existsSync(join(c.t.dataDir, 'images', i.id)), false);
    glanceError(await img(c.demo, 'GET', `/v2/images/${i.id}`), 404, /No image found with ID/);
  });

  test('an interrupted upload leaves the image queued and no file', async () => {
    const i = await create(c.demo, { name: 'broken', disk_format: 'raw', container_format: 'bare' });
    await new Promise<void>((resolve) => {
      const req = request(`${c.t.url}/image/v2/images/${i.id}/file`, {
        method: 'PUT', headers: { 'x-auth-token': c.demo.token, 'content-type': 'application/octet-stream', 'content-length': '1000000' },
      });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(10_000));
      setTimeout(() => { req.destroy(); resolve(); }, 200);
    });
    let status = '';
    for (let n = 0; n < 50 && status !== 'queued'; n++) {
      status = (await img(c.demo, 'GET', `/v2/images/${i.id}`)).body.status;
      if (status !== 'queued') await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(status, 'queued');
    assert.equal(existsSync(join(c.t.dataDir, 'images', i.id)), false);
    assert.equal(existsSync(join(c.t.dataDir, 'images', `${i.id}.part`)), false);
    assert.equal((await upload(c.demo, i.id, Buffer.from('now it works'))).status, 204);
    assert.equal((await img(c.demo, 'GET', `/v2/images/${i.id}`)).body.status, 'active');
  });

  test('bad input gets Glance errors and changes nothing', async () => {
    const before = (await img(c.demo, 'GET', '/v2/images')).body.images.length;
    glanceError(await img(c.demo, 'POST', '/v2/images', { name: 'x', disk_format: 'floppy' }), 400, /floppy.*is not one of/);
    glanceError(await img(c.demo, 'POST', '/v2/images', { name: 'x', container_format: 'zip' }), 400, /is not one of/);
    glanceError(await img(c.demo, 'POST', '/v2/images', { name: 'x', status: 'active' }), 403, /Attribute 'status' is read-only/);
    glanceError(await img(c.demo, 'POST', '/v2/images', { name: 'x', deleted: true }), 403, /reserved/);
    glanceError(await img(c.demo, 'POST', '/v2/images', { name: 'x', min_ram: -1 }), 400, /minimum/);
    glanceError(await img(c.demo, 'POST', '/v2/images', { name: 'x', visibility: 'public' }), 403, /publicize_image/);
    glanceError(await img(c.demo, 'POST', '/v2/images', { name: 'x', extra: 5 }), 400, /not of type 'string'/);
    const q = await create(c.demo, { name: 'no-formats' });
    glanceError(await upload(c.demo, q.id, Buffer.from('x')).then(async (r) => ({ status: r.status, body: await r.json(), headers: r.headers })), 400, /disk_format, container_format must be set/);
    glanceError(await img(c.demo, 'POST', '/v2/images', { id: q.id, name: 'dup' }), 409, /already exists/);
    glanceError(await img(c.demo, 'GET', '/v2/images?sort_key=bogus'), 400, /Invalid sort key/);
    glanceError(await img(c.demo, 'GET', '/v2/images?limit=x'), 400, /limit/);
    glanceError(await img(c.demo, 'GET', '/v2/images?marker=11111111-1111-4111-8111-111111111111'), 400, /marker/);
    assert.equal((await img(c.demo, 'GET', '/v2/images')).body.images.length, before + 1);
    assert.equal((await img(c.demo, 'DELETE', `/v2/images/${q.id}`)).status, 204);
  });

  test('JSON-patch updates, tags, protected', async () => {
    const i = await create(c.demo, { name: 'patchme', k1: 'v1' });
    const p = await img(c.demo, 'PATCH', `/v2/images/${i.id}`, [
      { op: 'replace', path: '/name', value: 'patched' }, { op: 'add', path: '/k2', value: 'v2' }, { op: 'remove', path: '/k1' },
      { op: 'replace', path: '/min_disk', value: 3 }, { op: 'add', path: '/protected', value: true },
    ], PATCH);
    assert.equal(p.status, 200, JSON.stringify(p.body));
    assert.equal(p.body.name, 'patched');
    assert.equal(p.body.k2, 'v2');
    assert.equal('k1' in p.body, false);
    assert.equal(p.body.min_disk, 3);
    assert.equal(p.body.protected, true);
    glanceError(await img(c.demo, 'PATCH', `/v2/images/${i.id}`, [{ op: 'replace', path: '/status', value: 'active' }], PATCH), 403, /read-only/);
    glanceError(await img(c.demo, 'PATCH', `/v2/images/${i.id}`, [{ op: 'remove', path: '/nothere' }], PATCH), 409, /does not exist/);
    glanceError(await img(c.demo, 'PATCH', `/v2/images/${i.id}`, [{ op: 'replace', path: '/name', value: 'x' }]), 415, /Content-Type/);
    glanceError(await img(c.other, 'PATCH', `/v2/images/${i.id}`, [{ op: 'replace', path: '/name', value: 'x' }], PATCH), 404, /No image found/);
    assert.equal((await img(c.demo, 'GET', `/v2/images/${i.id}`)).body.name, 'patched');
    glanceError(await img(c.demo, 'DELETE', `/v2/images/${i.id}`), 403, /protected/);
    assert.equal((await img(c.demo, 'PUT', `/v2/images/${i.id}/tags/red`)).status, 204);
    assert.deepEqual((await img(c.demo, 'GET', `/v2/images?tag=red`)).body.images.map((x: any) => x.id), [i.id]);
    assert.equal((await img(c.demo, 'DELETE', `/v2/images/${i.id}/tags/red`)).status, 204);
    glanceError(await img(c.demo, 'DELETE', `/v2/images/${i.id}/tags/red`), 404, /not found/);
    await img(c.demo, 'PATCH', `/v2/images/${i.id}`, [{ op: 'replace', path: '/protected', value: false }], PATCH);
    assert.equal((await img(c.demo, 'DELETE', `/v2/images/${i.id}`)).status, 204);
  });

  test('visibility and members: private, shared with a member who accepts, community, hidden', async () => {
    const priv = await create(c.demo, { name: 'vis-private', visibility: 'private' });
    const shared = await create(c.demo, { name: 'vis-shared' });
    const comm = await create(c.demo, { name: 'vis-community', visibility: 'community' });
    const hidden = await create(c.demo, { name: 'vis-hidden', visibility: 'community', os_hidden: true });
    const names = async (who: Client, q = '') => (await img(who, 'GET', `/v2/images${q}`)).body.images.map((x: any) => x.name).filter((n: string) => n?.startsWith('vis-')).sort();
    assert.deepEqual(await names(c.demo), ['vis-community', 'vis-private', 'vis-shared']);
    assert.deepEqual(await names(c.other), []);
    assert.deepEqual(await names(c.other, '?visibility=community'), ['vis-community']);
    assert.deepEqual(await names(c.other, '?visibility=community&os_hidden=true'), ['vis-hidden']);
    glanceError(await img(c.other, 'GET', `/v2/images/${priv.id}`), 404, /No image found/);
    assert.equal((await img(c.other, 'GET', `/v2/images/${comm.id}`)).status, 200);
    glanceError(await img(c.demo, 'POST', `/v2/images/${priv.id}/members`, { member: c.other.projectId }), 403, /Only shared images/);
    const m = await img(c.demo, 'POST', `/v2/images/${shared.id}/members`, { member: c.other.projectId });
    assert.equal(m.status, 200);
    assert.equal(m.body.status, 'pending');
    assert.equal(m.body.schema, '/v2/schemas/member');
    glanceError(await img(c.demo, 'POST', `/v2/images/${shared.id}/members`, { member: c.other.projectId }), 409, /already/);
    assert.deepEqual(await names(c.other), []);
    assert.deepEqual(await names(c.other, '?member_status=pending'), ['vis-shared']);
    glanceError(await img(c.demo, 'PUT', `/v2/images/${shared.id}/members/${c.other.projectId}`, { status: 'accepted' }), 403, /modify_member/);
    assert.equal((await img(c.other, 'PUT', `/v2/images/${shared.id}/members/${c.other.projectId}`, { status: 'accepted' })).body.status, 'accepted');
    assert.deepEqual(await names(c.other), ['vis-shared']);
    assert.equal((await img(c.other, 'GET', `/v2/images/${shared.id}/members`)).body.members.length, 1);
    glanceError(await img(c.other, 'DELETE', `/v2/images/${shared.id}`), 403, /delete_image/);
    assert.equal((await img(c.demo, 'DELETE', `/v2/images/${shared.id}/members/${c.other.projectId}`)).status, 204);
    glanceError(await img(c.other, 'GET', `/v2/images/${shared.id}`), 404, /No image found/);
    for (const i of [priv, shared, comm, hidden]) assert.equal((await img(c.demo, 'DELETE', `/v2/images/${i.id}`)).status, 204);
  });

  test('sorting and pagination walk every image once, with next links', async () => {
    const made = [];
    for (let n = 0; n < 7; n++) made.push(await create(c.demo, { name: `page-${n % 3}`, visibility: 'private' }));
    for (const q of ['sort=name:asc,id:desc', 'sort_key=name&sort_dir=desc', '']) {
      const seen: string[] = [];
      let path: string | undefined = `/v2/images?limit=3${q ? `&${q}` : ''}`;
      for (let page = 0; path && page < 10; page++) {
        const r = await img(c.demo, 'GET', path);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        seen.push(...r.body.images.filter((x: any) => x.name?.startsWith('page-')).map((x: any) => x.id));
        path = r.body.next;
      }
      assert.equal(seen.length, 7, q);
      assert.equal(new Set(seen).size, 7, q);
    }
    const sorted = (await img(c.demo, 'GET', '/v2/images?sort=name:asc&visibility=private')).body.images.map((x: any) => x.name);
    assert.deepEqual(sorted, [...sorted].sort());
    assert.equal((await img(c.demo, 'GET', '/v2/images?name=in:page-0,page-1&visibility=private')).body.images.length, 5);
    for (const i of made) await img(c.demo, 'DELETE', `/v2/images/${i.id}`);
  });

  test('filters run in the database: properties, numbers, booleans, sizes, times, tags with LIKE characters', async () => {
    const a = await create(c.demo, { name: 'flt-a', visibility: 'private', min_ram: 512, os_distro: 'flt-linux', tags: ['50%_off', 'x"y'] });
    const b = await create(c.demo, { name: 'flt-b', visibility: 'private', protected: true, os_distro: 'other' });
    const ids = async (q: string) => ((await img(c.demo, 'GET', `/v2/images?visibility=private&${q}`)).body.images as any[]).map((x) => x.id).filter((id) => id === a.id || id === b.id).sort();
    assert.deepEqual(await ids('os_distro=flt-linux'), [a.id]);
    assert.deepEqual(await ids('os_distro=in:flt-linux,other'), [a.id, b.id].sort());
    assert.deepEqual(await ids('min_ram=512'), [a.id]);
    assert.deepEqual(await ids('protected=true'), [b.id]);
    assert.deepEqual(await ids('tag=50%25_off'), [a.id]);
    assert.deepEqual(await ids('tag=50%25'), []);
    assert.deepEqual(await ids('tag=x%22y'), [a.id]);
    assert.deepEqual(await ids(`created_at=gte:${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`), [a.id, b.id].sort());
    assert.deepEqual(await ids('created_at=lt:2000-01-01T00:00:00Z'), []);
    assert.deepEqual(await ids('size_min=1'), []); // neither has data
    assert.equal((await img(c.demo, 'PATCH', `/v2/images/${b.id}`, [{ op: 'replace', path: '/protected', value: false }], { 'content-type': 'application/openstack-images-v2.1-json-patch' })).status, 200);
    for (const i of [a, b]) assert.equal((await img(c.demo, 'DELETE', `/v2/images/${i.id}`)).status, 204);
  });
});
