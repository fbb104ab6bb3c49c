// CNI benchmarks (root): the `pier` plugin executable (ADD through Pier's CNI socket: port
// create, plug on linuxbridge, the result) against Debian's CNI `bridge` + `host-local` plugins,
// both executed as a runtime does (environment, config on stdin), in the same run: ADD to the
// first ping reply, and 200 ADDs in a row; and ADD to first ping with a security group.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPier } from '../test/support/pier.js';
import { installCniPlugin, invokeCni } from '../test/support/cni.js';
import { Namespaces, uniquePrefix } from '../test/support/system.js';
import { dataplaneModule } from '../src/dataplane/index.js';
import { kuryrModule } from '../src/kuryr/index.js';
import { networkingModule } from '../src/networking/index.js';

const CNI = '/usr/lib/cni';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pingOnce = (ns: string, ip: string) => spawnSync('nsenter', [`--net=/run/netns/${ns}`, 'ping', '-c', '1', '-W', '1', ip]).status === 0;
const untilPing = (ns: string, ip: string) => { for (let i = 0; i < 200 && !pingOnce(ns, ip); i++); };
const addressOf = (result: { ips: { address: string }[] }) => result.ips[0]!.address.split('/')[0]!;

/** The reference plugin run as a runtime runs it, asynchronously (as the Pier plugin is). */
function runBridge(hostNs: string, conf: string, env: Record<string, string>): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn('nsenter', [`--net=/run/netns/${hostNs}`, `${CNI}/bridge`], { env: { ...env, CNI_PATH: CNI, PATH: process.env.PATH ?? '' } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.on('close', (code) => (code === 0 ? done(out) : fail(new Error(`cni bridge: ${out}`))));
    child.stdin.end(conf);
  });
}

export async function benchKuryrCni(): Promise<Record<string, number>> {
  const prefix = uniquePrefix();
  const nss = new Namespaces(prefix);
  const work = mkdtempSync(join(tmpdir(), 'pier-cni-bench-'));
  const socket = join(work, 'cni.sock');
  const installed = installCniPlugin(join(work, 'bin'));
  if (installed.code !== 0) throw new Error(installed.stderr);
  const plugin = join(work, 'bin', 'pier');
  const t = await startTestPier({
    dataplane: { driver: 'linuxbridge', namespace: `${prefix}-dp`, hostId: 'bench', vtep: '127.0.0.1', vxlanPeers: [], physnets: {} },
    kuryr: { cni: { socket } },
  });
  try {
    const k = t.pier.get(kuryrModule);
    const networking = t.pier.get(networkingModule);
    // As the reference filters nothing, the comparison is on a network without port security
    // (as bench/dataplane.ts's); a network with the default security group is measured beside it.
    const caller = await k.caller();
    for (const [name, cidr, secured] of [['cni-bench', '10.92.0.0/16', false], ['cni-bench-sg', '10.94.0.0/16', true]] as const) {
      const net = await networking.create(caller, 'network', { name, port_security_enabled: secured });
      await networking.create(caller, 'subnet', { network_id: net.id, cidr, ip_version: 4 });
    }
    const pierAdd = async (ns: string, id: string, network = 'cni-bench') => {
      const conf = { cniVersion: '1.0.0', name: `${prefix}-${network}`, type: 'pier', network, socket };
      const r = await invokeCni(plugin, { command: 'ADD', containerId: id, netns: `/run/netns/${ns}`, ifname: 'eth0' }, conf);
      if (r.code !== 0) throw new Error(`pier ADD: ${r.stdout} ${r.stderr}`);
      return addressOf(r.json);
    };
    // The probes: one container on each network, added the same way.
    const probe = await nss.add('probe');
    await pierAdd(probe, `${prefix}probe`);
    const sgProbe = await nss.add('sgprobe');
    await pierAdd(sgProbe, `${prefix}sgprobe`, 'cni-bench-sg');

    const host = await nss.add('cnihost');
    const bridgeConf = JSON.stringify({ cniVersion: '1.0.0', name: `${prefix}ref`, type: 'bridge', bridge: 'cnibr0', isGateway: true, ipam: { type: 'host-local', subnet: '10.93.0.0/16', dataDir: join(work, 'ipam') } });
    const bridgeAdd = async (ns: string, id: string) => addressOf(JSON.parse(await runBridge(host, bridgeConf, { CNI_COMMAND: 'ADD', CNI_CONTAINERID: id, CNI_NETNS: `/run/netns/${ns}`, CNI_IFNAME: 'eth0' })));
    const refProbe = await nss.add('refprobe');
    await bridgeAdd(refProbe, `${prefix}refprobe`);

    // Turns, so the machine's load weighs on both alike; each namespace exists before its clock starts.
    const pierRuns: number[] = [];
    const refRuns: number[] = [];
    const securedRuns: number[] = [];
    for (let i = 0; i < 9; i++) {
      const ns = await nss.add(`p${i}`);
      const t0 = performance.now();
      untilPing(probe, await pierAdd(ns, `${prefix}p${i}`));
      pierRuns.push(performance.now() - t0);
      const rns = await nss.add(`r${i}`);
      const t1 = performance.now();
      untilPing(refProbe, await bridgeAdd(rns, `${prefix}r${i}`));
      refRuns.push(performance.now() - t1);
      const sns = await nss.add(`s${i}`);
      const t2 = performance.now();
      untilPing(sgProbe, await pierAdd(sns, `${prefix}s${i}`, 'cni-bench-sg'));
      securedRuns.push(performance.now() - t2);
    }

    // 200 ADDs in a row each, as a runtime starting many containers one after another.
    const many = async (tag: string, add: (ns: string, id: string) => Promise<string>) => {
      const spaces: string[] = [];
      for (let i = 0; i < 200; i++) spaces.push(await nss.add(`${tag}${i}`));
      const t0 = performance.now();
      for (const [i, ns] of spaces.entries()) await add(ns, `${prefix}${tag}${i}`);
      return performance.now() - t0;
    };
    const pierMany = await many('m', pierAdd);
    const refMany = await many('n', bridgeAdd);

    const [pier, ref] = [median(pierRuns), median(refRuns)];
    return {
      'pier CNI ADD to first ping, ms (median of 9)': Math.round(pier * 10) / 10,
      'bridge+host-local ADD to first ping, ms (median of 9)': Math.round(ref * 10) / 10,
      'CNI ADD to first ping ratio Pier/bridge': Math.round((pier / ref) * 100) / 100,
      'pier CNI ADD to first ping, default security group, ms': Math.round(median(securedRuns) * 10) / 10,
      '200 pier CNI ADDs in a row, s': Math.round(pierMany / 100) / 10,
      '200 bridge+host-local ADDs in a row, s': Math.round(refMany / 100) / 10,
      '200 ADDs ratio Pier/bridge': Math.round((pierMany / refMany) * 100) / 100,
    };
  } finally {
    await t.pier.get(dataplaneModule).driver.destroy();
    await t.close();
    await nss.cleanup(); // the reference's bridge and veths go with its namespaces
    rmSync(work, { recursive: true, force: true });
  }
}
