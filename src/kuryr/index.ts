// Kuryr: Docker (libnetwork remote network + IPAM driver) and CNI containers on Neutron networks.
// Agent-side adapters over the Networking service functions and this host's dataplane plugging;
// they act as a configured project and user, with the API's policy. The only import surface.
import type { Logger } from 'pino';
import { computeModule } from '../compute/index.js';
import { defineModule, ModuleError } from '../core/module.js';
import { dataplaneModule, portPlugger } from '../dataplane/index.js';
import { identityModule } from '../identity/index.js';
import { networkingModule } from '../networking/index.js';
import { serveCni } from './cni/endpoint.js';
import type { KuryrContext } from './context.js';
import { defaultDockerPlugin, startDockerPlugin, type DockerPluginConfig } from './libnetwork/plugin.js';
import { NODE_SOCKET, NodeSockets } from './nested/node-sockets.js';

export interface KuryrConfig {
  /** The project and user (Default domain) Kuryr acts for. */
  project: string;
  user: string;
  /**
   * The CNI endpoint the `pier` CNI plugin talks to (a unix socket), or none. With it, each
   * container-host server (metadata `kuryr:nested` = `true`) gets a socket of its own at
   * `nodeSocket` inside it (default /run/pier/cni.sock): nested mode, for its pods.
   */
  cni?: { socket: string; nodeSocket?: string };
  /** Serve Docker as a libnetwork network and IPAM driver (defaults fill what is not given); off when undefined. */
  docker?: Partial<DockerPluginConfig>;
}

/** Where the `pier` CNI plugin looks for Pier unless its network config names a `socket`. */
export const DEFAULT_CNI_SOCKET = '/run/pier/cni.sock';

/** Something an adapter serves while Pier runs (a unix socket). */
export interface KuryrEndpoint { close(): Promise<void> }

/** What the module gives: the adapters' context, and the container-host servers' sockets when nested mode runs. */
export interface Kuryr extends KuryrContext { nodeSockets?: NodeSockets }

export const kuryrModule = defineModule<Kuryr, KuryrConfig>({
  name: 'kuryr',
  roles: ['agent'],
  requires: [identityModule, networkingModule, dataplaneModule],
  uses: [computeModule],
  create(env) {
    const dataplane = env.get(dataplaneModule);
    const config: KuryrConfig = { project: 'admin', user: 'admin', ...env.config };
    const actAs = env.get(identityModule).actAs(config.user, config.project);
    const networking = env.get(networkingModule);
    const compute = env.find(computeModule);
    const runtime = compute?.driver.initPid ? compute.driver : undefined;
    const ctx: KuryrContext = {
      networking, plugger: portPlugger(dataplane), host: dataplane.host, log: env.logger.child({ module: 'kuryr' }) as Logger,
      caller: async () => networking.callerFor(await actAs()),
      ...(runtime ? { nodes: { initPid: (id: string) => runtime.initPid!(id) } } : {}),
    };
    const endpoints: KuryrEndpoint[] = [];
    // Nested mode needs servers with processes (runc) and a dataplane that plugs.
    const nodes = config.cni && compute && runtime && dataplane.driver.name !== 'noop'
      ? new NodeSockets(ctx, compute, env.store, config.cni.nodeSocket ?? NODE_SOCKET) : undefined;
    if (nodes) compute!.onRemoval((id) => nodes.releaseNode(id));
    return {
      exports: { ...ctx, nodeSockets: nodes },
      async start() {
        await ctx.caller().catch((err) => { throw new ModuleError(`kuryr cannot act for ${config.user} in ${config.project}: ${(err as Error).message}`); });
        if (config.cni) endpoints.push(await serveCni(ctx, config.cni.socket));
        if (nodes) { await nodes.start(); endpoints.push({ close: () => nodes.stop() }); }
        if (config.docker) {
          if (dataplane.driver.name === 'noop') throw new ModuleError('the Docker plugin needs a dataplane that plugs ports (linuxbridge or routed)');
          endpoints.push(await startDockerPlugin(ctx, { ...defaultDockerPlugin(), ...config.docker }));
        }
      },
      async stop() { await Promise.all(endpoints.splice(0).map((e) => e.close())); },
    };
  },
});

export { containerPortId, DEVICE_OWNER, ensureContainerPort, plugContainerPort, releaseContainerPort } from './container-ports.js';
export type { ContainerPortRequest } from './container-ports.js';
export { defaultDockerPlugin, pluginSocket, type DockerPluginConfig } from './libnetwork/plugin.js';
export type { KuryrContext } from './context.js';
export { NESTED_METADATA, NODE_SOCKET, type NodeSockets } from './nested/node-sockets.js';
