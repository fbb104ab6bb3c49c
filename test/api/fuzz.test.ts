// Issue 18's first guarantee: a seeded fuzzer hits every mounted route of every service with
// hostile input and asserts no 5xx, no hang, the service's own error body, and that a rejected
// request changed nothing in the store. PIER_FUZZ_SEED replays a run; PIER_FUZZ_CASES sets the
// cases per route (default 30 on SQLite and 8 on PostgreSQL: 30-40 s each on two quiet cores, about 2 min on busy ones).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { NotFound } from '../../src/core/errors.js';
import { mountedRoutes } from '../../src/core/http/server.js';
import { ADMIN_PASSWORD, DEMO_PASSWORD, call, startTestPier, testStores, tokenFor, type TestPier } from '../support/pier.js';
import { ParamSource } from '../support/fuzz/params.js';
import { Prng, fuzzSeed } from '../support/fuzz/prng.js';
import { changedTables, errorShapeProblem, snapshot } from '../support/fuzz/checks.js';
import { fuzz, type Failure } from '../support/fuzz/run.js';
import { seedWorld } from '../support/fuzz/seed.js';

const seed = fuzzSeed();
/** Cases per route: fewer on PostgreSQL, whose snapshots cost more; its own faults (NUL, ranges) show soon. */
const casesFor = (store: 'sqlite' | 'postgres') => Number(process.env.PIER_FUZZ_CASES ?? (store === 'sqlite' ? 30 : 8));

/** Errors the server logged, by request id: a 500's cause goes into the report. */
const logged = new Map<string, string>();
const logger = pino({ level: 'error' }, { write(line: string) {
  const e = JSON.parse(line) as { reqId?: string; err?: { stack?: string } };
  if (e.reqId) logged.set(e.reqId, e.err?.stack?.split('\n').slice(0, 4).join(' | ') ?? line);
} });

function describeFailure(f: Failure): string {
  const cause = f.requestId && logged.get(f.requestId) ? `\n    logged: ${logged.get(f.requestId)!.slice(0, 500)}` : '';
  const body = f.request.body === undefined ? '' : ` body=${f.request.body.slice(0, 200)}`;
  return `${f.route} → ${f.status} ${f.problem}\n    ${f.request.method} ${f.request.path.slice(0, 200)} [${f.request.note}]${body}\n    answer: ${f.body.slice(0, 300)}${cause}`;
}

for (const store of testStores()) describe(`fuzz: every route on ${store} (PIER_FUZZ_SEED=${seed})`, () => {
  let t: TestPier;
  before(async () => { t = await startTestPier({ logger }, store); });
  after(() => t.close());

  test('no 5xx, no hang, the service\'s own error body, nothing written by a rejected request', async () => {
    console.log(`fuzz seed ${seed} (replay with PIER_FUZZ_SEED=${seed})`);
    // A stream that stays open (the dashboard's change feed) would only ever time out.
    const routes = mountedRoutes(t.pier.app).filter((r) => r.method !== 'HEAD' && !r.stream);
    assert.ok(routes.length > 100, `only ${routes.length} routes mounted`);
    for (const name of ['identity', 'networking', 'compute', 'image', 'orchestration', 'clusters']) {
      assert.ok(routes.some((r) => r.service.name === name), `no ${name} routes`);
    }
    const admin = await tokenFor(t.url, 'admin', ADMIN_PASSWORD, 'admin');
    const member = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
    const params = new ParamSource(async (path) => (await call(t.url, 'GET', path, { token: admin })).body);
    // The checks can fail: the snapshot sees the seeding's writes, and a foreign body shape is caught.
    const empty = await snapshot(t.pier.store);
    const world = await seedWorld(t.url, routes, params, admin, member);
    assert.ok(changedTables(empty, await snapshot(t.pier.store)).includes('projects'), 'the snapshot missed a write');
    for (const service of new Set(routes.map((r) => r.service))) {
      assert.ok(errorShapeProblem(service, 404, { message: 'Route GET:/x not found', error: 'Not Found', statusCode: 404 }), `${service.name} takes fastify's body`);
      assert.equal(errorShapeProblem(service, 404, service.renderError(new NotFound('x'), { requestId: 'r', baseUrl: 'http://x' })), undefined);
    }
    const started = Date.now();
    const report = await fuzz(new Prng(seed), {
      base: t.url, store: t.pier.store, routes, callers: { admin, member }, params, samples: world.samples,
      protectedIds: world.protectedIds, casesPerRoute: casesFor(store), timeoutMs: 10_000,
    });
    console.log(`fuzz: ${routes.length} routes, ${report.requests} requests in ${Date.now() - started} ms; statuses ${JSON.stringify(report.byStatus)}`);
    // The run must have reached past the edge: real validation errors and successes, not only 401s and 404s.
    for (const status of ['200', '400', '401', '404']) assert.ok(report.byStatus[status], `no ${status} answers at all: ${JSON.stringify(report.byStatus)}`);
    // One example per kind of failure (route, status, problem), most frequent first.
    const kinds = new Map<string, Failure[]>();
    for (const f of report.failures) {
      const k = `${f.route} ${f.status} ${f.problem.slice(0, 60)}`;
      kinds.set(k, [...(kinds.get(k) ?? []), f]);
    }
    const shown = [...kinds.values()].sort((a, b) => b.length - a.length).map((fs) => `${fs.length}× ${describeFailure(fs[0]!)}`).join('\n');
    assert.equal(report.failures.length, 0, `${report.failures.length} failures (seed ${seed}):\n${shown}`);
  });
});
