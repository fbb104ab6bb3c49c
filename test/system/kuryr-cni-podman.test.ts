// Root: real podman 4.3 with its CNI backend and a `pier` network config, on both dataplanes.
// Two podman containers on a Pier network ping each other and a Nova server (a runc container
// Pier runs) on the same network; the ports are Kuryr's; `podman rm` frees a container's port;
// Pier restarts under running containers without breaking their pings (at most one lost at 10
// per second) and without duplicating or losing a port, and takes CNI calls again afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PASSWORD, call, startTestPier, tokenFor, type TestPier } from '../support/pier.js';
import { installCniPlugin } from '../support/cni.js';
import { Podman } from '../support/podman.js';
import { requireRoot, sh, uniquePrefix, waitFor } from '../support/system.js';
import { computeModule } from '../../src/compute/index.js';
import { dataplaneModule } from '../../src/dataplane/index.js';
import { imagePath } from '../../src/image/index.js';

requireRoot();

function podmanSuite(driver: 'linuxbridge' | 'routed', cniVersion: string): void {
  describe(`podman on a Pier network (${driver}, CNI ${cniVersion})`, () => {
    const prefix = uniquePrefix();
    const work = mkdtempSync(join(tmpdir(), 'pier-podman-'));
    const socket = join(work, 'cni.sock');
    const octet = randomInt(10, 250);
    let t: TestPier;
    let token: string;
    let podman: Podman;
    let serverId: string;
    let serverIp: string;
    const image = `localhost/${prefix}-busybox:latest`;
    const network = `${prefix}-pods`;

    const api = (method: string, path: string, body?: unknown) => call(t.url, method, path, { token, body });
    const kuryrPorts = async () => (await api('GET', '/networking/v2.0/ports?device_owner=compute:kuryr')).body.ports as any[];
    const ipOf = async (name: string) => podman.ok('inspect', name, '--format', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`);
    const containerId = (name: string) => podman.ok('inspect', name, '--format', '{{.Id}}');
    const runc = (...args: string[]) => sh('runc', ['--root', join(t.dataDir, 'runc', 'state'), ...args]);
    const podmanPings = async (name: string, ip: string) => (await podman.run('exec', name, 'ping', '-c', '1', '-W', '1', ip)).code === 0;
    const start = (name: string) => podman.ok('run', '-d', '--name', name, '--network', network, image, 'sleep', '3600');

    before(async () => {
      if ((await sh('podman', ['--version'])).code !== 0) throw new Error('podman is not installed (Debian package podman; scripts/install.sh --system)');
      const installed = installCniPlugin(join(work, 'bin'));
      assert.equal(installed.code, 0, installed.stderr);
      t = await startTestPier({
        dataplane: { driver, namespace: `${prefix}-dp`, hostId: 'podman-test', vtep: '127.0.0.1', physnets: {} },
        compute: { driver: 'runc' },
        kuryr: { user: 'demo', project: 'demo', cni: { socket } },
      });
      token = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
      const net = (await api('POST', '/networking/v2.0/networks', { network: { name: 'pods' } })).body.network;
      const sub = await api('POST', '/networking/v2.0/subnets', { subnet: { network_id: net.id, cidr: `10.${octet}.0.0/24`, ip_version: 4 } });
      assert.equal(sub.status, 201, JSON.stringify(sub.body));
      podman = new Podman(join(work, 'podman'), join(work, 'bin'));
      podman.network(network, cniVersion, { type: 'pier', network: 'pods', socket });
      const busybox = (await api('GET', '/image/v2/images?name=busybox')).body.images[0].id;
      await podman.ok('import', imagePath(t.dataDir, busybox), image);
      const boot = await api('POST', '/compute/v2.1/servers', { server: { name: 'pod-peer', imageRef: busybox, flavorRef: '1', networks: [{ uuid: net.id }] } });
      assert.equal(boot.status, 202, JSON.stringify(boot.body));
      serverId = boot.body.server.id;
    });
    after(async () => {
      await podman?.destroy();
      if (t) {
        if (serverId) await api('DELETE', `/compute/v2.1/servers/${serverId}`);
        await t.pier.get(computeModule).controller.idle();
        if (serverId) await t.pier.get(computeModule).driver.remove(serverId).catch(() => {});
        await t.pier.get(dataplaneModule).driver.destroy();
        await t.close();
      }
      rmSync(work, { recursive: true, force: true });
    });

    test('two podman containers ping each other and a Nova server on the same network', async () => {
      await start('a');
      await start('b');
      const [ipA, ipB] = [await ipOf('a'), await ipOf('b')];
      const ports = await kuryrPorts();
      assert.equal(ports.length, 2);
      for (const [name, ip] of [['a', ipA], ['b', ipB]] as const) {
        const port = ports.find((p) => p.fixed_ips[0].ip_address === ip);
        assert.ok(port, `a port holds ${ip}`);
        assert.equal(port.device_id, await containerId(name));
        assert.equal(port.name, name, 'podman names the pod (K8S_POD_NAME) after the container');
        await waitFor(`${name}'s port ACTIVE`, async () => (await kuryrPorts()).find((p) => p.id === port.id)?.status === 'ACTIVE');
      }
      await waitFor('a pings b', () => podmanPings('a', ipB));
      assert.ok(await podmanPings('b', ipA), 'b pings a');
      await waitFor('the server ACTIVE', async () => (await api('GET', `/compute/v2.1/servers/${serverId}`)).body.server.status === 'ACTIVE', 30_000);
      const server = (await api('GET', `/compute/v2.1/servers/${serverId}`)).body.server;
      serverIp = (Object.values(server.addresses)[0] as { addr: string }[])[0]!.addr;
      await waitFor('a pings the server', () => podmanPings('a', serverIp), 15_000);
      assert.equal((await runc('exec', serverId, 'ping', '-c', '1', '-W', '1', ipB)).code, 0, 'the server pings b');
    });

    test('podman rm frees the container\'s port', async () => {
      const id = await containerId('b');
      await podman.ok('rm', '--force', '--time', '0', 'b');
      const left = await kuryrPorts();
      assert.deepEqual(left.filter((p) => p.device_id === id), []);
      assert.equal(left.length, 1);
    });

    test('Pier restarts under running containers: pings hold, no port duplicated or lost, CNI answers again', async () => {
      await start('c');
      const ipC = await ipOf('c');
      await waitFor('a pings c', () => podmanPings('a', ipC));
      const before = (await kuryrPorts()).map((p) => p.id).sort();
      // 10 pings a second across the restart, a to c and a to the server.
      const toC = podman.run('exec', 'a', 'ping', '-i', '0.1', '-c', '60', '-W', '1', ipC);
      const toServer = podman.run('exec', 'a', 'ping', '-i', '0.1', '-c', '60', '-W', '1', serverIp);
      await new Promise((r) => setTimeout(r, 1500));
      await t.restart();
      token = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
      for (const [what, run] of [['to c', toC], ['to the server', toServer]] as const) {
        const out = (await run).stdout;
        const m = /(\d+) packets transmitted, (\d+) packets received/.exec(out);
        assert.ok(m, out);
        assert.ok(Number(m[1]) - Number(m[2]) <= 1, `${what}: ${m[0]}`);
      }
      assert.deepEqual((await kuryrPorts()).map((p) => p.id).sort(), before);
      await start('d');
      await waitFor('a pings d, added after the restart', async () => podmanPings('a', await ipOf('d')));
      assert.equal((await kuryrPorts()).length, before.length + 1);
      await podman.ok('rm', '--force', '--time', '0', 'c', 'd');
      assert.equal((await kuryrPorts()).length, before.length - 1);
    });
  });
}

podmanSuite('linuxbridge', '1.0.0');
podmanSuite('routed', '0.4.0');
