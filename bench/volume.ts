// Volume benchmarks (root): through the API, a 1 GiB volume from create to `available`, its
// attach to a running runc server until the mount is visible in the container, and a snapshot
// to `available`; in the same run the same work by hand — truncate, losetup + mkfs.ext4 + mount,
// cp --reflink=auto — with the ratios. Medians of five rounds.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_PASSWORD, DEMO_PASSWORD, call, startTestPier, tokenFor } from '../test/support/pier.js';
import { uniquePrefix } from '../test/support/system.js';
import { computeModule } from '../src/compute/index.js';
import { dataplaneModule } from '../src/dataplane/index.js';

const ROUNDS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (t0: number) => performance.now() - t0;
const run = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });

export async function benchVolume(): Promise<Record<string, number | string>> {
  const prefix = uniquePrefix();
  const t = await startTestPier({
    dataplane: { driver: 'linuxbridge', namespace: `${prefix}-dp`, hostId: 'bench', vtep: '127.0.0.1', vxlanPeers: [], physnets: {} },
    compute: { driver: 'runc' },
  });
  const hand = join(t.dataDir, 'by-hand');
  const pier: Record<string, number[]> = { create: [], attach: [], snapshot: [] };
  const bare: Record<string, number[]> = { create: [], attach: [], snapshot: [] };
  let server: string | undefined;
  try {
    const demo = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
    const admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
    const project = (await call(t.url, 'GET', '/identity/v3/auth/tokens', { token: admin, headers: { 'x-subject-token': demo } })).body.token.project.id as string;
    const api = (m: string, p: string, body?: unknown) => call(t.url, m, p, { token: demo, body });
    const cinder = (m: string, p: string, body?: unknown) => api(m, `/volume/v3/${project}${p}`, body);
    const until = async (what: string, check: () => Promise<boolean>) => {
      for (const end = Date.now() + 30_000; Date.now() < end; await sleep(2)) if (await check()) return;
      throw new Error(`bench: ${what} timed out`);
    };
    const status = async (kind: string, id: string) => (await cinder('GET', `/${kind}s/${id}`)).body?.[kind]?.status;
    const net = (await api('POST', '/networking/v2.0/networks', { network: { name: 'bench' } })).body.network;
    await api('POST', '/networking/v2.0/subnets', { subnet: { network_id: net.id, cidr: '10.93.0.0/24', ip_version: 4 } });
    const image = (await api('GET', '/image/v2/images?name=busybox')).body.images[0].id as string;
    server = (await api('POST', '/compute/v2.1/servers', { server: { name: 'bench', imageRef: image, flavorRef: '1', networks: [{ uuid: net.id }] } })).body.server.id as string;
    const id = server;
    await until('server ACTIVE', async () => (await api('GET', `/compute/v2.1/servers/${id}`)).body.server.status === 'ACTIVE');
    const driver = t.pier.get(computeModule).driver;
    const mountedInside = (name: string) => readFileSync(`/proc/${driver.initPid!(id)}/mounts`, 'utf8').includes(` /mnt/${name} `);
    mkdirSync(hand, { recursive: true });
    for (let i = 0; i < ROUNDS; i++) {
      // Pier: create → available, attach → mounted inside, snapshot → available.
      let t0 = performance.now();
      const v = (await cinder('POST', '/volumes', { volume: { size: 1 } })).body.volume.id as string;
      await until('volume available', async () => (await status('volume', v)) === 'available');
      pier.create!.push(ms(t0));
      t0 = performance.now();
      await api('POST', `/compute/v2.1/servers/${server}/os-volume_attachments`, { volumeAttachment: { volumeId: v } });
      await until('mounted inside', async () => mountedInside('vdb'));
      pier.attach!.push(ms(t0));
      t0 = performance.now();
      const s = (await call(t.url, 'POST', `/volume/v3/${project}/snapshots`, { token: demo, body: { snapshot: { volume_id: v } }, headers: { 'openstack-api-version': 'volume 3.66' } })).body.snapshot.id as string;
      await until('snapshot available', async () => (await status('snapshot', s)) === 'available');
      pier.snapshot!.push(ms(t0));
      await api('DELETE', `/compute/v2.1/servers/${server}/os-volume_attachments/${v}`);
      await until('detached', async () => (await status('volume', v)) === 'available');
      await cinder('DELETE', `/volumes/${v}?cascade=true`);
      // By hand: the same file, loop device, file system, mount and copy.
      const file = join(hand, `v${i}`);
      const dir = join(hand, `m${i}`);
      t0 = performance.now();
      run('truncate', '-s', '1G', file);
      bare.create!.push(ms(t0));
      t0 = performance.now();
      const dev = run('losetup', '--show', '-f', file).trim();
      run('mkfs.ext4', '-q', '-F', '-E', 'nodiscard,lazy_itable_init=1,lazy_journal_init=1', dev);
      mkdirSync(dir);
      run('mount', dev, dir);
      bare.attach!.push(ms(t0));
      t0 = performance.now();
      run('sync');
      run('cp', '--reflink=auto', '--sparse=always', file, `${file}.snap`);
      bare.snapshot!.push(ms(t0));
      run('umount', dir);
      run('losetup', '-d', dev);
    }
    await api('DELETE', `/compute/v2.1/servers/${server}`);
    await until('server gone', async () => (await api('GET', `/compute/v2.1/servers/${server}`)).status === 404);
  } finally {
    // A failed round leaves the server: removed with its mounts before the data dir goes.
    if (server) await t.pier.get(computeModule).driver.remove(server).catch(() => {});
    if (existsSync(hand)) for (const l of JSON.parse(run('losetup', '-J', '-l') || '{"loopdevices":[]}').loopdevices as { name: string; 'back-file': string | null }[]) {
      if (l['back-file']?.startsWith(t.dataDir)) run('losetup', '-d', l.name);
    }
    rmSync(hand, { recursive: true, force: true });
    await t.pier.get(dataplaneModule).driver.destroy();
    await t.close();
  }
  const out: Record<string, number | string> = {};
  for (const [k, label] of [['create', '1 GiB volume create to available'], ['attach', 'attach to a running server until mounted inside'], ['snapshot', 'snapshot to available']] as const) {
    out[`${label}, ms (by hand)`] = `${median(pier[k]!).toFixed(0)} (${median(bare[k]!).toFixed(0)})`;
    out[`${k} ratio Pier/by hand`] = `${(median(pier[k]!) / Math.max(median(bare[k]!), 0.1)).toFixed(2)}×`;
  }
  return out;
}
