// Compute benchmarks (root): a server from `POST /servers` to ACTIVE and to its first ping reply
// (busybox, runc, linuxbridge), 20 servers created at once until all are ACTIVE; in the same run
// the reference — a bare `runc run -d` of the same unpacked rootfs (overlay) in a namespace whose
// port is plugged by the same dataplane — to its first ping reply.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mountRootfs, unmountRootfs, unpackImage } from '../src/compute/runtime/drivers/rootfs.js';
import { ociSpec } from '../src/compute/runtime/drivers/oci-spec.js';
import { imagePath } from '../src/image/index.js';
import { stopMetadataService } from '../src/compute/metadata.js';
import { DEMO_PASSWORD, ADMIN_PASSWORD, call, startTestPier, tokenFor } from '../test/support/pier.js';
import { Namespaces, sh, uniquePrefix } from '../test/support/system.js';
import { computeModule } from '../src/compute/index.js';
import { dataplaneModule } from '../src/dataplane/index.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pingOnce = (ns: string, ip: string) => spawnSync('nsenter', [`--net=/run/netns/${ns}`, 'ping', '-c', '1', '-W', '1', ip]).status === 0;
const untilPing = (ns: string, ip: string) => { for (let i = 0; i < 200 && !pingOnce(ns, ip); i++); };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchCompute(): Promise<Record<string, number | string>> {
  const prefix = uniquePrefix();
  const nss = new Namespaces(prefix);
  const t = await startTestPier({
    dataplane: { driver: 'linuxbridge', namespace: `${prefix}-dp`, hostId: 'bench', vtep: '127.0.0.1', vxlanPeers: [], physnets: {} },
    compute: { driver: 'runc' },
  });
  const bareRoot = join(t.dataDir, 'bare');
  try {
    const admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
    const demo = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
    const api = (token: string, m: string, p: string, body?: unknown) => call(t.url, m, p, { token, body });
    const net = (await api(demo, 'POST', '/networking/v2.0/networks', { network: { name: 'bench', port_security_enabled: false } })).body.network;
    await api(demo, 'POST', '/networking/v2.0/subnets', { subnet: { network_id: net.id, cidr: '10.92.0.0/16', ip_version: 4 } });
    const project = (await call(t.url, 'GET', '/identity/v3/auth/tokens', { token: admin, headers: { 'x-subject-token': demo } })).body.token.project.id;
    await api(admin, 'PUT', `/compute/v2.1/os-quota-sets/${project}`, { quota_set: { instances: -1, cores: -1, ram: -1 } });
    const image = (await api(demo, 'GET', '/image/v2/images?name=busybox')).body.images[0].id as string;
    const plug = async (ns: string) => {
      const port = (await api(admin, 'POST', '/networking/v2.0/ports', { port: { network_id: net.id } })).body.port;
      const r = await api(admin, 'PUT', `/pier/v1/ports/${port.id}/plug`, { netns: ns });
      if (r.status !== 204) throw new Error(`plug: ${r.status} ${JSON.stringify(r.body)}`);
      return { ns, ip: port.fixed_ips[0].ip_address as string, port: port.id as string };
    };
    const probe = await plug(await nss.add('probe'));
    const boot = async (name: string) => {
      const r = await api(demo, 'POST', '/compute/v2.1/servers', { server: { name, imageRef: image, flavorRef: '1', networks: [{ uuid: net.id }] } });
      if (r.status !== 202) throw new Error(`boot: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.server.id as string;
    };
    const untilActive = async (id: string) => {
      for (;;) {
        const s = (await api(demo, 'GET', `/compute/v2.1/servers/${id}`)).body.server;
        if (s.status === 'ACTIVE') return s;
        if (s.status === 'ERROR') throw new Error(`server ERROR: ${JSON.stringify(s.fault)}`);
        await sleep(5);
      }
    };
    // Warm-up: the image is unpacked once, by the first server.
    await untilActive(await boot('warm'));

    // The reference: bare runc on the same unpacked rootfs, its namespace plugged the same way.
    const lower = (await unpackImage(join(t.dataDir, 'runc', 'images'), { id: image, path: imagePath(t.dataDir, image) })).rootfs;
    const bare = async (n: number) => {
      const dir = join(bareRoot, String(n));
      mkdirSync(join(dir, 'drive'), { recursive: true });
      const ns = await nss.add(`bare${n}`);
      const start = performance.now();
      const { ip } = await plug(ns);
      await mountRootfs(lower, dir);
      writeFileSync(join(dir, 'config.json'), JSON.stringify(ociSpec({
        rootfs: join(dir, 'rootfs'), hostname: `bare${n}`, process: { args: ['/bin/sh', '-c', 'exec sleep 2147483647'], env: ['PATH=/bin:/sbin:/usr/bin'], cwd: '/' },
        netnsPath: `/run/netns/${ns}`, configDrive: join(dir, 'drive'), ramMb: 512, vcpus: 1,
      })));
      const r = spawnSync('runc', ['--root', join(bareRoot, 'state'), 'run', '-d', '--bundle', dir, `${prefix}-bare${n}`], { stdio: 'ignore' });
      if (r.status !== 0) throw new Error('bare runc run failed');
      untilPing(probe.ns, ip);
      return performance.now() - start;
    };
    const pier = async (n: number) => {
      const start = performance.now();
      const id = await boot(`one-${n}`);
      const s = await untilActive(id);
      const active = performance.now() - start;
      untilPing(probe.ns, (Object.values(s.addresses)[0] as { addr: string }[])[0]!.addr);
      return { active, ping: performance.now() - start };
    };
    const pierActive: number[] = [];
    const pierPing: number[] = [];
    const bareRuns: number[] = [];
    for (let n = 0; n < 3; n++) {
      const p = await pier(n);
      pierActive.push(p.active);
      pierPing.push(p.ping);
      bareRuns.push(await bare(n));
    }

    const start = performance.now();
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => boot(`many-${i}`)));
    await Promise.all(many.map(untilActive));
    const twenty = (performance.now() - start) / 1000;
    return {
      'server create → ACTIVE, median ms': Math.round(median(pierActive)),
      'server create → first ping, median ms': Math.round(median(pierPing)),
      'bare runc run + plug → first ping, median ms': Math.round(median(bareRuns)),
      'ratio Pier/bare runc, to first ping': `${(median(pierPing) / median(bareRuns)).toFixed(2)}×`,
      '20 servers created at once, all ACTIVE, s': Number(twenty.toFixed(2)),
    };
  } finally {
    for (let n = 0; n < 3; n++) {
      await sh('runc', ['--root', join(bareRoot, 'state'), 'delete', '--force', `${prefix}-bare${n}`]);
      await unmountRootfs(join(bareRoot, String(n))).catch(() => {});
    }
    rmSync(bareRoot, { recursive: true, force: true });
    // Every container Pier made, finished booting or not, goes before the data dir does.
    await t.pier.get(computeModule).controller.stop();
    for (const c of await t.pier.get(computeModule).driver.list()) {
      stopMetadataService(join(t.dataDir, 'metadata', c.id));
      await t.pier.get(computeModule).driver.remove(c.id).catch(() => {});
    }
    await t.pier.get(dataplaneModule).driver.destroy();
    await t.close();
    await nss.cleanup();
  }
}
