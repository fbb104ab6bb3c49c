// Magnum's microversions: `OpenStack-API-Version: container-infra 1.x` (or `latest`) on every
// /v1 request; every /v1 answer carries the version used and the supported range. A version
// outside 1.1–1.14 or a malformed header is a 406 in Magnum's own shape.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MAX_VERSION_TEXT, MIN_VERSION_TEXT, NotFound, VersionNotAcceptable } from './errors.js';

export const MIN_MINOR = 1;
export const MAX_MINOR = 14;
const SERVICE = 'container-infra';
const SERVICES = ['container-infrastructure-management', 'container-infrastructure', 'container-infra'];
const HEADER = 'openstack-api-version';

const versions = new WeakMap<FastifyRequest, number>();

/** The minor version of a /v1 request (set by `negotiate`). */
export const minorOf = (req: FastifyRequest): number => versions.get(req) ?? MIN_MINOR;

/** A route that exists from `minor` on: Magnum answers 404 below it. */
export function since(req: FastifyRequest, minor: number): void {
  if (minorOf(req) < minor) throw new NotFound('The resource could not be found.');
}

export function negotiate(req: FastifyRequest, reply: FastifyReply): void {
  const raw = req.headers[HEADER];
  const given = (Array.isArray(raw) ? raw.join(',') : raw ?? `${SERVICE} ${MIN_VERSION_TEXT}`)
    .split(',').map((s) => s.trim()).find((s) => SERVICES.includes(s.split(/\s+/)[0]!.toLowerCase())) ?? String(raw);
  reply.header('OpenStack-API-Minimum-Version', `${SERVICE} ${MIN_VERSION_TEXT}`);
  reply.header('OpenStack-API-Maximum-Version', `${SERVICE} ${MAX_VERSION_TEXT}`);
  reply.header('vary', 'OpenStack-API-Version');
  const parts = given.trim().split(/\s+/);
  if (parts.length !== 2 || !SERVICES.includes(parts[0]!.toLowerCase())) throw new VersionNotAcceptable('Invalid service type for OpenStack-API-Version header');
  const text = parts[1]!.toLowerCase() === 'latest' ? MAX_VERSION_TEXT : parts[1]!;
  const m = /^(\d+)\.(\d+)$/.exec(text);
  if (!m) throw new VersionNotAcceptable('Invalid value for OpenStack-API-Version header');
  const [major, minor] = [Number(m[1]), Number(m[2])];
  reply.header('OpenStack-API-Version', `${SERVICE} ${major}.${minor}`);
  const range = `[${SERVICE} ${MIN_VERSION_TEXT}, ${SERVICE} ${MAX_VERSION_TEXT}]`;
  if (major !== 1) {
    throw new VersionNotAcceptable(`Mutually exclusive versions requested. Version ${major}.${minor} requested but not supported by this service.The supported version range is: ${range}.`);
  }
  if (minor < MIN_MINOR || minor > MAX_MINOR) {
    throw new VersionNotAcceptable(`Version ${major}.${minor} was requested but the minor version is not supported by this service. The supported version range is: ${range}.`);
  }
  versions.set(req, minor);
}
