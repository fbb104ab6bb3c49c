// The `pier` CNI plugin as runtimes run it: installed with `pier cni install` into a directory
// of the test's own, then executed with the CNI_* environment and a network config on stdin.
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../../../bin/pier.js');

/** Runs `pier cni install --dir DIR` (the real command); throws with its output when it fails. */
export function installCniPlugin(dir: string, env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'cni', 'install', '--dir', dir], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface CniInvocation {
  command: string;
  containerId?: string;
  netns?: string;
  ifname?: string;
  args?: string;
  /** Extra or overriding environment (a value of undefined removes the variable). */
  env?: Record<string, string | undefined>;
}

export interface CniOutcome {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as JSON, when it is. */
  json?: any;
}

/**
 * Executes the plugin once, as a runtime does: environment, config on stdin, result on stdout.
 * Asynchronous: the Pier it talks to may run in this very process.
 */
export function invokeCni(plugin: string, inv: CniInvocation, config: unknown): Promise<CniOutcome> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', CNI_COMMAND: inv.command, CNI_PATH: resolve(plugin, '..') };
  if (inv.containerId !== undefined) env.CNI_CONTAINERID = inv.containerId;
  if (inv.netns !== undefined) env.CNI_NETNS = inv.netns;
  if (inv.ifname !== undefined) env.CNI_IFNAME = inv.ifname;
  if (inv.args !== undefined) env.CNI_ARGS = inv.args;
  for (const [k, v] of Object.entries(inv.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((done, fail) => {
    const child = spawn(plugin, [], { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('error', fail);
    child.on('close', (code) => {
      let json: unknown;
      try { json = stdout.trim() ? JSON.parse(stdout) : undefined; } catch { /* not JSON: the test says so */ }
      done({ code: code ?? -1, stdout, stderr, json });
    });
    child.stdin.end(typeof config === 'string' ? config : JSON.stringify(config));
  });
}
