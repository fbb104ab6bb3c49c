// Kuryr: Docker (libnetwork remote network + IPAM driver) and CNI containers on Neutron networks.
// Agent-side adapters over the Networking service functions and this host's dataplane plugging;
// they act as a configured project and user, with the API's policy. The only import surface.
import type { Logger } from 'pino';
import { defineModule, ModuleError } from '../core/module.js';
import { dataplaneModule, portPlugger } from '../dataplane/index.js';
import { identityModule } from '../identity/index.js';
import { networkingModule } from '../networking/index.js';
import { serveCni } from './cni/endpoint.js';
import type { KuryrContext } from './context.js';
import { defaultDockerPlugin, startDockerPlugin, type DockerPluginConfig } from './libnetwork/plugin.js';

export interface KuryrConfig {
  /** The project and user (Default domain) Kuryr acts for. */
  project: string;
  user: string;
  /** The CNI endpoint the `pier` CNI plugin talks to (a unix socket), or none. */
  cni?: { socket: string };
  /** Serve Docker as a libnetwork network and IPAM driver (defaults fill what is not given); off when undefined. */
  docker?: Partial<DockerPluginConfig>;
}

/** Where the `pier` CNI plugin looks for Pier unless its network config names a `socket`. */
export const DEFAULT_CNI_SOCKET = '/run/pier/cni.sock';

/** Something an adapter serves while Pier runs (a unix socket). */
export interface KuryrEndpoint { close(): Promise<void> }

export const kuryrModule = defineModule<KuryrContext, KuryrConfig>({
  name: 'kuryr',
  roles: ['agent'],
  requires: [identityModule, networkingModule, dataplaneModule],
  create(env) {
    const dataplane = env.get(dataplaneModule);
    const config: KuryrConfig = { project: 'admin', user: 'admin', ...env.config };
    const actAs = env.get(identityModule).actAs(config.user, config.project);
    const networking = env.get(networkingModule);
    const ctx: KuryrContext = {
      networking, plugger: portPlugger(dataplane), host: dataplane.host, log: env.logger.child({ module: 'kuryr' }) as Logger,
      caller: async () => networking.callerFor(await actAs()),
    };
    const endpoints: KuryrEndpoint[] = [];
    return {
      exports: ctx,
      async start() {
        await ctx.caller().catch((err) => { throw new ModuleError(`kuryr cannot act for ${config.user} in ${config.project}: ${(err as Error).message}`); });
        if (config.cni) endpoints.push(await serveCni(ctx, config.cni.socket));
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
