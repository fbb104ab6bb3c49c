// Orchestration (Heat v1): the only import surface for other folders.
import type { Logger } from 'pino';
import type { Service } from '../core/http/server.js';
import type { ComputeService } from '../compute/index.js';
import type { CatalogService } from '../identity/index.js';
import type { NetworkingService } from '../networking/index.js';
import type { Store } from '../store/index.js';
import { Engine, type EngineHooks } from './engine/engine.js';
import { renderHeatError } from './errors.js';
import { orchestrationRoutes } from './routes.js';

// OpenStack: Heat's endpoint carries the project; Keystone substitutes $(project_id)s per token.
export const ORCHESTRATION_CATALOG: CatalogService = { type: 'orchestration', name: 'heat', path: '/orchestration/v1/$(project_id)s' };

export function createOrchestration(store: Store, networking: NetworkingService, compute: ComputeService, logger: Logger, hooks: EngineHooks): { service: Service; engine: Engine } {
  const engine = new Engine(store, networking, logger, hooks, compute);
  return {
    engine,
    service: { name: 'orchestration', prefix: '/orchestration', renderError: renderHeatError, routes: (scope) => orchestrationRoutes(scope, engine) },
  };
}

export type { Engine, EngineHooks } from './engine/engine.js';
