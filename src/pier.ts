// One Pier process: the store, the services, the HTTP edge. `startPier` is what `pier up` and
// the API tests run; `close` finishes in-flight requests, then closes the store.
import { mkdirSync, accessSync, constants } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { createServer, mount } from './core/http/server.js';
import { createIdentity, IDENTITY_CATALOG, type Identity } from './identity/index.js';
import { createNetworking, NETWORKING_CATALOG, type NetworkingService } from './networking/index.js';
import { createOrchestration, ORCHESTRATION_CATALOG, type Engine } from './orchestration/index.js';
import { createImageService, IMAGE_CATALOG, seedBusybox } from './image/index.js';
import { COMPUTE_CATALOG, createCompute, type Compute, type ComputeConfig } from './compute/index.js';
import { openStore, type Store } from './store/index.js';
import { createDriver, DataplaneController, dataplaneService, defaultDataplaneConfig, portPlugger, type DataplaneConfig } from './dataplane/index.js';

export interface PierConfig {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  adminPassword?: string;
  demoPassword?: string;
  /** Token lifetime, seconds. */
  tokenTtl: number;
  logLevel: string;
  logger?: Logger;
  /** The dataplane (network driver and where it works); defaults per `defaultDataplaneConfig`. */
  dataplane?: Partial<DataplaneConfig>;
  /** The compute runtime (default runc as root with a real dataplane, else fake) and this host's name (default: the dataplane's host id). */
  compute?: Partial<ComputeConfig>;
}

export const DEFAULT_PORT = 5000;

export interface Pier {
  /** http://host:port */
  url: string;
  app: FastifyInstance;
  store: Store;
  identity: Identity;
  /** Networking's service functions, for the services built on it. */
  networking: NetworkingService;
  dataplane: DataplaneController;
  /** The orchestration engine (stacks' work in this process). */
  orchestration: Engine;
  compute: Compute;
  /** Passwords generated on this start, to show once. */
  generatedPasswords: { admin?: string; demo?: string };
  /** Passwords known to this start (given or generated), for clouds.yaml. */
  knownPasswords: { admin?: string; demo?: string };
  close(): Promise<void>;
}

/** A startup problem the user can fix; `pier up` prints its message alone. */
export class StartupError extends Error {}

export async function startPier(config: PierConfig): Promise<Pier> {
  try {
    mkdirSync(config.dataDir, { recursive: true });
    accessSync(config.dataDir, constants.W_OK);
  } catch (err) {
    throw new StartupError(`data dir ${config.dataDir} is not writable (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const logger = config.logger ?? pino({ level: config.logLevel });
  let store: Store;
  try {
    store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  } catch (err) {
    const where = config.databaseUrl ? `the database at ${redact(config.databaseUrl)}` : `the store in ${config.dataDir}`;
    throw new StartupError(`cannot open ${where}: ${(err as Error).message}`);
  }
  const pruner = setInterval(() => void store.pruneEvents(3_600_000).catch(() => {}), 600_000).unref();
  const undo: (() => Promise<void>)[] = [async () => clearInterval(pruner), () => store.close()];
  const close = async () => { for (const step of undo.splice(0).reverse()) await step().catch(() => {}); };
  try {
    const identity = await createIdentity(store, { tokenTtl: config.tokenTtl });
    const boot = await identity.bootstrap({
      adminPassword: config.adminPassword, demoPassword: config.demoPassword, services: [IDENTITY_CATALOG, NETWORKING_CATALOG, ORCHESTRATION_CATALOG, IMAGE_CATALOG, COMPUTE_CATALOG],
    });
    const dpConfig = { ...defaultDataplaneConfig(), ...config.dataplane };
    const dataplane = new DataplaneController(store, createDriver(dpConfig, logger), dpConfig.hostId, logger);
    const app = createServer({ logger });
    undo.push(() => app.close());
    await mount(app, identity.service, identity.authenticate);
    const networking = createNetworking(store);
    await mount(app, networking.service, identity.authenticate);
    await mount(app, dataplaneService(dataplane), identity.authenticate);
    await mount(app, createImageService(store, config.dataDir).service, identity.authenticate);
    await seedBusybox(store, config.dataDir, logger);
    const compute = createCompute(store, networking.api, config.dataDir, { driver: defaultComputeDriver(dpConfig.driver), host: dpConfig.hostId, ...config.compute }, logger, portPlugger(dataplane));
    await mount(app, compute.service, identity.authenticate);
    let publicUrl = '';
    const orchestration = createOrchestration(store, networking.api, compute.api, logger, {
      serviceToken: (userId, projectId) => identity.serviceToken(userId, projectId), publicUrl: () => publicUrl,
    });
    await mount(app, orchestration.service, identity.authenticate);
    try {
      await app.listen({ host: config.host, port: config.port });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new StartupError(`port ${config.port} on ${config.host} is already in use`);
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new StartupError(`cannot listen on ${config.host}: no such local address`);
      throw err;
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    // Signal URLs (Heat's wait condition handles) need the address before stacks resume.
    publicUrl = `http://${host}:${port}`;
    compute.setUrl(publicUrl); // Nova's answers to Heat carry links
    // The kernel is touched only once Pier is surely up: the startup diff-sync.
    undo.splice(2, 0, () => dataplane.stop());
    await dataplane.start();
    undo.splice(3, 0, () => compute.controller.stop()); // stopped before the dataplane it plugs through
    await compute.controller.start();
    // Stacks a stopped Pier left IN_PROGRESS carry on (their work stops first on close).
    undo.push(() => orchestration.engine.close());
    await orchestration.engine.resume();
    return {
      url: publicUrl, app, store, identity, networking: networking.api, dataplane, orchestration: orchestration.engine, compute, generatedPasswords: boot.generated,
      knownPasswords: { admin: config.adminPassword ?? boot.generated.admin, demo: config.demoPassword ?? boot.generated.demo },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** runc where it can work — root on Linux with a dataplane that really plugs ports — else fake. */
function defaultComputeDriver(dataplane: string): 'fake' | 'runc' {
  return process.platform === 'linux' && process.getuid?.() === 0 && dataplane !== 'noop' ? 'runc' : 'fake';
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
