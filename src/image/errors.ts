// Glance's errors and its body — webob's JSON error page, which Glance answers with when the
// client accepts JSON: {"message": "<explanation><br /><br />\n<detail>\n\n", "code": "404 Not Found", "title": "Not Found"}.
import { ApiError, BadRequest, Conflict, Forbidden, InvalidAttribute, MalformedBody, NotFound, httpTitles } from '../core/errors.js';
import type { ErrorRenderer } from '../core/http/server.js';

/** webob's explanation line per status, printed before Glance's detail. */
const EXPLANATIONS: Record<number, string> = {
  400: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  401: 'This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.',
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  405: 'The method is not allowed for this resource.',
  409: 'There was a conflict when trying to complete your request.',
  413: 'The body of your request was too large for this server.',
  415: 'The request media type is not supported by this server.',
  500: 'The server has either erred or is incapable of performing the requested operation.',
  503: 'The server is currently unavailable. Please try again at a later time.',
};

export class ImageNotFound extends NotFound {
  constructor(id: string) { super(`No image found with ID ${id}`); }
}
export class MemberNotFound extends NotFound {
  constructor(member: string, image: string) { super(`${member} is not a member of image ${image}`); }
}
export class ImageProtected extends Forbidden {
  constructor(id: string) { super(`Image ${id} is protected and cannot be deleted.`); }
}
export class ReadOnlyAttribute extends Forbidden {
  constructor(name: string) { super(`Attribute '${name}' is read-only.`); }
}
export class ReservedAttribute extends Forbidden {
  constructor(name: string) { super(`Attribute '${name}' is reserved.`); }
}
export class PolicyForbidden extends Forbidden {
  constructor(action: string) { super(`You are not authorized to complete ${action} action.`); }
}
export class SchemaMismatch extends BadRequest {
  constructor(what: string, schema = 'image') { super(`Provided object does not match schema '${schema}': ${what}`); }
}
export class InvalidStatusTransition extends Conflict {
  constructor(from: string, to: string) { super(`Image status transition from ${from} to ${to} is not allowed`); }
}
export class ImageDataMissing extends NotFound {
  constructor(id: string) { super(`The requested image ${id} has no data.`); }
}

export const renderGlanceError: ErrorRenderer = (err: ApiError) => {
  let detail = err.message;
  if (err instanceof InvalidAttribute) detail = `Invalid value for ${err.attribute}: ${err.reason}`;
  if (err instanceof MalformedBody) detail = 'Malformed JSON in request body.';
  const explanation = EXPLANATIONS[err.status] ?? '';
  return { message: `${explanation}<br /><br />\n${detail}\n\n`, code: `${err.status} ${httpTitles[err.status] ?? 'Error'}`, title: httpTitles[err.status] ?? 'Error' };
};
