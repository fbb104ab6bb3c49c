// Compute (Nova v2.1): the only import surface for other folders.
import type { Logger } from 'pino';
import type { Service } from '../core/http/server.js';
import type { CatalogService } from '../identity/index.js';
import type { NetworkingService } from '../networking/index.js';
import type { Store } from '../store/index.js';
import type { ComputeContext, PortPlugger } from './context.js';
import { ServerController } from './controller.js';
import { renderNovaError } from './errors.js';
import { computeRoutes } from './routes.js';
import { computeService, type ComputeService } from './service.js';
import type { ComputeDriver } from './runtime/driver.js';
import { FakeDriver } from './runtime/drivers/fake.js';
import { RuncDriver } from './runtime/drivers/runc.js';

export const COMPUTE_CATALOG: CatalogService = { type: 'compute', name: 'nova', path: '/compute/v2.1' };

export interface ComputeConfig {
  /** `fake` (no processes; the default) or `runc`. */
  driver: 'fake' | 'runc';
  host: string;
}

export interface Compute {
  service: Service;
  controller: ServerController;
  driver: ComputeDriver;
  /** Compute's service functions, for the services built on it (Heat). */
  api: ComputeService;
  /** Tells the service functions Pier's public URL once it listens (their answers' links). */
  setUrl(url: string): void;
}

/**
 * Nova over `config.driver`. The runc runtime plugs server ports through `plugger` (the
 * dataplane's plug function, in-process).
 */
export function createCompute(store: Store, networking: NetworkingService, dataDir: string, config: ComputeConfig, logger: Logger, plugger?: PortPlugger): Compute {
  if (config.driver === 'runc' && !plugger) throw new Error('the runc runtime needs the dataplane to plug ports');
  const driver: ComputeDriver = config.driver === 'runc' ? new RuncDriver({ dataDir }, logger) : new FakeDriver();
  let controller: ServerController | undefined;
  const ctx: ComputeContext = {
    store, dataDir, networking, host: config.host,
    kick: (id) => controller?.kick(id),
    consoleLog: (id, lines) => driver.logs(id, lines),
  };
  controller = new ServerController(store, driver, ctx, logger, plugger, config.driver === 'runc' ? 3_000 : 30_000);
  let url = '';
  return {
    controller, driver, api: computeService(ctx, () => url), setUrl: (u) => { url = u; },
    service: { name: 'compute', prefix: '/compute', renderError: renderNovaError, routes: (scope) => computeRoutes(scope, ctx) },
  };
}

export type { ComputeDriver, ServerSpec, ServerObserved } from './runtime/driver.js';
export { ServerController } from './controller.js';
export type { PortPlugger } from './context.js';
export type { ComputeService } from './service.js';
