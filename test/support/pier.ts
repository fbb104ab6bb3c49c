// A real Pier for tests: a fresh data dir, a random loopback port, and — when
// PIER_TEST_DATABASE_URL names a PostgreSQL server — a fresh database on it, dropped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import pg from 'pg';
import pino from 'pino';
import { startPier, type Pier, type PierConfig } from '../../src/pier.js';

export const ADMIN_PASSWORD = 'admin-test-password';
export const DEMO_PASSWORD = 'demo-test-password';

export interface TestPier {
  pier: Pier;
  url: string;
  dataDir: string;
  databaseUrl?: string;
  /** Starts another Pier process-in-process on the same data dir / database. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A new empty database on the test PostgreSQL server, or undefined on the embedded store. */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const server = process.env.PIER_TEST_DATABASE_URL;
  if (!server) return undefined;
  const name = `pier_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      // An autovacuum worker (the superuser's) on the database makes FORCE fail for a while.
      for (let attempt = 0; ; attempt++) {
        try {
          await c.query(`drop database if exists ${name} with (force)`);
          break;
        } catch (err) {
          if (attempt >= 20) throw err;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      await c.end();
    },
  };
}

export async function startTestPier(overrides: Partial<PierConfig> = {}, store: 'sqlite' | 'postgres' = 'sqlite'): Promise<TestPier> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pier-test-'));
  const db = store === 'postgres' ? await freshDatabase() : undefined;
  if (store === 'postgres' && !db) throw new Error('PIER_TEST_DATABASE_URL is not set');
  const config: PierConfig = {
    host: '127.0.0.1', port: 0, dataDir, databaseUrl: db?.url, logLevel: 'silent', logger: pino({ level: 'silent' }),
    dataplane: { driver: 'noop' }, compute: { driver: 'fake' }, ...overrides,
    identity: { adminPassword: ADMIN_PASSWORD, demoPassword: DEMO_PASSWORD, ...overrides.identity },
  };
  let pier = await startPier(config);
  const t: TestPier = {
    pier, url: pier.url, dataDir, databaseUrl: db?.url,
    async restart() {
      await pier.close();
      pier = await startPier({ ...config, port: Number(new URL(t.url).port) });
      t.pier = pier;
    },
    async close() {
      await pier.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

export interface Reply<T = any> { status: number; body: T; headers: Headers }

/** One JSON request; `body` may be a string to send raw. */
export async function call<T = any>(base: string, method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers['x-auth-token'] = opts.token;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  }
  // A new connection per call (no keep-alive): a restarted server never meets a stale socket.
  const res = await new Promise<{ status: number; headers: Headers; text: string }>((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers, agent: false }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: r.statusCode ?? 0, headers: h, text: Buffer.concat(chunks).toString() });
      });
      r.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
  let parsed: unknown = res.text;
  try { parsed = res.text ? JSON.parse(res.text) : undefined; } catch { /* not JSON */ }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** A token for `user` (password auth) scoped to `project` by name, in the Default domain. */
export async function tokenFor(base: string, user: string, password: string, project?: string): Promise<string> {
  const scope = project ? { project: { name: project, domain: { id: 'default' } } } : undefined;
  const r = await call(base, 'POST', '/identity/v3/auth/tokens', {
    body: { auth: { identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } }, ...(scope ? { scope } : {}) } },
  });
  if (r.status !== 201) throw new Error(`token for ${user}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.headers.get('x-subject-token')!;
}

/**
 * The stores an API suite runs on: always the embedded one; PostgreSQL when
 * PIER_TEST_DATABASE_URL is set. In CI both are required.
 */
export function testStores(): ('sqlite' | 'postgres')[] {
  if (process.env.PIER_TEST_DATABASE_URL) return ['sqlite', 'postgres'];
  if (process.env.CI === 'true') throw new Error('CI=true but PIER_TEST_DATABASE_URL is not set: the PostgreSQL runs cannot be skipped');
  return ['sqlite'];
}
