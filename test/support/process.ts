// Pier as users run it: `node bin/pier.js up` in a child process, and the Debian `openstack`
// CLI pointed at it through the clouds.yaml Pier wrote.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess, type ExecFileException } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ADMIN_PASSWORD, DEMO_PASSWORD, freshDatabase } from './pier.js';

const BIN = resolve(import.meta.dirname, '../../../bin/pier.js');

export interface PierProcess {
  url: string;
  dataDir: string;
  /** The PostgreSQL database it uses (undefined on the embedded store). */
  databaseUrl?: string;
  clouds: string;
  child: ChildProcess;
  /** SIGTERM and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Starts it again on the same data dir, database and port. */
  restart(): Promise<void>;
  cleanup(): Promise<void>;
}

export interface ProcessOptions {
  /**
   * Join another Pier's state instead of starting fresh: its data dir and (PostgreSQL) its
   * database URL, e.g. `{ dataDir: first.dataDir, databaseUrl: first.databaseUrl }`. What is
   * shared is the first process's to clean up; this one's `cleanup` only stops it.
   */
  dataDir?: string;
  databaseUrl?: string;
}

export async function startPierProcess(store: 'sqlite' | 'postgres' = 'sqlite', extraArgs: string[] = [], options: ProcessOptions = {}): Promise<PierProcess> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pier-proc-'));
  const db = store === 'postgres' && options.databaseUrl === undefined ? await freshDatabase() : undefined;
  if (store === 'postgres' && !db && options.databaseUrl === undefined) throw new Error('PIER_TEST_DATABASE_URL is not set');
  const databaseUrl = store === 'postgres' ? options.databaseUrl ?? db?.url : undefined;
  // The noop dataplane unless a test asks for a real one: parallel suites must not share kernel state.
  const dataplane = extraArgs.includes('--dataplane') ? [] : ['--dataplane', 'noop'];
  // The fake compute runtime unless a test asks for runc (which needs root and a real dataplane).
  if (!extraArgs.includes('--compute')) dataplane.push('--compute', 'fake');
  // No CNI endpoint unless asked for: the default socket path is one per host.
  if (!extraArgs.includes('--cni-socket')) dataplane.push('--cni-socket', 'none');
  // No Docker plugin unless a test asks: suites side by side must not share /run/docker/plugins/kuryr.sock.
  if (!extraArgs.includes('--docker-plugin')) dataplane.push('--docker-plugin', 'none');
  const args = ['up', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn', ...dataplane, ...(databaseUrl ? ['--database', databaseUrl] : []), ...extraArgs];
  const p: PierProcess = {
    url: '', dataDir, databaseUrl, clouds: join(dataDir, 'clouds.yaml'), child: undefined as unknown as ChildProcess,
    stop: () => new Promise((done) => {
      // Already gone (exited, or killed by a signal as the crash tests do).
      if (p.child.exitCode !== null || p.child.signalCode !== null) return done(p.child.exitCode);
      p.child.once('exit', (code) => done(code));
      p.child.kill('SIGTERM');
    }),
    async restart() {
      await p.stop();
      await launch(['up', '--port', new URL(p.url).port, ...args.slice(3)]);
    },
    async cleanup() {
      await p.stop();
      await db?.drop();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const launch = (argv: string[]) => new Promise<void>((ready, fail) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      env: { ...process.env, PIER_ADMIN_PASSWORD: ADMIN_PASSWORD, PIER_DEMO_PASSWORD: DEMO_PASSWORD },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    p.child = child;
    let err = '';
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) { p.url = m[1]!; ready(); }
    });
    child.once('exit', (code) => fail(new Error(`pier up exited ${code}: ${err}`)));
  });
  await launch(args);
  return p;
}

export interface CliResult { code: number; stdout: string; stderr: string }

const CLI_TIMEOUT_MS = 120_000; // the python CLI alone can take tens of seconds on a loaded 2-core machine

/** A finished CLI run; one killed at its time limit says so (it would exit 1 with nothing to say). */
function result(error: ExecFileException | null, stdout: string, stderr: string): CliResult {
  if (error?.killed) return { code: 1, stdout, stderr: `${stderr}(killed: no answer within ${CLI_TIMEOUT_MS / 1000} s)` };
  return { code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr };
}

/** Runs `openstack …args` with only `env` for credentials (no clouds.yaml). */
export function openstackBare(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((done) => {
    execFile('openstack', args, { env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/root', ...env }, timeout: CLI_TIMEOUT_MS },
      (error, stdout, stderr) => done(result(error, stdout, stderr)));
  });
}

/** Runs `openstack --os-cloud <cloud> …args`; never throws on a non-zero exit. */
export function openstack(p: PierProcess, args: string[], cloud = 'pier', env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((done) => {
    execFile('openstack', ['--os-cloud', cloud, ...args], {
      env: { ...process.env, OS_CLIENT_CONFIG_FILE: p.clouds, ...env }, timeout: CLI_TIMEOUT_MS,
    }, (error, stdout, stderr) => done(result(error, stdout, stderr)));
  });
}

/** A command that must succeed: fails the test with the CLI's stderr when it exits non-zero. */
export async function openstackOk(p: PierProcess, args: string[], cloud = 'pier', env: Record<string, string> = {}): Promise<CliResult> {
  const r = await openstack(p, args, cloud, env);
  assert.equal(r.code, 0, `openstack ${args.join(' ')} → exit ${r.code}: ${r.stderr.trim()}`);
  return r;
}

/** `openstack … -f json`, parsed; fails the test with the CLI's stderr when it exits non-zero. */
export async function openstackJson<T = any>(p: PierProcess, args: string[], cloud = 'pier', env: Record<string, string> = {}): Promise<T> {
  const r = await openstack(p, [...args, '-f', 'json'], cloud, env);
  if (r.code !== 0) throw new Error(`openstack ${args.join(' ')} → exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
