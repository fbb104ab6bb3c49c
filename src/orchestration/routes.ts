// Every Orchestration v1 route under the service's prefix.
import type { FastifyInstance } from 'fastify';
import type { Engine } from './engine/engine.js';
import { infoRoutes } from './info-routes.js';
import { resourceRoutes } from './resources-routes.js';
import { stackRoutes } from './stacks-routes.js';
import { softwareConfigRoutes } from './software-config-routes.js';

export function orchestrationRoutes(scope: FastifyInstance, engine: Engine): void {
  infoRoutes(scope, engine);
  stackRoutes(scope, engine);
  resourceRoutes(scope, engine);
  softwareConfigRoutes(scope, engine);
}
