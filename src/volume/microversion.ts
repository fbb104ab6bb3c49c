// Cinder's microversions: `OpenStack-API-Version: volume 3.x` (or `latest`) on every /v3
// request, echoed back with Vary. Out of range is a 406, a malformed version a 400, as Cinder.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BadRequest, NotFound, VersionNotAcceptable } from './errors.js';

export const MIN_MINOR = 0;
export const MAX_MINOR = 71;
export const MIN_VERSION = '3.0';
export const MAX_VERSION = `3.${MAX_MINOR}`;

const minors = new WeakMap<FastifyRequest, number>();

/** The request's minor version (3.x). */
export const minorOf = (req: FastifyRequest): number => minors.get(req) ?? MIN_MINOR;
export const atLeast = (req: FastifyRequest, minor: number): boolean => minorOf(req) >= minor;

/** A route that exists from `minor` on: Cinder answers 404 below it. */
export function since(req: FastifyRequest, minor: number): void {
  if (minorOf(req) < minor) throw new NotFound(`API version 3.${minorOf(req)} does not have this method.`, 'VersionNotFoundForAPIMethod');
}

export function negotiate(req: FastifyRequest, reply: FastifyReply): void {
  let asked: string | undefined;
  const raw = req.headers['openstack-api-version'];
  for (const part of (Array.isArray(raw) ? raw.join(',') : raw ?? '').split(',')) {
    const [service, value] = part.trim().split(/\s+/, 2);
    if (service?.toLowerCase() === 'volume' && value) asked = value;
  }
  let minor = MIN_MINOR;
  if (asked !== undefined) {
    if (asked.toLowerCase() === 'latest') minor = MAX_MINOR;
    else {
      const m = /^(\d+)\.(\d+)$/.exec(asked);
      if (!m || m[2]!.length > 1 && m[2]!.startsWith('0')) throw new BadRequest(`API Version String ${asked} is of invalid format. Must be of format MajorNum.MinorNum.`);
      minor = Number(m[2]);
      if (m[1] !== '3' || minor > MAX_MINOR) {
        throw new VersionNotAcceptable(`Version ${asked} is not supported by the API. Minimum is ${MIN_VERSION} and maximum is ${MAX_VERSION}.`);
      }
    }
  }
  minors.set(req, minor);
  void reply.headers({ 'openstack-api-version': `volume 3.${minor}`, vary: 'OpenStack-API-Version' });
}
