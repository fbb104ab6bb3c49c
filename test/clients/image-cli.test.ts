// The Debian `openstack` CLI (python3-openstackclient 6.0, image commands through openstacksdk)
// against `pier up`: image create --file (the SDK's create + upload + checksum check), list,
// show, set, save (download), delete, and the errors it shows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testStores } from '../support/pier.js';
import { openstack, openstackJson, startPierProcess, type PierProcess } from '../support/process.js';

for (const store of testStores()) describe(`image CLI on ${store}`, () => {
  let p: PierProcess;
  before(async () => { p = await startPierProcess(store); });
  after(() => p.cleanup());

  test('busybox is listed for a new user', async () => {
    const list = await openstackJson<any[]>(p, ['image', 'list'], 'pier-demo');
    const b = list.find((i) => i.Name === 'busybox');
    assert.ok(b, JSON.stringify(list));
    assert.equal(b.Status, 'active');
  });

  test('image create --file, list, show, set, save, delete', async () => {
    const file = join(p.dataDir, 'upload.bin');
    const data = Buffer.alloc(1_500_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
    writeFileSync(file, data);
    const made = await openstackJson(p, ['image', 'create', '--file', file, '--disk-format', 'raw', '--container-format', 'bare', '--property', 'purpose=test', '--tag', 't1', 'cli-image'], 'pier-demo');
    assert.equal(made.name, 'cli-image');
    // The SDK answers with the image as created (before its upload); show has the uploaded state.
    const active = await openstackJson(p, ['image', 'show', made.id], 'pier-demo');
    assert.equal(active.status, 'active');
    assert.equal(active.checksum, createHash('md5').update(data).digest('hex'));
    assert.equal(active.size, data.length);
    const list = await openstackJson<any[]>(p, ['image', 'list', '--long'], 'pier-demo');
    assert.ok(list.some((i) => i.ID === made.id && i.Status === 'active'), JSON.stringify(list));
    await openstack(p, ['image', 'set', '--name', 'cli-renamed', '--property', 'color=green', made.id], 'pier-demo').then((r) => assert.equal(r.code, 0, r.stderr));
    const shown = await openstackJson(p, ['image', 'show', made.id], 'pier-demo');
    assert.equal(shown.name, 'cli-renamed');
    assert.equal(shown.properties.color, 'green');
    assert.equal(shown.properties.purpose, 'test');
    assert.deepEqual(shown.tags, ['t1']);
    const out = join(p.dataDir, 'download.bin');
    const saved = await openstack(p, ['image', 'save', '--file', out, made.id], 'pier-demo');
    assert.equal(saved.code, 0, saved.stderr);
    assert.deepEqual(readFileSync(out), data);
    const other = await openstack(p, ['image', 'show', made.id], 'pier');
    assert.equal(other.code, 0, other.stderr); // the admin sees every image
    const del = await openstack(p, ['image', 'delete', made.id], 'pier-demo');
    assert.equal(del.code, 0, del.stderr);
    const gone = await openstack(p, ['image', 'show', made.id], 'pier-demo');
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /No Image found|could not be found|No image found/i);
  });

  test('bad input: a read-only attribute is refused by the server', async () => {
    const r = await openstack(p, ['image', 'create', '--disk-format', 'raw', '--container-format', 'bare', '--property', 'status=active', 'bad'], 'pier-demo');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /read-only|403/i);
  });
});
