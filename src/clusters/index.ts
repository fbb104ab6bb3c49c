// Container Infrastructure Management (Magnum v1): the only import surface for other folders.
// Clusters are Heat stacks of Pier servers built by a COE driver (drivers/driver.ts).
import { computeModule } from '../compute/index.js';
import { defineModule } from '../core/module.js';
import { identityModule } from '../identity/index.js';
import { networkingModule } from '../networking/index.js';
import { orchestrationModule } from '../orchestration/index.js';
import type { Magnum } from './context.js';
import { ClusterController, type ControllerOptions } from './controller.js';
import { renderMagnumError } from './errors.js';
import { clustersRoutes, PREFIX } from './routes.js';

export type ClustersConfig = ControllerOptions;

export interface Clusters {
  readonly magnum: Magnum;
  readonly controller: ClusterController;
}

export const clustersModule = defineModule<Clusters, ClustersConfig>({
  name: 'clusters',
  roles: ['api'],
  requires: [identityModule, networkingModule, computeModule, orchestrationModule],
  catalog: [{ type: 'container-infra', name: 'magnum', path: `${PREFIX}/v1` }],
  create(env) {
    const engine = env.get(orchestrationModule);
    let controller: ClusterController | undefined;
    const magnum: Magnum = {
      store: env.store, networking: env.get(networkingModule), compute: env.get(computeModule).api, engine, logger: env.logger,
      kick: (id) => controller?.kick(id),
    };
    controller = new ClusterController(env.store, engine, env.logger, env.config);
    return {
      exports: { magnum, controller },
      http: { name: 'clusters', prefix: PREFIX, renderError: renderMagnumError, routes: (scope) => clustersRoutes(scope, magnum) },
      start: () => controller!.start(),
      stop: () => controller!.stop(),
    };
  },
});

export { NODE_OS_DISTRO, SWARM_OS_DISTRO } from './drivers/os-distro.js';
export type { CoeDriver, NodeContext, HeatValue, PortRule, NodeCa } from './drivers/driver.js';
export { DRIVERS, findDriver } from './drivers/registry.js';
