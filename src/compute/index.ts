// Compute (Nova v2.1): the only import surface for other folders.
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { onPath } from '../core/exec.js';
import { defineModule, ModuleError } from '../core/module.js';
import { dataplaneModule, portPlugger } from '../dataplane/index.js';
import { imageModule } from '../image/index.js';
import { networkingModule, type NetworkingService } from '../networking/index.js';
import type { Store } from '../store/index.js';
import { volumeModule, type Volumes } from '../volume/index.js';
import type { ComputeContext, PortPlugger } from './context.js';
import { ServerController } from './controller.js';
import { renderNovaError } from './errors.js';
import { computeRoutes } from './routes.js';
import { SERIAL_CONSOLE_PATH } from './remote-consoles.js';
import { refuseUpgrade, SerialConsoles } from './serial-console.js';
import { heartbeat, HEARTBEAT_MS } from './compute-services.js';
import { computeService, type ComputeService } from './service.js';
import type { ComputeDriver } from './runtime/driver.js';
import { FakeDriver } from './runtime/drivers/fake.js';
import { RuncDriver } from './runtime/drivers/runc.js';

export interface ComputeConfig {
  /** `fake` (no processes) or `runc`; default runc as root on Linux with a dataplane that plugs ports. */
  driver: 'fake' | 'runc';
  /** This host's name (default: the dataplane's host id). */
  host: string;
}

export interface Compute {
  controller: ServerController;
  driver: ComputeDriver;
  /** Compute's service functions, for the services built on it (Heat). */
  api: ComputeService;
  /** The servers this host runs (not being deleted), with their metadata: for agents that serve them (Kuryr's nested CNI). */
  serversHere(): Promise<{ id: string; metadata: Record<string, string> }[]>;
  /**
   * Runs `hook` for each server deleted here once its container is gone, before its own ports
   * are released — so what rides on them (Kuryr's nested pods' ports) is gone before Heat or a
   * user deletes the network. A hook that throws fails that pass of the deletion; it is retried.
   */
  onRemoval(hook: (serverId: string) => Promise<void>): void;
}

export const computeModule = defineModule<Compute, ComputeConfig>({
  name: 'compute',
  roles: ['api', 'agent'],
  requires: [networkingModule, imageModule],
  uses: [dataplaneModule, volumeModule],
  catalog: [{ type: 'compute', name: 'nova', path: '/compute/v2.1' }],
  create(env) {
    const dataplane = env.find(dataplaneModule);
    const config: ComputeConfig = { driver: defaultComputeChoice(dataplane?.driver.name).driver, host: dataplane?.host ?? hostname(), ...env.config };
    const plugger = dataplane && portPlugger(dataplane);
    if (config.driver === 'runc' && (!plugger || dataplane.driver.name === 'noop')) throw new ModuleError('the runc runtime needs a dataplane that plugs ports (linuxbridge or routed)');
    let beat: NodeJS.Timeout | undefined;
    const { ctx, controller, driver } = createCompute(env.store, env.get(networkingModule), env.dataDir, config, env.logger, plugger, env.find(volumeModule));
    return {
      // Nova's answers to Heat carry links, so they need the public URL.
      exports: {
        controller, driver, api: computeService(ctx, () => env.url()),
        onRemoval: (hook) => { ctx.removalHooks.push(hook); },
        async serversHere() {
          const rows = await env.store.db.selectFrom('servers').select(['id', 'metadata', 'task_state']).where('host', '=', config.host).execute();
          return rows.filter((r) => r.task_state !== 'deleting').map((r) => ({ id: r.id, metadata: JSON.parse(r.metadata) as Record<string, string> }));
        },
      },
      http: {
        name: 'compute', prefix: '/compute', renderError: renderNovaError, routes: (scope) => computeRoutes(scope, ctx),
        upgrade: (req, socket, head) => (req.url?.startsWith(SERIAL_CONSOLE_PATH) && ctx.serialConsoles ? ctx.serialConsoles.upgrade(req, socket, head) : refuseUpgrade(socket, '404 Not Found')),
      },
      async start() {
        await heartbeat(env.store, config.host, true);
        beat = setInterval(() => void heartbeat(env.store, config.host, false).catch(() => {}), HEARTBEAT_MS).unref();
        await controller.start();
      },
      async stop() { clearInterval(beat); ctx.serialConsoles?.close(); await controller.stop(); },
    };
  },
});

/** runc where it can work — root on Linux, runc installed, a dataplane that really plugs ports — else fake, and why. */
export function defaultComputeChoice(dataplane: string | undefined): { driver: ComputeConfig['driver']; reason?: string } {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return { driver: 'fake', reason: 'not root on Linux' };
  if (dataplane === undefined || dataplane === 'noop') return { driver: 'fake', reason: 'the noop dataplane plugs no ports' };
  const missing = ['runc', 'tar', 'mount'].filter((c) => !onPath(c));
  if (missing.length) return { driver: 'fake', reason: `${missing.join(', ')} not installed (Debian package ${missing.includes('runc') ? 'runc' : 'tar, mount'})` };
  return { driver: 'runc' };
}

function createCompute(store: Store, networking: NetworkingService, dataDir: string, config: ComputeConfig, logger: Logger, plugger?: PortPlugger, volumes?: Volumes) {
  const driver: ComputeDriver = config.driver === 'runc' ? new RuncDriver({ dataDir }, logger) : new FakeDriver();
  let controller: ServerController | undefined;
  const ctx: ComputeContext = {
    store, dataDir, networking, host: config.host, hypervisorType: config.driver,
    kick: (id) => controller?.kick(id),
    consoleLog: (id, lines) => driver.logs(id, lines),
    serialConsoles: driver.initPid ? new SerialConsoles((id) => driver.initPid?.(id), logger) : undefined,
    volumes: volumes && { api: volumes.api, servers: volumes.servers },
    removalHooks: [],
  };
  controller = new ServerController(store, driver, ctx, logger, plugger, config.driver === 'runc' ? 3_000 : 30_000);
  return { ctx, controller, driver };
}

export type { ComputeDriver, ServerSpec, ServerObserved } from './runtime/driver.js';
export { ServerController } from './controller.js';
export { CONTAINER_HOST_PROPERTY } from './spec.js';
export { hostnameOf } from './server-create.js';
export type { PortPlugger } from './context.js';
export type { ComputeService } from './service.js';
