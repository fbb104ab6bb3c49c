// `pier up`: start Pier in the foreground until Ctrl-C / SIGTERM.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataplaneConfig, defaultDriverChoice } from '../dataplane/index.js';
import { computeModule, defaultComputeChoice } from '../compute/index.js';
import { DEFAULT_CNI_SOCKET, defaultDockerPlugin, pluginSocket } from '../kuryr/index.js';
import { DEFAULT_PORT, StartupError, startPier } from '../pier.js';
import { writeCloudsYaml } from './clouds-yaml.js';

const HELP = `Usage: pier up [options]

Starts Pier: every OpenStack API on one port, state in an embedded store
(or a PostgreSQL server), in the foreground until Ctrl-C.

Options:
  --host ADDR        address to listen on (default 127.0.0.1)
  --port N           the one port for all services (default ${DEFAULT_PORT}; 0 picks a free one)
  --data-dir DIR     state, keys and clouds.yaml (default $PIER_DATA_DIR or ./.pier)
  --database URL     postgres://user:pass@host/db to use a PostgreSQL server
                     instead of the embedded store (default $PIER_DATABASE_URL)
  --token-ttl SEC    token lifetime in seconds (default 3600)
  --dataplane NAME   network driver: linuxbridge (default as root on Linux), routed
                     (Calico style: /32 routes, no L2), or noop (default otherwise:
                     touches nothing, ports go ACTIVE when bound)
  --dataplane-namespace NS
                     Pier's own network namespace for bridges (default pier-dp);
                     routers are NS-r-<router id>
  --physnet NAME[=CIDR]
                     a physical network, linked to the host by a veth; CIDR goes on
                     the host side (repeatable; default public=172.24.4.1/24 physnet1)
  --vtep ADDR        local VXLAN endpoint address (default 127.0.0.1)
  --vxlan-peer ADDR  another host's VXLAN endpoint (repeatable)
  --host-id NAME     this host's name in binding:host_id (default the hostname)
  --compute NAME     compute runtime: runc (default as root with a real dataplane:
                     servers are runc containers on Pier networks) or fake
                     (default otherwise: no processes, API only)
  --cni-socket PATH|none
                     where the pier CNI plugin reaches this Pier (default
                     ${DEFAULT_CNI_SOCKET} as root with a real dataplane, else none)
  --docker-plugin NAME|none
                     serve Docker as the libnetwork network and IPAM driver NAME
                     (docker network create -d NAME --ipam-driver NAME); default
                     kuryr as root with a real dataplane, else none
  --docker-socket-dir DIR
                     where the plugin's socket NAME.sock goes (default
                     /run/docker/plugins, where Docker looks for it)
  --docker-spec-dir DIR
                     also write DIR/NAME.spec pointing at the socket (Docker
                     reads /etc/docker/plugins); default none
  --kuryr-project NAME, --kuryr-user NAME
                     the project and user (Default domain) Docker's networks and
                     ports belong to (default admin, admin)
  --log-level LEVEL  fatal|error|warn|info|debug (default info; JSON lines on stdout)
  -h, --help         this text

Environment:
  PIER_ADMIN_PASSWORD, PIER_DEMO_PASSWORD   passwords for the users made on first start
                                            (otherwise generated and printed once)
`;

export async function up(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: String(DEFAULT_PORT) },
        'data-dir': { type: 'string', default: process.env.PIER_DATA_DIR ?? './.pier' },
        database: { type: 'string', default: process.env.PIER_DATABASE_URL },
        'token-ttl': { type: 'string', default: '3600' },
        'log-level': { type: 'string', default: 'info' },
        dataplane: { type: 'string' },
        compute: { type: 'string' },
        'dataplane-namespace': { type: 'string' },
        physnet: { type: 'string', multiple: true },
        vtep: { type: 'string' },
        'vxlan-peer': { type: 'string', multiple: true },
        'host-id': { type: 'string' },
        'cni-socket': { type: 'string' },
        'docker-plugin': { type: 'string' },
        'docker-socket-dir': { type: 'string' },
        'docker-spec-dir': { type: 'string' },
        'kuryr-project': { type: 'string' },
        'kuryr-user': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    process.stderr.write(`pier up: ${(err as Error).message}\n${HELP}`);
    return 2;
  }
  if (args.help) { process.stdout.write(HELP); return 0; }
  const port = Number(args.port);
  const tokenTtl = Number(args['token-ttl']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return fail(`--port must be a port number, not '${args.port}'`, 2);
  if (!Number.isInteger(tokenTtl) || tokenTtl < 1) return fail(`--token-ttl must be a positive number of seconds`, 2);
  const dataDir = resolve(args['data-dir']!);
  const dataplane = defaultDataplaneConfig();
  if (args.dataplane !== undefined) {
    if (args.dataplane !== 'noop' && args.dataplane !== 'linuxbridge' && args.dataplane !== 'routed') return fail(`--dataplane must be noop, linuxbridge or routed, not '${args.dataplane}'`, 2);
    if (args.dataplane !== 'noop' && process.getuid?.() !== 0) return fail(`--dataplane ${args.dataplane} needs root`, 2);
    dataplane.driver = args.dataplane;
  }
  if (args['dataplane-namespace']) dataplane.namespace = args['dataplane-namespace'];
  if (args.vtep) dataplane.vtep = args.vtep;
  if (args['vxlan-peer']) dataplane.vxlanPeers = args['vxlan-peer'];
  if (args['host-id']) dataplane.hostId = args['host-id'];
  if (args.physnet) {
    dataplane.physnets = {};
    for (const spec of args.physnet) {
      const [name, cidr] = spec.split('=', 2) as [string, string?];
      if (!/^[A-Za-z0-9_-]{1,12}$/.test(name)) return fail(`--physnet name '${name}' must be 1-12 letters, digits, _ or -`, 2);
      dataplane.physnets[name] = cidr ? { hostAddress: cidr } : {};
    }
  }

  if (args.compute !== undefined && args.compute !== 'fake' && args.compute !== 'runc') return fail(`--compute must be fake or runc, not '${args.compute}'`, 2);
  if (args.compute === 'runc' && process.getuid?.() !== 0) return fail('--compute runc needs root', 2);
  if (args.compute === 'runc' && args.dataplane === 'noop') return fail('--compute runc needs a dataplane that plugs ports (linuxbridge or routed)', 2);
  const compute = args.compute ? { driver: args.compute as 'fake' | 'runc' } : undefined;
  const cniSocket = args['cni-socket'] ?? (process.getuid?.() === 0 && dataplane.driver !== 'noop' ? DEFAULT_CNI_SOCKET : 'none');
  if (cniSocket !== 'none' && !cniSocket.startsWith('/')) return fail(`--cni-socket must be an absolute path or none, not '${cniSocket}'`, 2);

  const pluginName = args['docker-plugin'] ?? (process.getuid?.() === 0 && dataplane.driver !== 'noop' ? defaultDockerPlugin().name : 'none');
  if (pluginName !== 'none' && !/^[A-Za-z0-9_.-]{1,64}$/.test(pluginName)) return fail(`--docker-plugin must be a name (letters, digits, _ . -) or none, not '${pluginName}'`, 2);
  if (pluginName !== 'none' && dataplane.driver === 'noop') return fail('--docker-plugin needs a dataplane that plugs ports (linuxbridge or routed)', 2);
  const docker = pluginName === 'none' ? undefined : {
    ...defaultDockerPlugin(), name: pluginName,
    ...(args['docker-socket-dir'] ? { socketDir: resolve(args['docker-socket-dir']) } : {}),
    ...(args['docker-spec-dir'] ? { specDir: resolve(args['docker-spec-dir']) } : {}),
  };
  const kuryr = {
    ...(args['kuryr-project'] ? { project: args['kuryr-project'] } : {}), ...(args['kuryr-user'] ? { user: args['kuryr-user'] } : {}),
    docker, ...(cniSocket === 'none' ? {} : { cni: { socket: cniSocket } }),
  };

  let pier;
  try {
    pier = await startPier({
      host: args.host!, port, dataDir, databaseUrl: args.database, logLevel: args['log-level']!, dataplane, compute, kuryr,
      identity: { tokenTtl, adminPassword: process.env.PIER_ADMIN_PASSWORD, demoPassword: process.env.PIER_DEMO_PASSWORD },
    });
  } catch (err) {
    if (err instanceof StartupError) return fail(err.message, 1);
    return fail(`failed to start: ${(err as Error).message}`, 1);
  }
  const clouds = writeCloudsYaml(dataDir, `${pier.url}/identity/v3`, pier.knownPasswords);
  const lines = [`Pier is listening on ${pier.url} (store: ${pier.store.kind}, data: ${dataDir}, dataplane: ${dataplane.driver}, compute: ${pier.get(computeModule).driver.name}${kuryr.cni ? `, CNI: ${kuryr.cni.socket}` : ''})`];
  const dpChoice = defaultDriverChoice();
  if (args.dataplane === undefined && dpChoice.reason) lines.push(`The noop dataplane is in use, ${dpChoice.reason} (no packets flow; ports go ACTIVE when bound).`);
  const computeChoice = defaultComputeChoice(dataplane.driver);
  if (args.compute === undefined && computeChoice.reason) lines.push(`The fake compute runtime is in use, ${computeChoice.reason} (servers run no processes).`);
  if (docker) lines.push(`Docker plugin ${docker.name} on ${pluginSocket(docker)}: docker network create -d ${docker.name} --ipam-driver ${docker.name} --subnet CIDR NAME`);
  if (pier.generatedPasswords.admin) lines.push(`Generated admin password (shown once, also in clouds.yaml): ${pier.generatedPasswords.admin}`);
  lines.push(`  export OS_CLIENT_CONFIG_FILE=${clouds}`, '  openstack --os-cloud pier token issue');
  process.stderr.write(`${lines.join('\n')}\n`);

  await new Promise<void>((done) => {
    const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); done(); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await pier.close();
  return 0;
}

function fail(message: string, code: number): number {
  process.stderr.write(`pier: ${message}\n`);
  return code;
}
