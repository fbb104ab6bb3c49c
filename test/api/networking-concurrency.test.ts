// IPAM under contention, across processes: two `pier up` processes on one PostgreSQL database,
// 16 clients creating ports on one /24 until it is full. Every address is handed out once, the
// pool fills exactly, and a full pool is a clean 409 IpAddressGenerationFailure — never a 500,
// a duplicate or a port left without its address. PostgreSQL only (the embedded store is one
// process by design); with CI=true a missing PIER_TEST_DATABASE_URL fails (testStores throws).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { ADMIN_PASSWORD, call, testStores, tokenFor } from '../support/pier.js';
import { startPierProcess, type PierProcess } from '../support/process.js';

const N = '/networking/v2.0';
const CLIENTS = 16;
const CIDR = '10.77.0.0/24';
const POOL = 253; // .2 – .254: the network and broadcast addresses and the gateway (.1) are out

const ipNumber = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);

if (testStores().includes('postgres')) {
  describe('networking: concurrent port creation, two processes on PostgreSQL', { timeout: 60_000 }, () => {
    let a: PierProcess;
    let b: PierProcess | undefined;
    let token: string;

    before(async () => {
      a = await startPierProcess('postgres');
      b = await startPierProcess('postgres', [], { dataDir: a.dataDir, databaseUrl: a.databaseUrl });
      token = await tokenFor(a.url, 'admin', ADMIN_PASSWORD, 'admin');
    });

    after(async () => {
      await b?.cleanup();
      await a?.cleanup();
    });

    it('fills a /24 exactly once, with clean 409s when it is full', async () => {
      // Both processes see the same cloud: a token issued by one is accepted by the other.
      const net = await call(b!.url, 'POST', `${N}/networks`, { token, body: { network: { name: 'contended' } } });
      assert.equal(net.status, 201, JSON.stringify(net.body));
      const networkId: string = net.body.network.id;
      const sub = await call(a.url, 'POST', `${N}/subnets`, { token, body: { subnet: { network_id: networkId, cidr: CIDR, ip_version: 4 } } });
      assert.equal(sub.status, 201, JSON.stringify(sub.body));
      const subnetId: string = sub.body.subnet.id;
      assert.deepEqual(sub.body.subnet.allocation_pools, [{ start: '10.77.0.2', end: '10.77.0.254' }]);

      const created: { id: string; ip: string; via: string }[] = [];
      const failures: { status: number; body: unknown }[] = [];
      const unexpected: { status: number; body: unknown }[] = [];
      let attempts = 0;
      const client = async (i: number) => {
        const base = i % 2 === 0 ? a.url : b!.url;
        // Each client creates until its first 409; the cap only guards against a runaway loop.
        while (attempts++ < POOL * 4) {
          const r = await call(base, 'POST', `${N}/ports`, { token, body: { port: { network_id: networkId, name: `c${i}` } } });
          if (r.status === 201) {
            const ips = r.body.port.fixed_ips as { subnet_id: string; ip_address: string }[];
            if (ips.length !== 1 || ips[0]!.subnet_id !== subnetId) unexpected.push(r);
            else created.push({ id: r.body.port.id, ip: ips[0]!.ip_address, via: base });
            continue;
          }
          if (r.status === 409) failures.push(r); else unexpected.push(r);
          return;
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));

      assert.deepEqual(unexpected, [], 'every answer is a 201 with one address on the subnet, or a 409');
      assert.equal(failures.length, CLIENTS, 'each client stopped at exactly one 409');
      for (const f of failures) {
        assert.equal((f.body as { NeutronError?: { type?: string } }).NeutronError?.type, 'IpAddressGenerationFailure', JSON.stringify(f.body));
      }
      // Both processes did real work (the load was split, and both allocated).
      assert.ok(created.some((c) => c.via === a.url) && created.some((c) => c.via === b!.url), 'both processes allocated');

      // Every address in the pool, each once.
      assert.equal(created.length, POOL);
      const addresses = created.map((c) => c.ip);
      assert.equal(new Set(addresses).size, POOL, 'no address was handed out twice');
      const sorted = [...addresses].sort((x, y) => ipNumber(x) - ipNumber(y));
      assert.equal(sorted[0], '10.77.0.2');
      assert.equal(sorted.at(-1), '10.77.0.254');

      // The API agrees, from either process: exactly those ports, each with its address.
      for (const base of [a.url, b!.url]) {
        const list = await call(base, 'GET', `${N}/ports?network_id=${networkId}`, { token });
        assert.equal(list.status, 200);
        const listed = list.body.ports as { id: string; fixed_ips: { ip_address: string }[] }[];
        assert.equal(listed.length, POOL, 'no port was left behind by a failed create');
        assert.deepEqual(
          new Map(listed.map((p) => [p.id, p.fixed_ips.map((f) => f.ip_address)])),
          new Map(created.map((c) => [c.id, [c.ip]])),
        );
      }

      // And so does the database: no orphaned rows, no duplicate keys, the counter is exact.
      const db = new pg.Client({ connectionString: a.databaseUrl });
      await db.connect();
      try {
        const q = async (text: string, values: unknown[]) => Number((await db.query<{ n: string }>(text, values)).rows[0]!.n);
        assert.equal(await q('select count(*) as n from ports where network_id = $1', [networkId]), POOL);
        assert.equal(await q('select count(*) as n from ip_allocations where subnet_id = $1', [subnetId]), POOL);
        assert.equal(await q('select count(distinct ip_address) as n from ip_allocations where subnet_id = $1', [subnetId]), POOL);
        assert.equal(await q('select count(*) as n from ports p where network_id = $1 and not exists (select 1 from ip_allocations a where a.port_id = p.id)', [networkId]), 0);
        assert.equal(await q('select allocated as n from ipam_subnets where subnet_id = $1', [subnetId]), POOL);
      } finally {
        await db.end();
      }

      // Freeing one address makes exactly that one available again, through the other process.
      const victim = created[0]!;
      assert.equal((await call(a.url, 'DELETE', `${N}/ports/${victim.id}`, { token })).status, 204);
      const again = await call(b!.url, 'POST', `${N}/ports`, { token, body: { port: { network_id: networkId } } });
      assert.equal(again.status, 201, JSON.stringify(again.body));
      assert.equal(again.body.port.fixed_ips[0].ip_address, victim.ip);
      const full = await call(a.url, 'POST', `${N}/ports`, { token, body: { port: { network_id: networkId } } });
      assert.equal(full.status, 409);
      assert.equal(full.body.NeutronError.type, 'IpAddressGenerationFailure');
    });
  });
}
