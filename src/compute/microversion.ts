// Compute microversions: the version a request asked for (`OpenStack-API-Version: compute X.Y`
// or the legacy `X-OpenStack-Nova-API-Version`), checked against what Pier serves, echoed on
// every response with Vary. Handlers ask `atLeast(req, 2, 47)` for behaviour that changed.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, BadRequest } from '../core/errors.js';

export const MIN_VERSION: readonly [number, number] = [2, 1];
// The newest behaviour Pier implements. The Debian openstackclient 6.0 sends 2.1 through
// novaclient; its openstacksdk negotiates up to each resource's max (flavors 2.61, servers 2.73).
export const MAX_VERSION: readonly [number, number] = [2, 79];
export const versionText = (v: readonly [number, number]) => `${v[0]}.${v[1]}`;

class NotAcceptable extends ApiError { override readonly status = 406; }

const asked = new WeakMap<FastifyRequest, readonly [number, number]>();

function parse(text: string): [number, number] | 'latest' {
  const t = text.trim().toLowerCase();
  if (t === 'latest') return 'latest';
  const m = /^(\d+)\.(\d+)$/.exec(t);
  if (!m) throw new BadRequest(`API Version String ${text} is of invalid format. Must be of format MajorNum.MinorNum.`);
  return [Number(m[1]), Number(m[2])];
}

const cmp = (a: readonly [number, number], b: readonly [number, number]) => a[0] - b[0] || a[1] - b[1];

/** Reads and checks the request's microversion (an onRequest hook of the compute scope). */
export function negotiate(req: FastifyRequest, reply: FastifyReply): void {
  let header: string | undefined;
  const modern = req.headers['openstack-api-version'];
  if (typeof modern === 'string') {
    for (const part of modern.split(',')) {
      const [service, value] = part.trim().split(/\s+/, 2);
      if (service?.toLowerCase() === 'compute' && value) header = value;
    }
  }
  const legacy = req.headers['x-openstack-nova-api-version'];
  if (header === undefined && typeof legacy === 'string') header = legacy;
  let v: readonly [number, number] = MIN_VERSION;
  if (header !== undefined) {
    const p = parse(header);
    v = p === 'latest' ? MAX_VERSION : p;
    if (cmp(v, MIN_VERSION) < 0 || cmp(v, MAX_VERSION) > 0) {
      throw new NotAcceptable(`Version ${versionText(v)} is not supported by the API. Minimum is ${versionText(MIN_VERSION)} and maximum is ${versionText(MAX_VERSION)}.`);
    }
  }
  asked.set(req, v);
  void reply.headers({
    'openstack-api-version': `compute ${versionText(v)}`,
    'x-openstack-nova-api-version': versionText(v),
    vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version',
  });
}

/** What a view depends on besides the row, for an in-process caller (no request): its microversion and the public URL. */
export interface ApiView {
  /** The microversion the caller's answers follow. */
  readonly microversion: readonly [number, number];
  /** Pier's public URL, for links. */
  readonly baseUrl: string;
}

/** A request, or an in-process caller's fixed view. */
export type Asked = FastifyRequest | ApiView;

export function versionOf(req: Asked): readonly [number, number] {
  return 'microversion' in req ? req.microversion : asked.get(req) ?? MIN_VERSION;
}

export const baseUrlOf = (req: Asked): string => ('microversion' in req ? req.baseUrl : req.ctx.baseUrl);

/** True when the request's microversion is `major.minor` or newer. */
export function atLeast(req: Asked, major: number, minor: number): boolean {
  return cmp(versionOf(req), [major, minor]) >= 0;
}
