// Identity benchmarks: process start to first 200 on an existing data dir, token issue/s and
// token validate/s, against `pier up` in a child process (the load generator runs here).
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { ADMIN_PASSWORD, tokenFor } from '../test/support/pier.js';
import { startPierProcess } from '../test/support/process.js';

const BIN = resolve(import.meta.dirname, '../../bin/pier.js');

const get = (url: string) => new Promise<number>((done) => {
  const req = request(url, { agent: false }, (res) => { res.resume(); res.on('end', () => done(res.statusCode ?? 0)); });
  req.on('error', () => done(0));
  req.end();
});

async function startLatency(dataDir: string, port: number): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'up', '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn', '--dataplane', 'noop'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  // Never poll forever: a child that exits (port taken, broken build) or hangs fails the run.
  while ((await get(`http://127.0.0.1:${port}/identity/v3`)) !== 200) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`pier up exited ${child.exitCode ?? child.signalCode} before answering: ${err}`);
    if (performance.now() - t0 > 30_000) {
      child.kill('SIGKILL');
      throw new Error(`pier up did not answer within 30 s: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const ms = performance.now() - t0;
  await new Promise((done) => { child.once('exit', done); child.kill('SIGTERM'); });
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchIdentity(store: 'sqlite' | 'postgres'): Promise<Record<string, number>> {
  const p = await startPierProcess(store, ['--log-level', 'warn']);
  try {
    const body = JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: ADMIN_PASSWORD } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } });
    const issue = await autocannon({ url: `${p.url}/identity/v3/auth/tokens?nocatalog`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: 4, duration: 3 });
    const token = await tokenFor(p.url, 'admin', ADMIN_PASSWORD, 'admin');
    const subject = await tokenFor(p.url, 'admin', ADMIN_PASSWORD, 'admin');
    const validate = await autocannon({
      url: `${p.url}/identity/v3/auth/tokens?nocatalog`, headers: { 'x-auth-token': token, 'x-subject-token': subject }, connections: 16, duration: 5,
    });
    if (validate.non2xx || issue.non2xx) throw new Error(`non-2xx answers: issue ${issue.non2xx}, validate ${validate.non2xx}`);
    let startMs = NaN;
    if (store === 'sqlite') {
      const port = Number(new URL(p.url).port);
      await p.stop();
      const runs = [];
      for (let i = 0; i < 5; i++) runs.push(await startLatency(p.dataDir, port));
      startMs = median(runs);
    }
    return {
      'token issue/s (password, scrypt)': Math.round(issue.requests.average),
      'token validate/s (GET /v3/auth/tokens)': Math.round(validate.requests.average),
      'validate p99 ms': validate.latency.p99,
      ...(store === 'sqlite' ? { 'start to first 200 ms (existing data dir, median of 5)': Math.round(startMs) } : {}),
    };
  } finally {
    await p.cleanup();
  }
}
