// Keystone's errors, named as Keystone names them, and its body:
// {"error": {"code": 404, "message": "Could not find project: x.", "title": "Not Found"}}.
import { ApiError, BadRequest, Conflict, Forbidden, InvalidAttribute, MalformedBody, NotFound, Unauthorized, httpTitles } from '../core/errors.js';
import type { ErrorRenderer } from '../core/http/server.js';

export const NOT_COMPLY = 'The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.';

export class ValidationError extends BadRequest {}

export class AuthFailed extends Unauthorized {
  constructor(message = 'The request you have made requires authentication.') { super(message, 'Unauthorized'); }
}

export class ForbiddenAction extends Forbidden {
  constructor(action: string) { super(`You are not authorized to perform the requested action: ${action}.`); }
}

/** `Could not find <kind>: <id>.` — Keystone's NotFound for every entity. */
export class EntityNotFound extends NotFound {
  constructor(kind: string, id: string) { super(`Could not find ${kind}: ${id}.`, `${pascal(kind)}NotFound`); }
}

export class DuplicateEntry extends Conflict {
  constructor(kind: string, detail: string) {
    super(`Conflict occurred attempting to store ${kind} - ${detail}.`, 'Conflict');
  }
}

function pascal(s: string): string {
  return s.replace(/(^|[\s_])(\w)/g, (_, __, c: string) => c.toUpperCase());
}

export const renderKeystoneError: ErrorRenderer = (err: ApiError, ctx) => {
  let message = err.message;
  if (err instanceof InvalidAttribute) message = `Invalid input for field '${err.attribute}': ${err.reason}`;
  if (err instanceof MalformedBody) message = `Expecting to find valid JSON in request body. ${NOT_COMPLY}`;
  if (err.status === 401) err.headers['WWW-Authenticate'] = `Keystone uri="${ctx.baseUrl}/identity/v3"`;
  return { error: { code: err.status, message, title: httpTitles[err.status] ?? 'Error' } };
};
