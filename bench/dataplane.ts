// Dataplane benchmarks (root): port create + plug to the first ping reply, and 200 ports
// plugged, on Pier's linuxbridge driver; in the same run the same plug by Debian's CNI
// `bridge` + `host-local` plugins as the reference.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_PASSWORD, call, startTestPier, tokenFor } from '../test/support/pier.js';
import { Namespaces, sh, uniquePrefix } from '../test/support/system.js';
import { dataplaneModule } from '../src/dataplane/index.js';

const CNI = '/usr/lib/cni';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pingOnce = (ns: string, ip: string) => spawnSync('nsenter', [`--net=/run/netns/${ns}`, 'ping', '-c', '1', '-W', '1', ip]).status === 0;
const untilPing = (ns: string, ip: string) => { for (let i = 0; i < 200 && !pingOnce(ns, ip); i++); };

export async function benchDataplane(): Promise<Record<string, number>> {
  const prefix = uniquePrefix();
  const nss = new Namespaces(prefix);
  const t = await startTestPier({ dataplane: { driver: 'linuxbridge', namespace: `${prefix}-dp`, hostId: 'bench', vtep: '127.0.0.1', vxlanPeers: [], physnets: {} } });
  const cniDir = mkdtempSync(join(tmpdir(), 'pier-cni-'));
  try {
    const admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
    const api = (m: string, p: string, body?: unknown) => call(t.url, m, p, { token: admin, body });
    const net = (await api('POST', '/networking/v2.0/networks', { network: { name: 'bench', port_security_enabled: false } })).body.network;
    await api('POST', '/networking/v2.0/subnets', { subnet: { network_id: net.id, cidr: '10.90.0.0/16', ip_version: 4 } });
    const plug = async (ns: string) => {
      const port = (await api('POST', '/networking/v2.0/ports', { port: { network_id: net.id } })).body.port;
      const r = await api('PUT', `/pier/v1/ports/${port.id}/plug`, { netns: ns });
      if (r.status !== 204) throw new Error(`plug: ${r.status} ${JSON.stringify(r.body)}`);
      return { ns, ip: port.fixed_ips[0].ip_address as string };
    };
    const probe = await plug(await nss.add('probe'));

    // The reference: the CNI bridge plugin with host-local IPAM, on a bridge in a namespace of its own.
    const host = await nss.add('cnihost');
    const conf = JSON.stringify({ cniVersion: '0.4.0', name: `${prefix}net`, type: 'bridge', bridge: 'cnibr0', isGateway: true, ipam: { type: 'host-local', subnet: '10.91.0.0/16', dataDir: cniDir } });
    const cniAdd = (ns: string, id: string) => {
      const r = spawnSync('nsenter', [`--net=/run/netns/${host}`, `${CNI}/bridge`], {
        input: conf, env: { CNI_COMMAND: 'ADD', CNI_CONTAINERID: id, CNI_NETNS: `/run/netns/${ns}`, CNI_IFNAME: 'eth0', CNI_PATH: CNI, PATH: process.env.PATH },
      });
      if (r.status !== 0) throw new Error(`cni bridge: ${r.stdout.toString()} ${r.stderr.toString()}`);
      return (JSON.parse(r.stdout.toString()) as { ips: { address: string }[] }).ips[0]!.address.split('/')[0]!;
    };
    const cniProbeNs = await nss.add('cniprobe');
    cniAdd(cniProbeNs, `${prefix}probe`);

    // Pier and the reference take turns, so the machine's load weighs on both alike; each
    // namespace exists before its clock starts.
    const pierRuns: number[] = [];
    const cniRuns: number[] = [];
    for (let i = 0; i < 9; i++) {
      const ns = await nss.add(`p${i}`);
      const t0 = performance.now();
      const c = await plug(ns);
      untilPing(probe.ns, c.ip);
      pierRuns.push(performance.now() - t0);

      const cns = await nss.add(`c${i}`);
      const t1 = performance.now();
      const ip = cniAdd(cns, `${prefix}c${i}`);
      untilPing(cniProbeNs, ip);
      cniRuns.push(performance.now() - t1);
    }

    const many200: string[] = [];
    for (let i = 0; i < 200; i++) many200.push(await nss.add(`m${i}`));
    const t200 = performance.now();
    for (const ns of many200) await plug(ns);
    const many = performance.now() - t200;

    const pier = median(pierRuns);
    const cni = median(cniRuns);
    return {
      'port create + plug to first ping, ms (median of 9)': Math.round(pier),
      'CNI bridge+host-local ADD to first ping, ms (median of 9)': Math.round(cni),
      'plug latency ratio Pier/CNI': Math.round((pier / cni) * 100) / 100,
      '200 ports created and plugged, s': Math.round(many / 100) / 10,
    };
  } finally {
    await t.pier.get(dataplaneModule).driver.destroy();
    await t.close();
    await nss.cleanup();
    rmSync(cniDir, { recursive: true, force: true });
    await sh('true', []);
  }
}
