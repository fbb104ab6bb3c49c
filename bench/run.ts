// `npm run bench`: every benchmark, printed with its target. PostgreSQL figures when
// PIER_TEST_DATABASE_URL names a server (scripts/postgres-up.sh prints one). The networking
// section ends with a reference run on a real Neutron when one answers (PIER_BENCH_NEUTRON_URL,
// default http://127.0.0.1:19696); without one that line is skipped.
import { cpus, loadavg } from 'node:os';
import { benchIdentity } from './identity.js';
import { benchDashboard } from './dashboard.js';
import { benchDataplane } from './dataplane.js';
import { benchCompute } from './compute.js';
import { benchKuryrCni } from './kuryr-cni.js';
import { benchKuryrDocker } from './kuryr-docker.js';
import { benchNetworking, benchNeutronReference, NEUTRON_URL } from './networking.js';
import { benchOrchestration } from './orchestration.js';
import { benchLists } from './lists.js';
import { benchMagnum } from './magnum.js';
import { benchSoak } from './soak.js';
import { benchVolume } from './volume.js';

type Store = 'sqlite' | 'postgres';

const targets: Record<string, string> = {
  'token validate/s (GET /v3/auth/tokens)': '≥ 5000',
  'start to first 200 ms (existing data dir, median of 5)': '< 500',
  'ports page (limit=100 of 10,000) median ms': '< 20',
  'servers page (detail, limit=100 of 10,000) median ms': '< 20',
  'images page (limit=100 of 10,000) median ms': '< 20',
  'stacks page (limit=100 of 10,000) median ms': '< 20',
  'plug latency ratio Pier/CNI': '≤ 1.5',
  '200 ports created and plugged, s': '< 10',
  '100 resources (50 nets + 50 subnets) CREATE_COMPLETE, s': '< 2',
  'ratio Pier/bare runc, to first ping': '≤ 2×',
  '20 servers created at once, all ACTIVE, s': '< 10',
  'CNI ADD to first ping ratio Pier/bridge': '≤ 1.5',
  '200 ADDs ratio Pier/bridge': '≤ 1.5',
  'docker run ratio Kuryr/bridge': '≤ 1.5',
  'coe cluster create (1+2) → 3 nodes Ready, s': '< 60',
  'first screen (load to login form), median of 5, ms': '< 500',
  'create ratio Pier/by hand': '≤ 1.5', 'attach ratio Pier/by hand': '≤ 1.5', 'snapshot ratio Pier/by hand': '≤ 1.5',
};
// Targets that hold on one store only.
const storeTargets: Record<Store, Record<string, string>> = {
  sqlite: { 'port creates/s, sequential': '≥ 1000' },
  postgres: {},
};

const print = (title: string, figures: Record<string, number | string>, store?: Store) => {
  console.log(`\n${title}`);
  for (const [name, value] of Object.entries(figures)) {
    const target = (store && storeTargets[store][name]) ?? targets[name];
    console.log(`  ${name.padEnd(58)} ${String(value).padStart(8)}${target ? `   target ${target}` : ''}`);
  }
};

// Figures are wall-clock rates: on a shared machine they drop with its load, so say what it was,
// and how long a fixed piece of work took. On a VM the host's load moves every figure (the same
// build's CPU time per request varied 2× from one run to the next) without showing in the
// guest's load average; the calibration moves with it.
function calibration(): number {
  const item = { id: 'c5a8a0c4-0b7e-4a43-9a0e-8d3bd0ba2f6e', fixed_ips: [{ subnet_id: 's', ip_address: '10.0.0.5' }], tags: ['a', 'b'], mtu: 1450 };
  const t0 = performance.now();
  let n = 0;
  for (let i = 0; i < 50_000; i++) n += (JSON.parse(JSON.stringify({ ...item, name: `p${i}` })) as { mtu: number }).mtu;
  if (n !== 50_000 * 1450) throw new Error('calibration went wrong');
  return Math.round(performance.now() - t0);
}
const machine = () => `${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}, calibration ${calibration()} ms (a fixed JSON workload; less is a faster host)`;
console.log(`machine: ${machine()} at start`);
// `node dist/bench/run.js dataplane networking`: only those sections (default: all).
const only = process.argv.slice(2);
const wanted = (section: string) => !only.length || only.includes(section);

const stores: Store[] = process.env.PIER_TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
if (wanted('identity')) for (const store of stores) print(`identity on ${store}`, await benchIdentity(store), store);

const sequential: Partial<Record<Store, number>> = {};
if (wanted('networking')) for (const store of stores) {
  const figures = await benchNetworking(store);
  sequential[store] = figures['port creates/s, sequential'];
  print(`networking on ${store}`, figures, store);
}

const neutron = wanted('networking') ? await benchNeutronReference() : undefined;
if (!wanted('networking')) {
  // not asked for
} else if (!neutron) {
  console.log(`\nnetworking reference: no Neutron answers at ${NEUTRON_URL}; skipped`);
} else {
  const rate = neutron['port creates/s, sequential']!;
  const ratios: Record<string, string> = {};
  for (const store of stores) ratios[`Pier on ${store} / Neutron, sequential port creates`] = `${(sequential[store]! / rate).toFixed(1)}×`;
  print(`networking reference: Neutron at ${NEUTRON_URL}`, { ...neutron, ...ratios });
}
if (wanted('orchestration')) for (const store of stores) print(`orchestration on ${store}`, await benchOrchestration(store), store);
if (wanted('lists')) for (const store of stores) print(`lists (servers, images, stacks) on ${store}`, await benchLists(store), store);
if (!wanted('dataplane')) {
  // not asked for
} else if (process.getuid?.() === 0) print('dataplane (linuxbridge), against the CNI bridge plugin', await benchDataplane());
else console.log('\ndataplane: needs root; skipped');
if (!wanted('compute')) {
  // not asked for
} else if (process.getuid?.() === 0) print('compute (runc + linuxbridge), against bare runc', await benchCompute());
else console.log('\ncompute: needs root; skipped');
if (!wanted('kuryr-cni')) {
  // not asked for
} else if (process.getuid?.() === 0) print('kuryr CNI (pier plugin on linuxbridge), against the CNI bridge + host-local plugins', await benchKuryrCni());
else console.log('\nkuryr-cni: needs root; skipped');
if (!wanted('kuryr')) {
  // not asked for
} else if (process.getuid?.() === 0) print('kuryr: docker run on a Pier network, against Docker\'s own bridge', await benchKuryrDocker());
else console.log('\nkuryr: needs root; skipped');
if (wanted('dashboard')) print('dashboard in headless Chromium', await benchDashboard());
if (!wanted('magnum')) {
  // not asked for
} else if (process.getuid?.() === 0) print('magnum: a Kubernetes cluster of runc servers (node image built by scripts/build-kubernetes.sh)', await benchMagnum());
else console.log('\nmagnum: needs root; skipped');
// The soak runs only when asked for (`npm run bench -- soak`): ten minutes by default.
if (!only.includes('soak')) {
  // not asked for
} else if (process.getuid?.() === 0) print('soak: 16 clients of mixed traffic against pier up (linuxbridge, runc)', await benchSoak());
else console.log('\nsoak: needs root; skipped');
if (!wanted('volume')) {
  // not asked for
} else if (process.getuid?.() === 0) print('volume (file driver, runc), against truncate + losetup + mkfs + mount + cp by hand', await benchVolume());
else console.log('\nvolume: needs root; skipped');
console.log(`\nmachine: ${machine()} at the end`);
