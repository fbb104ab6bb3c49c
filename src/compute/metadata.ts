// The metadata service a server reaches at http://169.254.169.254, as Neutron's per-namespace
// metadata proxy gives it: 169.254.169.254/32 on the loopback of the server's own network
// namespace, and Debian's busybox httpd (run in that namespace, files on the host) serving
// that server's OpenStack (`/openstack/latest/meta_data.json`, `user_data`) and EC2-style
// (`/latest/meta-data/…`, `/latest/user-data`) documents. Only the server's namespace can
// reach it, so each server sees its own data. Started after its ports are plugged; survives a
// Pier restart like the container does; stopped with the server.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerSpec } from './runtime/driver.js';

export const METADATA_IP = '169.254.169.254';
const BUSYBOX = '/bin/busybox';

function put(root: string, path: string, body: string | Buffer): void {
  const file = join(root, path);
  mkdirSync(join(file, '..'), { recursive: true });
  // Beside it, then renamed: httpd may be serving the old one this moment (never a truncated file).
  writeFileSync(`${file}.tmp`, body);
  renameSync(`${file}.tmp`, file);
}

/** Writes the server's metadata documents under `dir` (idempotent; rewritten on every call). */
export function writeMetadata(dir: string, spec: ServerSpec, name: string): void {
  const ips = spec.ports.flatMap((p) => p.ips.filter((i) => i.version === 4).map((i) => i.address));
  const meta = {
    uuid: spec.id, name, hostname: spec.hostname, meta: spec.metadata, launch_index: 0, availability_zone: 'nova',
    public_keys: spec.keyData ? { default: spec.keyData } : {},
  };
  const userData = spec.userData === null ? undefined : Buffer.from(spec.userData, 'base64');
  for (const version of ['latest', '2013-10-17']) {
    put(dir, `openstack/${version}/meta_data.json`, JSON.stringify(meta));
    put(dir, `openstack/${version}/network_data.json`, JSON.stringify({ links: [], networks: [], services: [] }));
    if (userData) put(dir, `openstack/${version}/user_data`, userData);
  }
  put(dir, 'openstack/index.html', 'latest\n2013-10-17\n');
  const ec2: Record<string, string> = {
    'instance-id': spec.id, hostname: spec.hostname, 'local-hostname': spec.hostname, 'local-ipv4': ips[0] ?? '',
    'public-keys/0/openssh-key': spec.keyData ? `${spec.keyData.trim()}\n` : '', 'placement/availability-zone': 'nova',
  };
  for (const [k, v] of Object.entries(ec2)) put(dir, `latest/meta-data/${k}`, v);
  put(dir, 'latest/meta-data/index.html', `${Object.keys(ec2).map((k) => k.split('/')[0]).filter((k, i, a) => a.indexOf(k) === i).join('\n')}\n`);
  if (userData) put(dir, 'latest/user-data', userData);
}

const running = (pidFile: string): number | undefined => {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try { process.kill(pid, 0); return pid; } catch { return undefined; }
};

/** Makes sure the server's metadata service answers in `netns`; its files live in `dir`. */
const run = promisify(execFile);

export async function ensureMetadataService(dir: string, netns: string): Promise<string | undefined> {
  if (!existsSync(BUSYBOX)) return `${BUSYBOX} not found (busybox-static): no metadata service; the config drive is at /mnt/config`;
  const pidFile = `${dir}.pid`;
  if (running(pidFile)) return undefined;
  await run('ip', ['-n', netns, 'addr', 'replace', `${METADATA_IP}/32`, 'dev', 'lo']);
  const child = spawn('ip', ['netns', 'exec', netns, BUSYBOX, 'httpd', '-f', '-p', `${METADATA_IP}:80`, '-h', dir], { detached: true, stdio: 'ignore' });
  child.unref();
  if (child.pid) writeFileSync(pidFile, String(child.pid));
  return undefined;
}

export function stopMetadataService(dir: string): void {
  const pid = running(`${dir}.pid`);
  if (pid) { try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ } }
  rmSync(`${dir}.pid`, { force: true });
  rmSync(dir, { recursive: true, force: true });
}
