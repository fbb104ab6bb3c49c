// The error catalogue's bases. A service names its errors as OpenStack does
// (`class ProjectNotFound extends NotFound`); the status comes from the base (Neutron's FAULT_MAP
// idea) and the class name travels on the wire where the service's body has a type field.
// Each service renders these into its own body shape (see `ErrorRenderer`).

export class ApiError extends Error {
  /** HTTP status of this error. */
  readonly status: number = 500;
  /** OpenStack's name for the error, e.g. `PortNotFound`; defaults to the class name. */
  readonly type: string;
  /** Extra headers for the response (e.g. `WWW-Authenticate`). */
  headers: Record<string, string> = {};

  constructor(message: string, type?: string) {
    super(message);
    this.type = type ?? new.target.name;
  }
}

export class BadRequest extends ApiError { override readonly status: number = 400; }
export class Unauthorized extends ApiError { override readonly status: number = 401; }
export class Forbidden extends ApiError { override readonly status: number = 403; }
export class NotFound extends ApiError { override readonly status: number = 404; }
export class MethodNotAllowed extends ApiError { override readonly status: number = 405; }
export class NotAcceptable extends ApiError { override readonly status: number = 406; }
export class Conflict extends ApiError { override readonly status: number = 409; }
export class PreconditionFailed extends ApiError { override readonly status: number = 412; }
export class PayloadTooLarge extends ApiError { override readonly status: number = 413; }
export class UriTooLong extends ApiError { override readonly status: number = 414; }
export class UnsupportedMediaType extends ApiError { override readonly status: number = 415; }
export class InternalError extends ApiError { override readonly status: number = 500; }
export class ServiceUnavailable extends ApiError { override readonly status: number = 503; }

/**
 * One attribute of a request body is wrong: unknown, not writable in this request, missing,
 * or of the wrong type or value (`invalid`). Services word each kind their own way.
 */
export class InvalidAttribute extends BadRequest {
  constructor(readonly attribute: string, readonly reason: string, readonly kind: 'unknown' | 'readonly' | 'required' | 'invalid' | 'convert' = 'invalid') {
    super(`Invalid input for ${attribute}. Reason: ${reason}.`, 'InvalidInput');
  }
}

/** The request body is not valid JSON or not the expected envelope. */
export class MalformedBody extends BadRequest {
  constructor(reason: string) { super(reason, 'MalformedRequestBody'); }
}

/** Standard HTTP reason phrases, for error titles. */
export const httpTitles: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 406: 'Not Acceptable', 409: 'Conflict', 412: 'Precondition Failed',
  413: 'Request Entity Too Large', 414: 'Request-URI Too Long', 415: 'Unsupported Media Type', 500: 'Internal Server Error',
  503: 'Service Unavailable',
};
