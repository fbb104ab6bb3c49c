// The one shape of a Pier service: a module declares its name, the roles it runs in, the modules
// it builds on, its catalog entries, and how it is made. `startPier` walks the registered modules
// in order (each after what it requires), mounts their routes, starts them once Pier listens,
// and stops them in reverse. A module never reaches another except through `ModuleEnv.get`.
import type { Logger } from 'pino';
import type { Service } from './http/server.js';
import type { Store } from '../store/index.js';

/** `api`: HTTP and service logic, no kernel work. `agent`: this host's kernel and runtime work. */
export type Role = 'api' | 'agent';

/** An entry of the Keystone catalog. */
export interface CatalogService {
  /** Service type, e.g. `identity`, `network`. */
  type: string;
  name: string;
  /** Path under the server's base URL, e.g. `/identity/v3`, `/networking`. */
  path: string;
}

/** What a module is given when it is made. */
export interface ModuleEnv<Config = unknown> {
  readonly store: Store;
  readonly logger: Logger;
  readonly dataDir: string;
  /** This module's part of the Pier configuration (`PierConfig.modules[name]`), if any. */
  readonly config: Partial<Config>;
  /** Every running module's catalog entries (Keystone's bootstrap writes them). */
  readonly catalog: readonly CatalogService[];
  /** Pier's public base URL. Known once the server listens: call it from handlers and `start`, not from `create`. */
  url(): string;
  /** The exports of a module this one `requires`; throws for any other. */
  get<T>(module: ServiceModule<T, any>): T;
  /** The exports of a module this one `uses`, or undefined when it does not run in this process. */
  find<T>(module: ServiceModule<T, any>): T | undefined;
}

/** A made module. */
export interface ModuleInstance<Exports> {
  /** What other modules (and tests) get from `get(module)`. */
  exports: Exports;
  /** Routes mounted on the edge under their prefix. */
  http?: Service;
  /** Starts background work once Pier listens (controllers, resumed work); the kernel may be touched from here on. */
  start?(): Promise<void>;
  /** Stops that work and releases what `create` took; called in reverse module order, after the server stopped taking requests — also when `start` never ran (a later module failed). */
  stop?(): Promise<void>;
}

export interface ServiceModule<Exports, Config = unknown> {
  /** Short name: logs, `PierConfig.modules` keys. */
  readonly name: string;
  readonly roles: readonly Role[];
  /** Modules that must run in the same process, listed before this one. */
  readonly requires?: readonly ServiceModule<any, any>[];
  /** Modules used when they run in this process. */
  readonly uses?: readonly ServiceModule<any, any>[];
  readonly catalog?: readonly CatalogService[];
  /** Makes the module: service functions and routes, no background work, no kernel. */
  create(env: ModuleEnv<Config>): Promise<ModuleInstance<Exports>> | ModuleInstance<Exports>;
}

/** Declares a module (only for type inference of its exports and config). */
export const defineModule = <Exports, Config = unknown>(m: ServiceModule<Exports, Config>): ServiceModule<Exports, Config> => m;

/** Thrown when a module's config cannot work, or a required module does not run in this process. */
export class ModuleError extends Error {}
