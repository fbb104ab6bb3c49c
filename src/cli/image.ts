// `pier image build kubernetes|swarm`: builds a Magnum node image (or finds it built) and puts
// it into the Glance of a running Pier as a public image, authenticating as a clouds.yaml cloud's
// admin. Progress on stderr; the image id last, on stdout.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { buildNodeImage, defaultKubeBin } from '../clusters/drivers/kubernetes/node-image.js';
import { importNodeImage, type NodeImageKind } from '../clusters/drivers/kubernetes/node-image-import.js';
import { SWARM_OS_DISTRO } from '../clusters/drivers/os-distro.js';
import { buildSwarmImage } from '../clusters/drivers/swarm-mode/node-image.js';

const HELP = `Usage: pier image build kubernetes|swarm [options]

kubernetes: builds the Kubernetes node image — Debian's containerd, runc and CNI plugins,
busybox, the kube binary of scripts/build-kubernetes.sh (Kubernetes from the upstream Go
modules), the pause and busybox images for pods — and uploads it to Glance as a public image
with os_distro=pier-kubernetes.
swarm: builds the Docker Swarm node image — Debian's docker.io (dockerd, docker CLI, containerd,
runc, iptables), busybox, pier-swarm-node (swarm/, built with the machine's Go), a busybox image
for services — and uploads it with os_distro=${SWARM_OS_DISTRO} (COE swarm-mode).
A build or an upload of the same inputs is reused.

Options:
  --kube-bin DIR   kubernetes: the kube binary's directory (default $PIER_KUBE_BIN, else
                   $PIER_CACHE_DIR/kubernetes/<version>/bin)
  --cache-dir DIR  where the archive is kept (default $PIER_CACHE_DIR or /var/cache/pier)
  --os-cloud NAME  the cloud in clouds.yaml to upload to, as its (admin) user
                   (default $OS_CLOUD or pier)
  --clouds FILE    clouds.yaml (default $OS_CLIENT_CONFIG_FILE, ./.pier/clouds.yaml,
                   ~/.config/openstack/clouds.yaml, /etc/openstack/clouds.yaml)
  --no-upload      only build the archive (prints its path)
  -h, --help       this text
`;

interface Cloud { auth: { auth_url: string; username: string; password: string; project_name: string; user_domain_name?: string; project_domain_name?: string }; interface?: string }

function findCloud(file: string | undefined, name: string): Cloud {
  const candidates = file ? [file] : [process.env.OS_CLIENT_CONFIG_FILE, './.pier/clouds.yaml', join(homedir(), '.config/openstack/clouds.yaml'), '/etc/openstack/clouds.yaml'];
  const found = candidates.find((f): f is string => !!f && existsSync(f));
  if (!found) throw new Error(`no clouds.yaml (looked at ${candidates.filter(Boolean).join(', ')}); \`pier up\` writes one in its data dir`);
  const cloud = (parse(readFileSync(found, 'utf8')) as { clouds?: Record<string, Cloud> } | null)?.clouds?.[name];
  if (!cloud?.auth?.auth_url) throw new Error(`${found} has no cloud '${name}'`);
  return cloud;
}

/** A project-scoped token and the catalog's image endpoint. */
async function login(cloud: Cloud): Promise<{ token: string; endpoint: string }> {
  const a = cloud.auth;
  const r = await fetch(`${a.auth_url.replace(/\/$/, '')}/auth/tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: {
      identity: { methods: ['password'], password: { user: { name: a.username, domain: { name: a.user_domain_name ?? 'Default' }, password: a.password } } },
      scope: { project: { name: a.project_name, domain: { name: a.project_domain_name ?? 'Default' } } },
    } }),
  });
  if (r.status !== 201) throw new Error(`authentication as ${a.username} failed: ${r.status} ${await r.text()}`);
  const body = await r.json() as { token: { catalog: { type: string; endpoints: { interface: string; url: string }[] }[] } };
  const want = cloud.interface ?? 'public';
  const endpoint = body.token.catalog.find((s) => s.type === 'image')?.endpoints.find((e) => e.interface === want)?.url;
  if (!endpoint) throw new Error('the catalog has no image endpoint');
  return { token: r.headers.get('x-subject-token')!, endpoint };
}

export async function image(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: {
      'kube-bin': { type: 'string' }, 'cache-dir': { type: 'string' }, 'os-cloud': { type: 'string' }, clouds: { type: 'string' },
      'no-upload': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    } });
  } catch (err) {
    process.stderr.write(`pier image: ${(err as Error).message}\n${HELP}`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) { process.stdout.write(HELP); return 0; }
  const what = parsed.positionals.join(' ');
  if (what !== 'build kubernetes' && what !== 'build swarm') { process.stderr.write(HELP); return 2; }
  const say = (line: string) => process.stderr.write(`pier image: ${line}\n`);
  try {
    const cache = v['cache-dir'] && resolve(v['cache-dir']);
    let build: { path: string; hash: string; size: number; reused: boolean; seconds: number; kubeVersion?: string };
    let kind: NodeImageKind | undefined;
    if (what === 'build swarm') {
      const b = buildSwarmImage({ cache, progress: say });
      build = b;
      kind = { name: `pier-swarm-${b.dockerVersion}`, osDistro: SWARM_OS_DISTRO, properties: { docker_version: b.dockerVersion } };
    } else build = buildNodeImage({ kubeBin: v['kube-bin'] ? resolve(v['kube-bin']) : defaultKubeBin(), cache, progress: say });
    say(`node image: ${build.path} (${Math.round(build.size / 1048576)} MiB), ${build.reused ? 'reused' : 'built'} in ${build.seconds.toFixed(1)} s`);
    if (v['no-upload']) { process.stdout.write(`${build.path}\n`); return 0; }
    const target = await login(findCloud(v.clouds, v['os-cloud'] ?? process.env.OS_CLOUD ?? 'pier'));
    const done = await importNodeImage(target, build, say, kind);
    say(`Glance image ${done.id} ${done.reused ? 'reused' : `uploaded in ${done.seconds.toFixed(1)} s`}`);
    process.stdout.write(`${done.id}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`pier image ${what}: ${(err as Error).message}\n`);
    return 1;
  }
}
