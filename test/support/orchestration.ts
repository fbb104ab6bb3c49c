// A Heat client for API tests: the demo user's token on a test Pier, the project-scoped
// /orchestration/v1/{project} base, and waiting for a stack to settle.
import assert from 'node:assert/strict';
import { call, DEMO_PASSWORD, startTestPier, tokenFor, type Reply, type TestPier } from './pier.js';

export interface HeatCloud {
  t: TestPier;
  token: string;
  project: string;
  heat<T = any>(method: string, path: string, body?: unknown): Promise<Reply<T>>;
  neutron<T = any>(method: string, path: string, body?: unknown): Promise<Reply<T>>;
  /** Polls the stack until its status is no longer IN_PROGRESS; returns the stack body. */
  settle(name: string, id: string, timeoutMs?: number): Promise<any>;
  /** Creates a stack (asserting 201) and waits for it to settle. */
  stack(name: string, template: unknown, extra?: Record<string, unknown>): Promise<any>;
  close(): Promise<void>;
}

export async function startHeat(store: 'sqlite' | 'postgres'): Promise<HeatCloud> {
  const t = await startTestPier({}, store);
  const token = await tokenFor(t.url, 'demo', DEMO_PASSWORD, 'demo');
  const project = (await call(t.url, 'GET', '/identity/v3/auth/tokens', { token, headers: { 'x-subject-token': token } })).body.token.project.id;
  const c: HeatCloud = {
    t, token, project,
    heat: (method, path, body) => call(t.url, method, `/orchestration/v1/${project}${path}`, { token, body }),
    neutron: (method, path, body) => call(t.url, method, `/networking/v2.0${path}`, { token, body }),
    async settle(name, id, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const r = await c.heat('GET', `/stacks/${name}/${id}`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        if (!String(r.body.stack.stack_status).endsWith('IN_PROGRESS')) return r.body.stack;
        if (Date.now() > end) assert.fail(`stack ${name} still ${r.body.stack.stack_status}`);
        await new Promise((res) => setTimeout(res, 25));
      }
    },
    async stack(name, template, extra = {}) {
      const r = await c.heat('POST', '/stacks', { stack_name: name, template, ...extra });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return c.settle(name, r.body.stack.id);
    },
    close: () => t.close(),
  };
  return c;
}
