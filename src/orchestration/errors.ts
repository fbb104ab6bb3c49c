// Heat's errors and its body: {"code", "title", "explanation", "error": {"type", "message",
// "traceback": null}} — never a server traceback. Template-layer HeatErrors map to statuses here.
import { ApiError, BadRequest, Conflict, NotFound, httpTitles } from '../core/errors.js';
import type { ErrorRenderer } from '../core/http/server.js';
import { HeatError } from './template/index.js';

const EXPLANATIONS: Record<number, string> = {
  400: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  401: 'This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.',
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  405: 'The method specified is not allowed for this resource.',
  409: 'There was a conflict when trying to complete your request.',
  413: 'The body of your request was too large for this server.',
  415: 'The request media type is not supported by this server.',
  500: 'The server has either erred or is incapable of performing the requested operation.',
  503: 'The server is currently unavailable. Please try again at a later time.',
};

/** A stack that does not exist (or is not the caller's). */
export class StackNotFound extends NotFound {
  constructor(name: string) { super(`The Stack (${name}) could not be found.`, 'EntityNotFound'); }
}
export class ResourceNotFound extends NotFound {
  constructor(resource: string, stack: string) { super(`The Resource (${resource}) could not be found in Stack ${stack}.`, 'ResourceNotFound'); }
}
export class EventNotFound extends NotFound {
  constructor(id: string) { super(`The Event (${id}) could not be found.`, 'EntityNotFound'); }
}
export class StackExists extends Conflict {
  constructor(name: string) { super(`The Stack (${name}) already exists.`, 'StackExists'); }
}
export class ActionInProgress extends Conflict {
  constructor(name: string, action: string) { super(`Stack ${name} already has an action (${action}) in progress.`, 'ActionInProgress'); }
}
export class HeatBadRequest extends BadRequest {
  constructor(message: string, type = 'HTTPBadRequest') { super(message, type); }
}

/** A template-layer error as the API answers it (all of them are the client's: 400). */
export function fromHeatError(e: HeatError): ApiError {
  return new BadRequest(e.message, e.type);
}

export const renderHeatError: ErrorRenderer = (err) => ({
  code: err.status,
  title: httpTitles[err.status] ?? 'Error',
  explanation: EXPLANATIONS[err.status] ?? '',
  error: { type: err.status === 500 ? 'InternalServerError' : err.type, message: err.status === 500 ? 'An unexpected error occurred.' : err.message, traceback: null },
});
