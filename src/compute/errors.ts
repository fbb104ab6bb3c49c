// Nova's errors and its body: {"<name>": {"code": <status>, "message": "…"}}, the name by status
// as Nova's fault wrapper picks it (itemNotFound, badRequest, conflictingRequest, forbidden, …).
import { ApiError, BadRequest, Conflict, Forbidden, InvalidAttribute, MalformedBody, NotFound } from '../core/errors.js';
import type { ErrorRenderer } from '../core/http/server.js';

const NAMES: Record<number, string> = {
  400: 'badRequest', 401: 'unauthorized', 403: 'forbidden', 404: 'itemNotFound', 405: 'badMethod', 409: 'conflictingRequest',
  413: 'overLimit', 415: 'badMediaType', 429: 'overLimit', 501: 'notImplemented', 503: 'serviceUnavailable',
};

export class NovaNotFound extends NotFound {}
export const serverNotFound = (id: string) => new NovaNotFound(`Instance ${id} could not be found.`, 'InstanceNotFound');
export const flavorNotFound = (id: string) => new NovaNotFound(`Flavor ${id} could not be found.`, 'FlavorNotFound');
export const keypairNotFound = (name: string, user: string) => new NovaNotFound(`Keypair ${name} not found for user ${user}`, 'KeypairNotFound');

/** `Invalid input for field/attribute <path>. Value: <v>. <why>` — Nova's schema validation message. */
export class ValidationError extends BadRequest {
  constructor(path: string, value: unknown, why: string) {
    super(`Invalid input for field/attribute ${path}. Value: ${typeof value === 'string' ? value : JSON.stringify(value)}. ${why}`);
  }
}

export class PolicyNotAuthorized extends Forbidden {
  constructor(action: string) { super(`Policy doesn't allow ${action} to be performed.`); }
}

/** `Cannot '<action>' instance <id> while it is in <attr> <state>` */
export class InstanceInvalidState extends Conflict {
  constructor(action: string, id: string, attr: 'vm_state' | 'task_state', state: string | null) {
    super(`Cannot '${action}' instance ${id} while it is in ${attr} ${state ?? 'None'}`);
  }
}

export class QuotaExceeded extends Forbidden {
  constructor(resource: string, requested: number, used: number, allowed: number) {
    super(`Quota exceeded for ${resource}: Requested ${requested}, but already used ${used} of ${allowed} ${resource}`);
  }
}

export const renderNovaError: ErrorRenderer = (err: ApiError) => {
  let message = err.message;
  if (err instanceof InvalidAttribute) message = `Invalid input for field/attribute ${err.attribute}. ${err.reason}`;
  if (err instanceof MalformedBody) message = 'Malformed request body';
  const name = NAMES[err.status] ?? 'computeFault';
  return { [name]: { code: err.status, message } };
};
