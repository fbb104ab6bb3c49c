// Kuryr's Docker plugin: the network driver and the IPAM driver, both under one name, served on
// `<socketDir>/<name>.sock` — which Docker finds by itself under /run/docker/plugins — and, when
// a spec directory is given, announced by `<specDir>/<name>.spec` (for a socket elsewhere).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KuryrContext } from '../context.js';
import { EndpointPorts } from './endpoint-ports.js';
import { ipamDriver } from './ipam-driver.js';
import { networkDriver } from './network-driver.js';
import { DockerNetworks } from './networks.js';
import { DockerPools } from './pools.js';
import { IMPLEMENTS } from './protocol.js';
import { servePlugin } from './server.js';

export interface DockerPluginConfig {
  /** The plugin's name: Docker's network driver and IPAM driver names (`-d NAME --ipam-driver NAME`). */
  name: string;
  /** Where the socket goes; Docker looks in /run/docker/plugins. */
  socketDir: string;
  /** Where to write a spec file pointing at the socket (Docker reads /etc/docker/plugins); none when undefined. */
  specDir?: string;
  /** `local`, or `global` for Swarm's global-scope networks. */
  scope: 'local' | 'global';
}

export const defaultDockerPlugin = (): DockerPluginConfig => ({ name: 'kuryr', socketDir: '/run/docker/plugins', scope: 'local' });

export const pluginSocket = (c: DockerPluginConfig) => join(c.socketDir, `${c.name}.sock`);

/** Starts serving Docker; `close` stops and removes the socket and spec file. */
export async function startDockerPlugin(k: KuryrContext, config: DockerPluginConfig): Promise<{ close(): Promise<void> }> {
  const pools = new DockerPools(k);
  const networks = new DockerNetworks(k, pools);
  const ports = new EndpointPorts(k);
  const socket = pluginSocket(config);
  const server = await servePlugin(k, socket, {
    'Plugin.Activate': () => ({ Implements: IMPLEMENTS }),
    ...networkDriver(k, networks, ports, config.scope),
    ...ipamDriver(k, pools, ports),
  });
  const spec = config.specDir ? join(config.specDir, `${config.name}.spec`) : undefined;
  if (spec) {
    mkdirSync(config.specDir!, { recursive: true });
    writeFileSync(spec, `unix://${socket}\n`);
  }
  k.log.info({ socket, spec }, `kuryr: serving Docker as network and IPAM driver ${config.name}`);
  return {
    async close() {
      await server.close();
      if (spec) rmSync(spec, { force: true });
    },
  };
}
