// Networking benchmarks against `pier up` in a child process (the load generator runs here):
// port creates/s one client at a time and with 8 concurrent clients, and the latency of a
// 100-port page (`GET /v2.0/ports?network_id=…&limit=100`) on a network of 10,000 ports.
// `benchNeutronReference` measures the same sequential create rate on a real Neutron, when one
// answers (a reference point only; the benchmark runs without it). Beside each create rate, the
// CPU time the Pier process spent per create: on a shared machine the rate follows its load, the
// CPU time much less so.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import { ADMIN_PASSWORD, tokenFor } from '../test/support/pier.js';
import { startPierProcess } from '../test/support/process.js';

const N = '/networking/v2.0';
const CREATE_SECONDS = 5;
const WARM_UP_SECONDS = 2;
const LIST_PORTS = 10_000;
const BULK = 500;
const PAGE_REQUESTS = 200;

interface Answer { status: number; body: any }

/** One JSON request on a keep-alive agent (latency is the server's, not TCP setup's). */
function json(agent: Agent, base: string, method: string, path: string, headers: Record<string, string>, body?: unknown, timeoutMs = 30_000): Promise<Answer> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((done, fail) => {
    const req = request(`${base}${path}`, {
      method, agent, timeout: timeoutMs,
      headers: { ...headers, ...(data ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)) } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: unknown = text;
        try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
        done({ status: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', fail);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', fail);
    req.end(data);
  });
}

async function expect(a: Promise<Answer>, status: number, what: string): Promise<any> {
  const r = await a;
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 500)}`);
  return r.body;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** A network with one subnet of `cidr`; returns the network id. */
async function networkWithSubnet(call: (m: string, p: string, b?: unknown) => Promise<Answer>, name: string, cidr: string, extra: Record<string, unknown> = {}): Promise<string> {
  const net = await expect(call('POST', `${N}/networks`, { network: { name, ...extra } }), 201, `create network ${name}`);
  await expect(call('POST', `${N}/subnets`, { subnet: { network_id: net.network.id, cidr, ip_version: 4, ...extra } }), 201, `create subnet ${cidr}`);
  return net.network.id as string;
}

/** CPU time (user + system, every thread) of process `pid` so far, in µs; undefined off Linux. */
function cpuMicros(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1e6 / 100); // clock ticks (USER_HZ is 100 on Linux)
  } catch {
    return undefined;
  }
}

/**
 * Port creates/s on `networkId` with `connections` clients, each one request at a time, and the
 * server's CPU µs per create when its `pid` is given.
 */
async function createRate(url: string, headers: Record<string, string>, port: Record<string, unknown>, connections: number, seconds = CREATE_SECONDS, pid?: number): Promise<{ rate: number; cpu?: number }> {
  const before = cpuMicros(pid);
  const r = await autocannon({
    url, method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ port }),
    connections, pipelining: 1, duration: seconds,
  });
  const after = cpuMicros(pid);
  if (r.non2xx || r.errors || r.timeouts) throw new Error(`port create at ${url}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  return {
    rate: r.requests.total / ((r.finish.getTime() - r.start.getTime()) / 1000),
    cpu: before !== undefined && after !== undefined ? (after - before) / r.requests.total : undefined,
  };
}

export async function benchNetworking(store: 'sqlite' | 'postgres'): Promise<Record<string, number>> {
  const p = await startPierProcess(store, ['--log-level', 'warn']);
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  try {
    const token = await tokenFor(p.url, 'admin', ADMIN_PASSWORD, 'admin');
    const headers = { 'x-auth-token': token };
    const call = (m: string, path: string, b?: unknown) => json(agent, p.url, m, path, headers, b);
    // Room for the benchmark's ports (the default quota is 500 per project); still a finite
    // quota, so the quota check runs as it does in a real deployment.
    const project = (await expect(call('GET', `${N}/quotas/tenant`), 200, 'quota tenant')).tenant.tenant_id as string;
    await expect(call('PUT', `${N}/quotas/${project}`, { quota: { port: 1_000_000 } }), 200, 'raise the port quota');

    // Creates: a fresh /16 per run, so both start from an empty network.
    const figures: Record<string, number> = {};
    for (const [connections, name] of [[1, 'port creates/s, sequential'], [8, 'port creates/s, 8 concurrent clients']] as const) {
      const networkId = await networkWithSubnet(call, `bench-create-${connections}`, connections === 1 ? '10.1.0.0/16' : '10.2.0.0/16');
      // Warm up with the same load for a while (the project's default security group is made on
      // its first port; the JIT needs a few thousand requests to settle): the figure is the
      // steady rate, not the first seconds' compile time.
      await createRate(`${p.url}${N}/ports`, headers, { network_id: networkId }, connections, WARM_UP_SECONDS);
      const { rate, cpu } = await createRate(`${p.url}${N}/ports`, headers, { network_id: networkId }, connections, CREATE_SECONDS, p.child.pid);
      figures[name] = Math.round(rate);
      if (cpu !== undefined) figures[`${name}: server CPU µs per create`] = Math.round(cpu);
    }

    // A page of 100 ports out of 10,000 on one network, filled with bulk creates.
    const listNet = await networkWithSubnet(call, 'bench-list', '10.3.0.0/16');
    const t0 = performance.now();
    for (let made = 0; made < LIST_PORTS; made += BULK) {
      const ports = Array.from({ length: Math.min(BULK, LIST_PORTS - made) }, (_, i) => ({ network_id: listNet, name: `p${made + i}` }));
      const r = await expect(call('POST', `${N}/ports`, { ports }), 201, 'bulk port create');
      if (r.ports.length !== ports.length) throw new Error(`bulk create made ${r.ports.length} of ${ports.length} ports`);
    }
    figures['bulk port creates/s (batches of 500)'] = Math.round(LIST_PORTS / ((performance.now() - t0) / 1000));
    const page = `${N}/ports?network_id=${listNet}&limit=100`;
    for (let i = 0; i < 20; i++) await expect(call('GET', page), 200, 'warm-up list');
    const times: number[] = [];
    for (let i = 0; i < PAGE_REQUESTS; i++) {
      const s = performance.now();
      const r = await expect(call('GET', page), 200, 'list ports');
      times.push(performance.now() - s);
      if (r.ports.length !== 100) throw new Error(`a page of ${r.ports.length} ports, not 100`);
    }
    times.sort((x, y) => x - y);
    figures['ports page (limit=100 of 10,000) median ms'] = round1(quantile(times, 0.5));
    figures['ports page (limit=100 of 10,000) p99 ms'] = round1(quantile(times, 0.99));
    return figures;
  } finally {
    agent.destroy();
    await p.cleanup();
  }
}

export const NEUTRON_URL = process.env.PIER_BENCH_NEUTRON_URL ?? 'http://127.0.0.1:19696';
const NEUTRON_PROJECT = '0123456789abcdef0123456789abcdef';

/**
 * Sequential port creates/s on a real Neutron (noauth: the project and role come in headers),
 * or undefined when none answers at `url`. Everything it creates is deleted again.
 */
export async function benchNeutronReference(url = NEUTRON_URL): Promise<Record<string, number> | undefined> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const headers = { 'x-project-id': NEUTRON_PROJECT, 'x-roles': 'admin' };
  const call = (m: string, path: string, b?: unknown) => json(agent, url, m, path, headers, b);
  const probe = await json(agent, url, 'GET', '/v2.0/networks?limit=1', headers, undefined, 2000).catch(() => undefined);
  if (probe?.status !== 200) {
    agent.destroy();
    return undefined;
  }
  let networkId: string | undefined;
  try {
    const net = await expect(call('POST', '/v2.0/networks', { network: { name: 'pier-bench-reference', tenant_id: NEUTRON_PROJECT } }), 201, 'neutron network');
    networkId = net.network.id as string;
    await expect(call('POST', '/v2.0/subnets', { subnet: { network_id: networkId, cidr: '10.251.0.0/16', ip_version: 4, tenant_id: NEUTRON_PROJECT } }), 201, 'neutron subnet');
    for (let i = 0; i < 5; i++) await expect(call('POST', '/v2.0/ports', { port: { network_id: networkId, tenant_id: NEUTRON_PROJECT } }), 201, 'neutron warm-up port');
    // Longer than Pier's run: at a few creates a second, 5 s would be a handful of samples.
    const { rate } = await createRate(`${url}/v2.0/ports`, headers, { network_id: networkId, tenant_id: NEUTRON_PROJECT }, 1, 15);
    return { 'port creates/s, sequential': Math.round(rate * 100) / 100 };
  } finally {
    if (networkId) await cleanNeutron(call, networkId).catch((err) => console.error(`  (could not clean up Neutron network ${networkId}: ${String(err)})`));
    agent.destroy();
  }
}

async function cleanNeutron(call: (m: string, p: string, b?: unknown) => Promise<Answer>, networkId: string): Promise<void> {
  // A create still in flight when the load generator stopped may land after the first listing.
  for (let attempt = 0; ; attempt++) {
    const list = await expect(call('GET', `/v2.0/ports?network_id=${networkId}&fields=id&fields=device_owner`), 200, 'neutron ports');
    const ids = (list.ports as { id: string; device_owner: string }[]).filter((p) => !p.device_owner.startsWith('network:dhcp')).map((p) => p.id);
    const workers = Array.from({ length: 4 }, async () => {
      for (let id = ids.pop(); id; id = ids.pop()) await call('DELETE', `/v2.0/ports/${id}`);
    });
    await Promise.all(workers);
    const r = await call('DELETE', `/v2.0/networks/${networkId}`);
    if (r.status === 204 || r.status === 404) return;
    if (attempt >= 5) throw new Error(`neutron network delete: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    await new Promise((done) => setTimeout(done, 1000));
  }
}
