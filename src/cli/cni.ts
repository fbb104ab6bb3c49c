// `pier cni install --dir DIR`: puts the `pier` CNI plugin executable (built from cni/ by
// scripts/install.sh) into a runtime's CNI plugin directory, replacing an older copy atomically.
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_CNI_SOCKET } from '../kuryr/index.js';

const HELP = `Usage: pier cni install --dir DIR

Installs the \`pier\` CNI plugin as DIR/pier (e.g. /opt/cni/bin, /usr/lib/cni): a network
config with "type": "pier" then puts containers on a Pier (Neutron) network. The plugin asks
the Pier running on this host, at ${DEFAULT_CNI_SOCKET} unless the config names a "socket".

Example network config (e.g. /etc/cni/net.d/10-pier.conflist):
  {"cniVersion": "1.0.0", "name": "pier-net1",
   "plugins": [{"type": "pier", "network": "net1"}]}
Optional keys: "subnet" (name or id), "securityGroups" (names or ids), "socket" (path).
`;

/** The built plugin: $PIER_CNI_PLUGIN, or cni/bin/pier of the Pier tree this code runs from. */
export function builtPlugin(): string {
  if (process.env.PIER_CNI_PLUGIN) return process.env.PIER_CNI_PLUGIN;
  // dist/pier.cjs or dist/src/cli/cni.js: the tree is the first ancestor holding cni/go.mod.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'cni', 'go.mod')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'cni', 'bin', 'pier');
}

export async function cni(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    process.stderr.write(`pier cni: ${(err as Error).message}\n${HELP}`);
    return 2;
  }
  if (parsed.values.help) { process.stdout.write(HELP); return 0; }
  if (parsed.positionals[0] !== 'install' || parsed.positionals.length !== 1 || !parsed.values.dir) {
    process.stderr.write(HELP);
    return 2;
  }
  const source = builtPlugin();
  if (!existsSync(source)) {
    process.stderr.write(`pier cni install: the CNI plugin is not built (no ${source}); build it with \`bash scripts/install.sh\`, which needs Go (/usr/local/go or go on PATH)\n`);
    return 1;
  }
  const dir = resolve(parsed.values.dir);
  const target = join(dir, 'pier');
  try {
    mkdirSync(dir, { recursive: true });
    // A copy beside it, then a rename: a runtime may be running the old one right now.
    const tmp = `${target}.${process.pid}.tmp`;
    copyFileSync(source, tmp);
    chmodSync(tmp, 0o755);
    renameSync(tmp, target);
  } catch (err) {
    process.stderr.write(`pier cni install: cannot install into ${dir}: ${(err as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`Installed ${target}\n`);
  return 0;
}
