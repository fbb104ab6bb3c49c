// Soak (root): `pier up` (linuxbridge, runc) in its own process, driven by 16 clients of mixed
// traffic for PIER_SOAK_MINUTES (default 10): tokens, users, networks with subnets and ports,
// images with data, servers that really start (ports plugged), stacks of networks — created,
// listed, updated and deleted. Prints requests/s, p50 / p99 latency, the answers that were
// neither a success nor a quota refusal, and Pier's RSS, open files and the kernel's namespaces
// and links at the start (after a warm-up minute) and at the end; then everything made is
// deleted and the store and kernel must be as they were.
import { randomBytes, randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { ADMIN_PASSWORD, DEMO_PASSWORD, call, tokenFor, type Reply } from '../test/support/pier.js';
import { startPierProcess, type PierProcess } from '../test/support/process.js';
import { netnsWith, sh, uniquePrefix } from '../test/support/system.js';

const CLIENTS = 16;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]! : 0);

interface Snapshot { rssMiB: number; fds: number; namespaces: number; links: number }

async function snapshot(p: PierProcess, ns: string): Promise<Snapshot> {
  const pid = p.child.pid!;
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  const links = await sh('ip', ['-n', ns, '-o', 'link', 'show']);
  return { rssMiB: Math.round(rss), fds: readdirSync(`/proc/${pid}/fd`).length, namespaces: netnsWith(ns).length, links: links.code === 0 ? links.stdout.trim().split('\n').length : 0 };
}

export async function benchSoak(): Promise<Record<string, number | string>> {
  const minutes = Number(process.env.PIER_SOAK_MINUTES ?? 10);
  const prefix = uniquePrefix();
  const ns = `${prefix}-dp`;
  const p = await startPierProcess('sqlite', ['--dataplane', 'linuxbridge', '--dataplane-namespace', ns, '--compute', 'runc']);
  const latencies: number[] = [];
  const failures = new Map<string, number>();
  let quotaRefusals = 0;
  try {
    const admin = await tokenFor(p.url, 'admin', ADMIN_PASSWORD, 'admin');
    const demo = await tokenFor(p.url, 'demo', DEMO_PASSWORD, 'demo');
    const project = (await call(p.url, 'GET', '/identity/v3/auth/tokens', { token: admin, headers: { 'x-subject-token': demo } })).body.token.project.id as string;
    const image = (await call(p.url, 'GET', '/image/v2/images?name=busybox', { token: demo })).body.images[0].id as string;
    const counts = async () => {
      const get = async (path: string, key: string, token = admin) => {
        const r = await call(p.url, 'GET', path, { token });
        if (!Array.isArray(r.body?.[key])) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.body)}`);
        return (r.body[key] as unknown[]).length;
      };
      return [
        await get('/networking/v2.0/networks', 'networks'), await get('/networking/v2.0/ports', 'ports'), await get('/compute/v2.1/servers?all_tenants=1', 'servers'),
        await get('/image/v2/images', 'images'), await get(`/orchestration/v1/${project}/stacks`, 'stacks', demo), await get('/identity/v3/users', 'users'),
      ].join(',');
    };
    const before = await counts();
    const shared = (await call(p.url, 'POST', '/networking/v2.0/networks', { token: demo, body: { network: { name: 'soak-shared' } } })).body.network.id as string;
    await call(p.url, 'POST', '/networking/v2.0/subnets', { token: demo, body: { subnet: { network_id: shared, cidr: '10.93.0.0/16', ip_version: 4 } } });

    /** One request, timed; a failure other than a quota refusal (or the `expected` status, a 404 awaited after a delete) is counted by its route and status. */
    const req = async (token: string, method: string, path: string, body?: unknown, headers?: Record<string, string>, expected?: number): Promise<Reply> => {
      const t0 = performance.now();
      const r = await call(p.url, method, path, { token, body, headers });
      latencies.push(performance.now() - t0);
      if (r.status >= 400 && r.status !== expected) {
        if (r.status === 403 && /quota|limit/i.test(JSON.stringify(r.body))) quotaRefusals++;
        else if (r.status === 409 && /Quota|OverQuota/i.test(JSON.stringify(r.body))) quotaRefusals++;
        else {
          const key = `${method} ${path.replace(/[0-9a-f-]{32,36}/g, '{id}')} → ${r.status}`;
          failures.set(key, (failures.get(key) ?? 0) + 1);
        }
      }
      return r;
    };
    const until = async (check: () => Promise<boolean>, ms = 60_000) => { for (const end = Date.now() + ms; Date.now() < end; await sleep(200)) if (await check()) return; };

    const work: (() => Promise<void>)[] = [
      async () => { // identity: a token, validated, and a user made and deleted
        const r = await req('', 'POST', '/identity/v3/auth/tokens', { auth: { identity: { methods: ['password'], password: { user: { name: 'demo', domain: { id: 'default' }, password: DEMO_PASSWORD } } } } });
        const t = r.headers.get('x-subject-token');
        if (t) await req(admin, 'GET', '/identity/v3/auth/tokens', undefined, { 'x-subject-token': t });
        const u = await req(admin, 'POST', '/identity/v3/users', { user: { name: `soak-${randomBytes(4).toString('hex')}`, password: 'x' } });
        if (u.status === 201) await req(admin, 'DELETE', `/identity/v3/users/${u.body.user.id}`);
      },
      async () => { // networking: a network, subnet and ports, listed, updated, deleted
        const n = await req(demo, 'POST', '/networking/v2.0/networks', { network: { name: 'soak' } });
        if (n.status !== 201) return;
        const id = n.body.network.id;
        await req(demo, 'POST', '/networking/v2.0/subnets', { subnet: { network_id: id, cidr: `10.${randomInt(100, 200)}.${randomInt(0, 255)}.0/24`, ip_version: 4 } });
        const ports: string[] = [];
        for (let i = 0; i < 3; i++) {
          const port = await req(demo, 'POST', '/networking/v2.0/ports', { port: { network_id: id } });
          if (port.status === 201) ports.push(port.body.port.id);
        }
        await req(demo, 'GET', `/networking/v2.0/ports?network_id=${id}`);
        if (ports[0]) await req(demo, 'PUT', `/networking/v2.0/ports/${ports[0]}`, { port: { name: 'renamed' } });
        for (const port of ports) await req(demo, 'DELETE', `/networking/v2.0/ports/${port}`);
        await req(demo, 'DELETE', `/networking/v2.0/networks/${id}`);
      },
      async () => { // compute: a server started on the shared network, looked at, deleted
        const s = await req(demo, 'POST', '/compute/v2.1/servers', { server: { name: 'soak', imageRef: image, flavorRef: '1', networks: [{ uuid: shared }] } });
        if (s.status !== 202) return;
        const id = s.body.server.id;
        await until(async () => ['ACTIVE', 'ERROR'].includes((await req(demo, 'GET', `/compute/v2.1/servers/${id}`)).body.server?.status));
        await req(demo, 'GET', '/compute/v2.1/servers/detail?limit=50');
        await req(demo, 'DELETE', `/compute/v2.1/servers/${id}`);
        await until(async () => (await req(demo, 'GET', `/compute/v2.1/servers/${id}`, undefined, undefined, 404)).status === 404);
      },
      async () => { // image: made, uploaded, listed, deleted
        const i = await req(demo, 'POST', '/image/v2/images', { name: 'soak', disk_format: 'raw', container_format: 'bare' });
        if (i.status !== 201) return;
        const t0 = performance.now();
        await fetch(`${p.url}/image/v2/images/${i.body.id}/file`, { method: 'PUT', headers: { 'x-auth-token': demo, 'content-type': 'application/octet-stream' }, body: randomBytes(64 * 1024) });
        latencies.push(performance.now() - t0);
        await req(demo, 'GET', '/image/v2/images?limit=20');
        await req(demo, 'DELETE', `/image/v2/images/${i.body.id}`);
      },
      async () => { // orchestration: a stack of three networks, to COMPLETE, deleted
        const resources = Object.fromEntries([0, 1, 2].map((i) => [`n${i}`, { type: 'OS::Neutron::Net' }]));
        const name = `soak-${randomBytes(4).toString('hex')}`;
        const s = await req(demo, 'POST', `/orchestration/v1/${project}/stacks`, { stack_name: name, template: { heat_template_version: '2018-08-31', resources } });
        if (s.status !== 201) return;
        const path = `/orchestration/v1/${project}/stacks/${name}/${s.body.stack.id}`;
        await until(async () => !String((await req(demo, 'GET', path)).body.stack?.stack_status).endsWith('IN_PROGRESS'));
        await req(demo, 'DELETE', path);
        await until(async () => { const r = await req(demo, 'GET', path, undefined, undefined, 404); return r.status === 404 || r.body.stack?.stack_status === 'DELETE_COMPLETE'; });
      },
    ];

    let stop = false;
    let requestsAtWarm = 0;
    // Two of the clients boot servers; the others mix the rest.
    const client = async (n: number) => {
      while (!stop) await (n < 2 ? work[2]! : work[[0, 1, 3, 4][randomInt(0, 4)]!]!)();
    };
    const started = performance.now();
    const running = Array.from({ length: CLIENTS }, (_, n) => client(n));
    await sleep(Math.min(60_000, minutes * 60_000 / 4));
    const warm = await snapshot(p, ns);
    requestsAtWarm = latencies.length;
    const tWarm = performance.now();
    await sleep(minutes * 60_000 - (tWarm - started));
    const end = await snapshot(p, ns);
    const requests = latencies.length - requestsAtWarm;
    const seconds = (performance.now() - tWarm) / 1000;
    stop = true;
    await Promise.all(running);
    await call(p.url, 'DELETE', `/networking/v2.0/networks/${shared}`, { token: demo });
    let after = await counts();
    for (let i = 0; i < 50 && after !== before; i++) { await sleep(200); after = await counts(); }
    await sleep(2000);
    const idle = await snapshot(p, ns);
    return {
      'clients; minutes': `${CLIENTS}; ${minutes}`,
      'requests/s (after the warm-up)': Math.round(requests / seconds),
      'p50 latency, ms': Number(percentile(latencies.slice(requestsAtWarm), 0.5).toFixed(1)),
      'p99 latency, ms': Number(percentile(latencies.slice(requestsAtWarm), 0.99).toFixed(1)),
      'failures (neither success nor quota)': [...failures].map(([k, v]) => `${k} ×${v}`).join('; ') || 0,
      'quota refusals': quotaRefusals,
      'RSS MiB warm → end (growth %)': `${warm.rssMiB} → ${end.rssMiB} (${(((end.rssMiB - warm.rssMiB) / warm.rssMiB) * 100).toFixed(1)} %)`,
      'open files warm → end → idle': `${warm.fds} → ${end.fds} → ${idle.fds}`,
      'namespaces / links in the dataplane ns at the end, idle': `${end.namespaces} / ${end.links}, ${idle.namespaces} / ${idle.links}`,
      'store counts before → after (nets,ports,servers,images,stacks,users)': `${before} → ${after}`,
    };
  } finally {
    await p.cleanup();
    for (const n of netnsWith(ns)) await sh('ip', ['netns', 'del', n]);
  }
}
