// The fuzz loop: every mounted route, a fixed number of seeded cases each, one request at a
// time, and per answer the guarantees of issue 18 — no 5xx, no hang, the service's own error
// body, and no change in the store from a rejected request.
import { request } from 'node:http';
import type { MountedRoute } from '../../../src/core/http/server.js';
import type { Store } from '../../../src/store/index.js';
import { makeCase, type Callers, type FuzzRequest } from './cases.js';
import { changedTables, errorShapeProblem, snapshot, type Snapshot } from './checks.js';
import type { ParamSource } from './params.js';
import type { Prng } from './prng.js';

export interface FuzzOptions {
  base: string;
  store: Store;
  routes: readonly MountedRoute[];
  callers: Callers;
  params: ParamSource;
  /** Bodies real requests sent, by `METHOD url-pattern`. */
  samples: ReadonlyMap<string, unknown>;
  /** Ids a write must not name (the callers' own user, project, roles): the run needs them. */
  protectedIds: ReadonlySet<string>;
  casesPerRoute: number;
  /** An answer slower than this is a hang. */
  timeoutMs: number;
}

export interface Failure { route: string; request: FuzzRequest; status: number; problem: string; body: string; requestId?: string }

export interface FuzzReport { failures: Failure[]; requests: number; byStatus: Record<string, number> }

interface Answer { status: number; text: string; requestId?: string }

export function send(base: string, req: FuzzRequest, timeoutMs: number): Promise<Answer> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
    const r = request({ host: u.hostname, port: u.port, method: req.method, path: req.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { clearTimeout(timer); resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), requestId: res.headers['x-openstack-request-id'] as string | undefined }); });
      res.on('error', reject);
    });
    const timer = setTimeout(() => { r.destroy(); reject(new Error(`no answer within ${timeoutMs} ms`)); }, timeoutMs);
    r.on('error', (err) => { clearTimeout(timer); reject(err); });
    r.end(req.body);
  });
}

/** Waits until background work started by an accepted write has settled (two equal snapshots). */
async function settled(store: Store, maxMs = 3000): Promise<Snapshot> {
  let last = await snapshot(store);
  for (const start = Date.now(); Date.now() - start < maxMs;) {
    await new Promise((r) => setTimeout(r, 40));
    const now = await snapshot(store);
    if (!changedTables(last, now).length) return now;
    last = now;
  }
  return last;
}

/** Path segments that name a prototype member of every object: a lookup by them must find nothing. */
const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

export async function fuzz(root: Prng, o: FuzzOptions): Promise<FuzzReport> {
  const report: FuzzReport = { failures: [], requests: 0, byStatus: {} };
  /** Paths and bodies of accepted writes: a prototype name they used may really exist since. */
  let accepted = '';
  let before = await settled(o.store);
  for (const route of o.routes) {
    const key = `${route.method} ${route.url}`;
    const r = root.fork(key);
    for (let i = 0; i < o.casesPerRoute; i++) {
      let params = await o.params.resolve(r, route.url);
      if (params && route.method !== 'GET' && Object.values(params).some((v) => o.protectedIds.has(v))) params = undefined;
      const req = makeCase(r, { method: route.method, url: route.url, params, sample: o.samples.get(key), callers: o.callers });
      let requestId: string | undefined;
      const fail = (status: number, problem: string, body = '') => report.failures.push({ route: key, request: req, status, problem, body: body.slice(0, 400), requestId });
      report.requests++;
      let answer: Answer;
      try {
        answer = await send(o.base, req, o.timeoutMs);
      } catch (err) {
        fail(0, (err as Error).message);
        before = await settled(o.store);
        continue;
      }
      const { status, text } = answer;
      requestId = answer.requestId;
      report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
      if (status >= 500) fail(status, 'server error', text);
      const path = req.path.split('?')[0]!;
      const proto = PROTO_NAMES.find((n) => path.split('/').includes(n) && !route.url.split('/').includes(n));
      // Found: an empty answer (a tag check's 204, a serialised function's {}) or the name as a key.
      const found = !text.trim() || text.trim() === '{}' || text.includes(`"${proto}":`);
      if (proto && route.method === 'GET' && status < 300 && found && !accepted.includes(proto)) fail(status, `a lookup of '${proto}' found something`, text);
      if (status >= 400) {
        let body: unknown;
        try { body = JSON.parse(text); } catch { body = text; }
        const shape = errorShapeProblem(route.service, status, body);
        if (shape) fail(status, shape, text);
        const after = await snapshot(o.store);
        const changed = changedTables(before, after);
        if (changed.length) fail(status, `rejected request changed ${changed.join(', ')}`, text);
        before = after;
      } else {
        // Accepted: the world may change (and go on changing a moment): start from there.
        if (route.method !== 'GET') { o.params.invalidate(); accepted += `${path} ${req.body ?? ''}\n`.slice(0, 10_000); }
        before = route.method === 'GET' ? await snapshot(o.store) : await settled(o.store);
      }
    }
  }
  return report;
}
