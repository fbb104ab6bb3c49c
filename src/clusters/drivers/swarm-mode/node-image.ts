// The swarm node image: a `docker save` archive (one layer) whose process is pier-swarm-node
// (swarm/, Go, standard library only, built here with the machine's Go toolchain). Its root
// filesystem holds Debian's docker.io (dockerd, docker, docker-init, docker-proxy), containerd
// with its shim, runc and iptables (nft backend, with its extensions), each with the shared
// libraries ldd names, busybox, and a busybox image for tasks (no registry). Built into
// <cache>/images/ and reused while its inputs are the same. Nothing here talks to Glance.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { busyboxArchive, dockerArchive } from '../kubernetes/busybox-image.js';
import { cacheDir } from '../kubernetes/node-image.js';
import { copyBinaries, installBusybox, withLibraries, writeFiles } from '../node-rootfs.js';

/** Bumped when what the builder puts in the image changes in a way the inputs do not show. */
const BUILDER = 'pier-swarm-node/1';
const XTABLES = '/usr/lib/x86_64-linux-gnu/xtables';
const BINARIES = ['/usr/sbin/dockerd', '/usr/bin/docker', '/usr/bin/docker-init', '/usr/sbin/docker-proxy', '/usr/bin/containerd',
  '/usr/bin/containerd-shim-runc-v2', '/usr/sbin/runc', '/usr/sbin/xtables-nft-multi'];
const IPTABLES = ['iptables', 'iptables-save', 'iptables-restore', 'ip6tables', 'ip6tables-save', 'ip6tables-restore'];
/** The images each node's dockerd loads at boot: busybox for services (`docker service create pier.local/busybox:1 …`). */
export const SWARM_IMAGES = [{ ref: 'pier.local/busybox:1', cmd: ['/bin/sh'] }];
const NODE_PATH = 'PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface SwarmImageBuild {
  /** The archive (container_format docker, disk_format raw). */
  path: string;
  /** What it was built from: equal hashes, equal images. */
  hash: string;
  /** Docker's version (dockerd --version). */
  dockerVersion: string;
  size: number;
  reused: boolean;
  seconds: number;
}

/** The Pier tree this code runs from: the first ancestor with swarm/go.mod (the node program's source). */
function swarmSource(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'swarm', 'go.mod')) && dirname(dir) !== dir) dir = dirname(dir);
  return existsSync(join(dir, 'swarm', 'go.mod')) ? join(dir, 'swarm') : undefined;
}

const goBinary = () => process.env.GO ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go');

/** The configuration files baked in, path → text. */
function bakedFiles(): Record<string, string> {
  return {
    'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
    'etc/group': 'root:x:0:\ndocker:x:999:\nnogroup:x:65534:\n',
    'etc/hosts': '127.0.0.1 localhost\n::1 localhost\n',
    // No DNS server is reachable (nor wanted): containers get this file.
    'etc/resolv.conf': 'nameserver 127.0.0.1\n',
    'etc/os-release': 'NAME="Pier Swarm node"\nID=pier-swarm\nPRETTY_NAME="Pier Docker Swarm node (Debian userland)"\n',
    'etc/machine-id': '', // pier-swarm-node writes the server's id
  };
}

/** Builds the swarm node image (or finds it built). */
export function buildSwarmImage(o: { cache?: string; progress?: (line: string) => void } = {}): SwarmImageBuild {
  const t0 = performance.now();
  const say = o.progress ?? (() => {});
  const src = swarmSource();
  if (!src) throw new Error('no swarm/ (the node program\'s source) above this file: run from a Pier tree');
  const missing = [...BINARIES, XTABLES, '/bin/busybox'].filter((f) => !existsSync(f));
  if (missing.length) throw new Error(`missing on this host: ${missing.join(', ')} (Debian packages docker.io, containerd, runc, iptables, busybox-static)`);
  const dockerVersion = /version (\S+?),?\s/.exec(execFileSync('/usr/sbin/dockerd', ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
  const xtables = readdirSync(XTABLES).map((f) => join(XTABLES, f));
  const inputs = ['/bin/busybox', ...BINARIES.flatMap(withLibraries), ...xtables];
  const files = bakedFiles();
  const h = createHash('sha256').update(`${BUILDER}\n${dockerVersion}\n`);
  for (const f of [...new Set(inputs)].sort()) { const s = statSync(f); h.update(`${f} ${s.size} ${s.mtimeMs}\n`); }
  for (const f of readdirSync(src).filter((x) => (x.endsWith('.go') && !x.endsWith('_test.go')) || x === 'go.mod').sort()) h.update(`${f}\n${readFileSync(join(src, f), 'utf8')}\n`);
  for (const [p, text] of Object.entries(files)) h.update(`${p}\n${text}\n`);
  const hash = h.digest('hex').slice(0, 16);
  const cache = o.cache ?? cacheDir();
  const dir = join(cache, 'images');
  const out = join(dir, `pier-swarm-${dockerVersion}-${hash}.tar`);
  if (existsSync(out)) {
    say(`swarm node image ${out} is built already (inputs unchanged)`);
    return { path: out, hash, dockerVersion, size: statSync(out).size, reused: true, seconds: (performance.now() - t0) / 1000 };
  }
  mkdirSync(dir, { recursive: true });
  const work = join(dir, `.build-swarm-${process.pid}-${Date.now()}`);
  try {
    const root = join(work, 'rootfs');
    for (const d of ['bin', 'proc', 'sys', 'dev', 'run', 'tmp', 'var/lib', 'var/log', 'root', 'mnt/config', 'etc/docker', 'opt/pier', 'usr/local/bin', 'usr/sbin']) mkdirSync(join(root, d), { recursive: true });
    chmodSync(join(root, 'tmp'), 0o1777);
    say('building pier-swarm-node (swarm/, Go)');
    const gocache = join(cache, 'swarm', 'go-cache');
    mkdirSync(gocache, { recursive: true });
    execFileSync(goBinary(), ['build', '-trimpath', '-buildvcs=false', '-ldflags=-s -w', '-o', join(root, 'usr/local/bin/pier-swarm-node'), '.'], {
      cwd: src, stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOCACHE: gocache, GOFLAGS: '-mod=mod', GOPATH: join(cache, 'swarm', 'go-path') },
    });
    say(`copying ${BINARIES.length} Debian binaries (Docker ${dockerVersion}) with their libraries, and iptables' extensions`);
    copyBinaries(root, [...BINARIES, ...xtables]);
    for (const c of IPTABLES) symlinkSync('xtables-nft-multi', join(root, 'usr/sbin', c));
    installBusybox(root);
    writeFiles(root, files);
    say('making the busybox image for tasks');
    renameSync(busyboxArchive(join(work, 'task-images'), SWARM_IMAGES), join(root, 'opt/pier/images.tar'));
    say('writing the archive');
    const tmp = join(work, 'image.tar');
    dockerArchive(root, join(work, 'archive'), tmp, [{ ref: `pier.local/swarm-node:${dockerVersion}-${hash}`, cmd: ['/usr/local/bin/pier-swarm-node'], env: [NODE_PATH] }]);
    // Older builds go: one image per cache is what a host needs. The same
    // build made at once by another process is replaced by the rename, never missing meanwhile.
    for (const old of readdirSync(dir).filter((f) => f.startsWith('pier-swarm-') && f.endsWith('.tar') && join(dir, f) !== out)) rmSync(join(dir, old), { force: true });
    renameSync(tmp, out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const seconds = (performance.now() - t0) / 1000;
  say(`built ${out} in ${seconds.toFixed(1)} s`);
  return { path: out, hash, dockerVersion, size: statSync(out).size, reused: false, seconds };
}
