// Pier's own API for the dataplane (no OpenStack equivalent): plugging a port into a network
// namespace on this host and unplugging it. Admin only; `pier port plug` calls it.
import type { FastifyInstance } from 'fastify';
import { BadRequest, Forbidden } from '../core/errors.js';
import type { Service } from '../core/http/server.js';
import { renderNeutronError } from '../networking/errors.js';
import type { DataplaneController } from './controller.js';
import { plugPort, unplugPort } from './plug.js';

export function dataplaneService(ctl: DataplaneController): Service {
  return {
    name: 'pier', prefix: '/pier', renderError: renderNeutronError,
    routes(scope: FastifyInstance) {
      scope.addHook('preHandler', async (req) => {
        if (!req.ctx.auth?.isAdmin) throw new Forbidden('Plugging ports is an admin action.', 'PolicyNotAuthorized');
      });
      type P = { Params: { id: string } };
      scope.put<P>('/v1/ports/:id/plug', async (req, reply) => {
        const body = req.body as { netns?: unknown; ifname?: unknown } | undefined;
        if (typeof body?.netns !== 'string' || !body.netns || (body.ifname !== undefined && typeof body.ifname !== 'string')) {
          throw new BadRequest("Body must be {\"netns\": NAME[, \"ifname\": NAME]}", 'HTTPBadRequest');
        }
        await plugPort(ctl, req.params.id, { netns: body.netns, ifname: body.ifname as string | undefined });
        return reply.code(204).send();
      });
      scope.delete<P>('/v1/ports/:id/plug', async (req, reply) => {
        await unplugPort(ctl, req.params.id);
        return reply.code(204).send();
      });
      scope.get('/v1/dataplane', async () => ({ driver: ctl.driver.name, host: ctl.host }));
    },
  };
}
