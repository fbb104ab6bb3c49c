// The runc runtime on the real runc (root): a server's container from a root-filesystem tarball
// and from an OCI image layout (layers, whiteouts, its own command); its config drive, key and
// hostname inside; its own network namespace (two containers ping over a veth the test lays);
// stop / start keeping the rootfs, pause, exit codes; found again by a new driver (a Pier
// restart); a bad image leaves nothing; remove leaves nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { RuncDriver } from '../../src/compute/runtime/drivers/runc.js';
import type { ServerSpec } from '../../src/compute/runtime/driver.js';
import { requireRoot, sh, waitFor } from '../support/system.js';

requireRoot();

const APPLETS = ['sh', 'sleep', 'ping', 'ip', 'cat', 'echo', 'hostname', 'ls', 'grep', 'touch', 'rm'];

/** A busybox root filesystem directory. */
function busyboxTree(dir: string, extra: Record<string, string> = {}): string {
  for (const d of ['bin', 'etc', 'root', 'tmp', 'proc', 'sys', 'dev', 'mnt']) mkdirSync(join(dir, d), { recursive: true });
  copyFileSync('/bin/busybox', join(dir, 'bin/busybox'));
  execFileSync('chmod', ['755', join(dir, 'bin/busybox')]);
  for (const a of APPLETS) symlinkSync('busybox', join(dir, 'bin', a));
  for (const [path, text] of Object.entries(extra)) writeFileSync(join(dir, path), text);
  return dir;
}

const tarOf = (dir: string, out: string) => { execFileSync('tar', ['-cf', out, '-C', dir, '.']); return out; };

/** An OCI image layout: a busybox layer, a second layer that whites out /etc/motd, and a config with a command. */
function ociLayout(work: string, name: string, cmd: string[]): string {
  const layout = join(work, name);
  mkdirSync(join(layout, 'blobs/sha256'), { recursive: true });
  const blob = (data: Buffer) => {
    const digest = createHash('sha256').update(data).digest('hex');
    writeFileSync(join(layout, 'blobs/sha256', digest), data);
    return { digest: `sha256:${digest}`, size: data.length };
  };
  const base = gzipSync(readFileSync(tarOf(busyboxTree(join(work, `${name}-l1`), { 'etc/motd': 'gone soon\n' }), join(work, `${name}-l1.tar`))));
  mkdirSync(join(work, `${name}-l2/etc`), { recursive: true });
  writeFileSync(join(work, `${name}-l2/etc/.wh.motd`), '');
  writeFileSync(join(work, `${name}-l2/etc/added`), 'from layer 2\n');
  const top = readFileSync(tarOf(join(work, `${name}-l2`), join(work, `${name}-l2.tar`)));
  const config = blob(Buffer.from(JSON.stringify({ config: { Cmd: cmd, Env: ['PATH=/bin', 'GREETING=hi'] } })));
  const manifest = blob(Buffer.from(JSON.stringify({
    schemaVersion: 2, config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...blob(base) }, { mediaType: 'application/vnd.oci.image.layer.v1.tar', ...blob(top) }],
  })));
  writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest }] }));
  writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  return tarOf(layout, join(work, `${name}.tar`));
}

describe('runc runtime', () => {
  const work = mkdtempSync(join(tmpdir(), 'pier-runc-'));
  const dataDir = join(work, 'data');
  let driver: RuncDriver;
  let rootfsTar: string;
  const made: string[] = [];
  const spec = (over: Partial<ServerSpec> & { image: ServerSpec['image'] }): ServerSpec => {
    const id = randomUUID();
    made.push(id);
    return { id, hostname: 'srv', ports: [], vcpus: 1, ramMb: 64, keyData: null, userData: null, metadata: {}, containerHost: false, ...over };
  };
  const exec = (id: string, ...cmd: string[]) => sh('runc', ['--root', join(dataDir, 'runc/state'), 'exec', id, ...cmd]);
  const bare = () => ({ id: 'img-bare', path: rootfsTar, containerFormat: 'bare', diskFormat: 'raw' });

  before(() => {
    driver = new RuncDriver({ dataDir, stopTimeoutMs: 300 }, pino({ level: 'silent' }));
    rootfsTar = tarOf(busyboxTree(join(work, 'rootfs')), join(work, 'rootfs.tar'));
  });
  after(async () => {
    for (const id of made) await driver.remove(id);
    rmSync(work, { recursive: true, force: true });
  });

  test('a rootfs tarball runs: hostname, key, config drive, console log; stop, start, pause keep the container', async () => {
    const s = spec({
      image: bare(), hostname: 'web-1', keyData: 'ssh-ed25519 AAAAC3Nza test@pier', metadata: { role: 'web' },
      userData: Buffer.from('#!/bin/sh\necho from user data\n').toString('base64'),
    });
    assert.equal((await driver.create(s)).state, 'created');
    assert.equal((await driver.inspect(s.id)).state, 'created');
    assert.ok(existsSync(`/run/netns/${driver.netns(s.id)}`), 'the server has its own network namespace');
    const started = await driver.start(s.id);
    assert.equal(started.state, 'running');
    assert.ok(Array.isArray(started.warnings));
    await waitFor('the boot line', async () => (await driver.logs(s.id)).includes('Pier container web-1 started'));
    assert.equal((await exec(s.id, 'hostname')).stdout.trim(), 'web-1');
    assert.equal((await exec(s.id, 'cat', '/root/.ssh/authorized_keys')).stdout, 'ssh-ed25519 AAAAC3Nza test@pier\n');
    const meta = JSON.parse((await exec(s.id, 'cat', '/mnt/config/openstack/latest/meta_data.json')).stdout);
    assert.equal(meta.uuid, s.id);
    assert.deepEqual(meta.meta, { role: 'web' });
    assert.equal((await exec(s.id, 'cat', '/mnt/config/openstack/latest/user_data')).stdout, '#!/bin/sh\necho from user data\n');
    assert.notEqual((await exec(s.id, 'touch', '/mnt/config/x')).code, 0, 'the config drive is read-only');

    assert.equal((await exec(s.id, 'touch', '/root/kept')).code, 0);
    const stopped = await driver.stop(s.id);
    assert.equal(stopped.state, 'stopped');
    assert.equal(stopped.exitCode, 137, 'sleep as PID 1 ignores SIGTERM: killed');
    assert.equal((await driver.start(s.id)).state, 'running');
    assert.equal((await exec(s.id, 'ls', '/root/kept')).code, 0, 'the rootfs outlives a stop');
    assert.equal((await driver.pause(s.id)).state, 'paused');
    assert.equal((await driver.unpause(s.id)).state, 'running');
    assert.match(await driver.logs(s.id, 1), /^[^\n]*\n$/, 'one line when one is asked for');

    // A Pier restart: a new driver on the same data dir finds the container running.
    const again = new RuncDriver({ dataDir }, pino({ level: 'silent' }));
    assert.deepEqual((await again.list()).find((o) => o.id === s.id)?.state, 'running');
  });

  test('each container is in its own network namespace: two ping over a veth between them', async () => {
    const a = spec({ image: bare() });
    const b = spec({ image: bare() });
    for (const s of [a, b]) { await driver.create(s); await driver.start(s.id); }
    assert.equal((await sh('ip', ['link', 'add', 'rt-a', 'netns', driver.netns(a.id), 'type', 'veth', 'peer', 'name', 'rt-b', 'netns', driver.netns(b.id)])).code, 0);
    for (const [s, dev, ip] of [[a, 'rt-a', '10.77.0.1'], [b, 'rt-b', '10.77.0.2']] as const) {
      await sh('ip', ['-n', driver.netns(s.id), 'addr', 'add', `${ip}/24`, 'dev', dev]);
      await sh('ip', ['-n', driver.netns(s.id), 'link', 'set', dev, 'up']);
    }
    assert.equal((await exec(a.id, 'ping', '-c', '1', '-W', '2', '10.77.0.2')).code, 0, 'a reaches b from inside its container');
    await driver.remove(a.id);
    await driver.remove(b.id);
  });

  test('an OCI image layout runs its own command over its layers, whiteouts applied', async () => {
    const s = spec({ image: { id: 'img-oci', path: ociLayout(work, 'oci', ['/bin/sh', '-c', 'echo oci-$((40+2)); ls /etc; exec sleep 1000']), containerFormat: 'oci', diskFormat: 'raw' } });
    await driver.create(s);
    await driver.start(s.id);
    // The command echoes, then lists /etc: wait for the listing's last entry to be written.
    await waitFor('the image command\'s output', async () => /oci-42[\s\S]*added/.test(await driver.logs(s.id)));
    const log = await driver.logs(s.id);
    assert.match(log, /added/);
    assert.doesNotMatch(log, /motd/, 'the second layer removed /etc/motd');
    assert.equal((await exec(s.id, 'sh', '-c', 'echo $GREETING')).stdout.trim(), 'hi', 'the image config\'s environment');
  });

  test('a process that ends makes the server stopped with its exit code', async () => {
    const s = spec({ image: { id: 'img-short', path: ociLayout(work, 'short', ['/bin/sh', '-c', 'echo bye; exit 3']), containerFormat: 'docker', diskFormat: 'raw' } });
    await driver.create(s);
    await driver.start(s.id);
    await waitFor('the exit', async () => (await driver.inspect(s.id)).state === 'stopped');
    assert.equal((await driver.inspect(s.id)).exitCode, 3);
    assert.match(await driver.logs(s.id), /bye/);
  });

  test('an image that cannot run is refused and leaves nothing; remove leaves nothing', async () => {
    writeFileSync(join(work, 'not-a-tar'), 'qcow2 pretender');
    const s = spec({ image: { id: 'img-bad', path: join(work, 'not-a-tar'), containerFormat: 'bare', diskFormat: 'raw' } });
    await assert.rejects(driver.create(s), /not a tar archive/);
    assert.equal((await driver.inspect(s.id)).state, 'absent');
    assert.equal(existsSync(`/run/netns/${driver.netns(s.id)}`), false);

    const ok = spec({ image: bare() });
    await driver.create(ok);
    await driver.start(ok.id);
    await driver.remove(ok.id);
    assert.equal((await driver.inspect(ok.id)).state, 'absent');
    assert.equal(existsSync(join(dataDir, 'runc/servers', ok.id)), false);
    assert.equal(existsSync(`/run/netns/${driver.netns(ok.id)}`), false);
    assert.ok(!readFileSync('/proc/self/mounts', 'utf8').includes(ok.id), 'no mount left');
    assert.equal((await sh('runc', ['--root', join(dataDir, 'runc/state'), 'state', ok.id])).code, 1, 'no container left');
  });
});
