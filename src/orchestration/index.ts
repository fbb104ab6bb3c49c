// Orchestration (Heat v1): the only import surface for other folders.
import { computeModule } from '../compute/index.js';
import { defineModule } from '../core/module.js';
import { identityModule } from '../identity/index.js';
import { networkingModule } from '../networking/index.js';
import { volumeModule } from '../volume/index.js';
import { Engine } from './engine/engine.js';
import { renderHeatError } from './errors.js';
import { orchestrationRoutes } from './routes.js';

export const orchestrationModule = defineModule<Engine>({
  name: 'orchestration',
  roles: ['api'],
  requires: [identityModule, networkingModule, computeModule],
  uses: [volumeModule],
  // OpenStack: Heat's endpoint carries the project; Keystone substitutes $(project_id)s per token.
  catalog: [{ type: 'orchestration', name: 'heat', path: '/orchestration/v1/$(project_id)s' }],
  create(env) {
    const identity = env.get(identityModule);
    const engine = new Engine(env.store, env.get(networkingModule), env.logger, {
      serviceToken: (userId, projectId) => identity.serviceToken(userId, projectId),
      publicUrl: () => env.url(), // signal URLs (wait condition handles)
    }, env.get(computeModule).api, env.find(volumeModule)?.api);
    return {
      exports: engine,
      http: { name: 'orchestration', prefix: '/orchestration', renderError: renderHeatError, routes: (scope) => orchestrationRoutes(scope, engine) },
      // Stacks a stopped Pier left IN_PROGRESS carry on.
      start: () => engine.resume(),
      stop: () => engine.close(),
    };
  },
});

export type { Engine, EngineHooks, CreateInput } from './engine/engine.js';
export { ownerOf } from './engine/loaded.js';
export type { StackOwner, StackRow } from './engine/persist.js';
