// One Pier process: the store, the registered service modules, the HTTP edge. `startPier` is
// what `pier up` and the API tests run: it makes each module after those it requires, mounts
// their routes, listens, then starts their background work; `close` stops taking requests,
// finishes the ones in flight, stops the modules in reverse and closes the store.
import { mkdirSync, accessSync, constants } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { clustersModule, type ClustersConfig } from './clusters/index.js';
import { createServer, mount } from './core/http/server.js';
import { ModuleError, type ModuleEnv, type ModuleInstance, type Role, type ServiceModule } from './core/module.js';
import { computeModule, type ComputeConfig } from './compute/index.js';
import { dashboardModule } from './dashboard/index.js';
import { dataplaneModule, type DataplaneConfig } from './dataplane/index.js';
import { identityModule, type IdentityModuleConfig } from './identity/index.js';
import { imageModule } from './image/index.js';
import { kuryrModule, type KuryrConfig } from './kuryr/index.js';
import { networkingModule, type NetworkingConfig } from './networking/index.js';
import { orchestrationModule } from './orchestration/index.js';
import { volumeModule, type VolumeConfig } from './volume/index.js';
import { openStore, type Store } from './store/index.js';

/** Every service Pier has, each after the modules it requires: adding a service is one line here. */
export const MODULES: readonly ServiceModule<any, any>[] = [
  identityModule, networkingModule, imageModule, volumeModule, dataplaneModule, computeModule, orchestrationModule, clustersModule, kuryrModule, dashboardModule,
];

export interface PierConfig {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  logLevel: string;
  logger?: Logger;
  /** The roles this process runs (default both): only the modules of these roles start. */
  roles?: readonly Role[];
  /** Each module's settings, under its name. */
  identity?: Partial<IdentityModuleConfig>;
  networking?: Partial<NetworkingConfig>;
  dataplane?: Partial<DataplaneConfig>;
  compute?: Partial<ComputeConfig>;
  kuryr?: Partial<KuryrConfig>;
  clusters?: Partial<ClustersConfig>;
  volume?: Partial<VolumeConfig>;
}

export const DEFAULT_PORT = 5000;

export interface Pier {
  /** http://host:port */
  url: string;
  app: FastifyInstance;
  store: Store;
  /** A running module's exports (throws for one that does not run here). */
  get<T>(module: ServiceModule<T, any>): T;
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
  const roles = config.roles ?? ['api', 'agent'];
  const modules = MODULES.filter((m) => m.roles.some((r) => roles.includes(r)));
  const made = new Map<ServiceModule<any, any>, ModuleInstance<unknown>>();
  const stoppable: ModuleInstance<unknown>[] = []; // every made module: stop undoes start and create
  let app: FastifyInstance | undefined;
  let url = '';
  const close = async () => {
    await app?.close().catch(() => {});
    for (const m of stoppable.splice(0).reverse()) await m.stop?.().catch((err) => logger.warn({ err }, 'module stop failed'));
    clearInterval(pruner);
    await store.close().catch(() => {});
  };
  const get = <T>(m: ServiceModule<T, any>): T => {
    const instance = made.get(m);
    if (!instance) throw new ModuleError(`the ${m.name} module does not run in this process`);
    return instance.exports as T;
  };
  try {
    const catalog = modules.flatMap((m) => m.catalog ?? []);
    for (const m of modules) {
      const missing = (m.requires ?? []).find((r) => !made.has(r));
      if (missing) throw new StartupError(`${m.name} needs ${missing.name}, which ${modules.includes(missing) ? 'is listed after it' : `does not run in the roles ${roles.join(', ')}`}`);
      const env: ModuleEnv = {
        store, logger, dataDir: config.dataDir, catalog,
        config: (config as unknown as Record<string, object | undefined>)[m.name] ?? {},
        url: () => { if (!url) throw new Error('Pier does not listen yet'); return url; },
        get: (r) => { if (!m.requires?.includes(r)) throw new ModuleError(`${m.name} does not require ${r.name}`); return get(r); },
        find: (u) => { if (!m.uses?.includes(u)) throw new ModuleError(`${m.name} does not use ${u.name}`); return made.has(u) ? get(u) : undefined; },
      };
      try {
        const instance = await m.create(env);
        made.set(m, instance);
        stoppable.push(instance);
      } catch (err) {
        if (err instanceof ModuleError) throw new StartupError(`${m.name}: ${err.message}`);
        throw err;
      }
    }
    app = createServer({ logger });
    if (!made.has(identityModule)) throw new StartupError('the HTTP edge needs the identity module (role api) to check tokens');
    const { authenticate } = get(identityModule);
    for (const m of made.values()) if (m.http) await mount(app, m.http, authenticate);
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
    url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    for (const m of made.values()) await m.start?.();
    const { boot } = get(identityModule);
    const given = config.identity ?? {};
    return {
      url, app, store, get, generatedPasswords: boot.generated,
      knownPasswords: { admin: given.adminPassword ?? boot.generated.admin, demo: given.demoPassword ?? boot.generated.demo },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
