// Magnum's errors and its body: {"errors": [{"request_id", "code", "status", "title", "detail",
// "links"}]} — `code` is wsme's faultcode ("client" for 4xx, "server" for 5xx), `title` the
// detail's first sentence. A bad microversion has its own shape (406, below).
import { ApiError, BadRequest, Conflict, Forbidden, InvalidAttribute, MalformedBody, NotAcceptable, NotFound } from '../core/errors.js';
import type { ErrorRenderer } from '../core/http/server.js';

export class ClusterTemplateNotFound extends NotFound {
  constructor(id: string) { super(`ClusterTemplate ${id} could not be found.`); }
}
export class ClusterNotFound extends NotFound {
  constructor(id: string) { super(`Cluster ${id} could not be found.`); }
}
export class NodeGroupNotFound extends NotFound {
  constructor(id: string) { super(`Nodegroup ${id} could not be found.`); }
}
export class QuotaNotFound extends NotFound {
  constructor(msg: string) { super(`Quota could not be found: ${msg}`); }
}
/** OpenStack: Magnum answers these "not found"s as 400 (the request names a bad resource). */
export class ImageNotFound extends BadRequest {
  constructor(id: string) { super(`Image ${id} could not be found.`); }
}
export class OSDistroFieldNotFound extends BadRequest {
  constructor(id: string) { super(`Image ${id} doesn't contain os_distro field.`); }
}
export class FlavorNotFound extends BadRequest {
  constructor(id: string) { super(`Unable to find flavor ${id}.`); }
}
export class ExternalNetworkNotFound extends BadRequest {
  constructor(id: string) { super(`Unable to find external network ${id}.`); }
}
export class FixedNetworkNotFound extends BadRequest {
  constructor(id: string) { super(`Unable to find fixed network ${id}.`); }
}
export class FixedSubnetNotFound extends BadRequest {
  constructor(id: string) { super(`Unable to find fixed subnet ${id}.`); }
}
/** OpenStack: Magnum's KeyPairNotFound keeps ResourceNotFound's 404. */
export class KeyPairNotFound extends NotFound {
  constructor(id: string) { super(`Unable to find keypair ${id}.`); }
}
export class ClusterTypeNotSupported extends BadRequest {
  constructor(serverType: string, os: string, coe: string) { super(`Cluster type (${serverType}, ${os}, ${coe}) not supported.`); }
}
export class NotSupported extends BadRequest {
  constructor(what: string) { super(what, 'NotSupported'); }
}
/** OpenStack: ClusterTemplateReferenced is an Invalid (400) in Magnum, not a Conflict. */
export class ClusterTemplateReferenced extends BadRequest {
  constructor(id: string) { super(`ClusterTemplate ${id} is referenced by one or multiple clusters.`); }
}
export class ClusterTemplatePublishDenied extends Forbidden {
  constructor() { super('Not authorized to set public or hidden flag for cluster template.'); }
}
export class OperationInProgress extends BadRequest {
  constructor(name: string) { super(`Cluster ${name} already has an operation in progress.`); }
}
export class NodeGroupAlreadyExists extends Conflict {
  constructor(name: string, cluster: string) { super(`A node group with name ${name} already exists in the cluster ${cluster}.`); }
}
export class InvalidParameterValue extends BadRequest {}
export class PatchError extends BadRequest {
  constructor(patch: unknown, reason: string) { super(`Couldn't apply patch '${JSON.stringify(patch)}'. Reason: ${reason}`); }
}
export class ResourceLimitExceeded extends Forbidden {
  constructor(msg: string) { super(`Resource limit exceeded: ${msg}`); }
}
export class MultipleMatches extends Conflict {}

/** The 406 of a version Magnum does not serve, with its own keys. */
export class VersionNotAcceptable extends NotAcceptable {
  constructor(message: string) { super(message, 'HTTPNotAcceptableAPIVersion'); }
}

/** wsme's wording of a body attribute's problem. */
export function wsmeMessage(err: InvalidAttribute, body: Record<string, unknown>, argument: string): string {
  if (err.kind === 'unknown') return `Unknown attribute for argument ${argument}: ${err.attribute}`;
  if (err.kind === 'readonly') return `Invalid input for field/attribute ${err.attribute}. Value: '${String(body[err.attribute])}'. Cannot be set`;
  if (err.kind === 'required') return `Invalid input for field/attribute ${err.attribute}. Value: 'None'. Mandatory field missing.`;
  return `Invalid input for field/attribute ${err.attribute}. Value: '${String(body[err.attribute])}'. ${err.reason}`;
}

export const renderMagnumError: ErrorRenderer = (err, ctx) => {
  const detail = err.status >= 500 ? 'An unexpected error prevented the server from fulfilling your request.' : err.message;
  if (err instanceof VersionNotAcceptable) {
    return {
      errors: [{
        request_id: ctx.requestId, code: 'magnum.microversion-unsupported', status: 406, title: 'Requested microversion is unsupported',
        detail, max_version: MAX_VERSION_TEXT, min_version: MIN_VERSION_TEXT,
        links: [{ rel: 'help', href: 'http://docs.openstack.org/api-guide/compute/microversions.html' }],
      }],
    };
  }
  const title = detail.includes('. ') ? detail.slice(0, detail.indexOf('.')) : detail.replace(/\.$/, '');
  return { errors: [{ request_id: ctx.requestId, code: err.status >= 500 ? 'server' : 'client', status: err.status, title, detail, links: [] }] };
};

export const MIN_VERSION_TEXT = '1.1';
export const MAX_VERSION_TEXT = '1.14';

export { ApiError, BadRequest, Conflict, Forbidden, InvalidAttribute, MalformedBody, NotFound };
