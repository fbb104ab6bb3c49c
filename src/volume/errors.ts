// Cinder's errors and its body: {"<name>": {"code": <status>, "message": "…"}}, the name by status
// as Cinder's fault wrapper picks it (badRequest, itemNotFound, overLimit, …).
import { ApiError, BadRequest, Conflict, Forbidden, InvalidAttribute, MalformedBody, NotAcceptable, NotFound } from '../core/errors.js';
import type { ErrorRenderer } from '../core/http/server.js';

const NAMES: Record<number, string> = {
  400: 'badRequest', 401: 'unauthorized', 403: 'forbidden', 404: 'itemNotFound', 405: 'badMethod', 406: 'notAcceptable', 409: 'conflictingRequest',
  413: 'overLimit', 415: 'badMediaType', 429: 'overLimit', 501: 'notImplemented', 503: 'serviceUnavailable',
};

export class OverLimit extends ApiError { override readonly status: number = 413; }

export const volumeNotFound = (id: string) => new NotFound(`Volume ${id} could not be found.`, 'VolumeNotFound');
export const snapshotNotFound = (id: string) => new NotFound(`Snapshot ${id} could not be found.`, 'SnapshotNotFound');
export const typeNotFound = (id: string) => new NotFound(`Volume type ${id} could not be found.`, 'VolumeTypeNotFound');
export const typeNameNotFound = (name: string) => new NotFound(`Volume type with name ${name} could not be found.`, 'VolumeTypeNotFoundByName');
export const attachmentNotFound = (id: string) => new NotFound(`Volume attachment could not be found with filter: attachment_id = ${id}.`, 'VolumeAttachmentNotFound');
export const messageNotFound = (id: string) => new NotFound(`Message ${id} could not be found.`, 'MessageNotFound');

/** Cinder's InvalidVolume: `Invalid volume: <why>` (400). */
export class InvalidVolume extends BadRequest {
  constructor(why: string) { super(`Invalid volume: ${why}`, 'InvalidVolume'); }
}
export class InvalidSnapshot extends BadRequest {
  constructor(why: string) { super(`Invalid snapshot: ${why}`, 'InvalidSnapshot'); }
}
/** Cinder's InvalidInput: `Invalid input received: <why>` (400). */
export class InvalidInput extends BadRequest {
  constructor(why: string) { super(`Invalid input received: ${why}`, 'InvalidInput'); }
}

/** `Invalid input for field/attribute <name>. Value: <v>. <why>` — Cinder's schema validation message. */
export class ValidationError extends BadRequest {
  constructor(path: string, value: unknown, why: string) {
    super(`Invalid input for field/attribute ${path}. Value: ${typeof value === 'string' ? value : JSON.stringify(value)}. ${why}`, 'ValidationError');
  }
}

export class PolicyNotAuthorized extends Forbidden {
  constructor(action: string) { super(`Policy doesn't allow ${action} to be performed.`); }
}

export class VersionNotAcceptable extends NotAcceptable {}

export const renderCinderError: ErrorRenderer = (err: ApiError) => {
  let message = err.message;
  if (err instanceof InvalidAttribute) message = `Invalid input for field/attribute ${err.attribute}. ${err.reason}`;
  if (err instanceof MalformedBody) message = 'Malformed request body';
  if (err.status >= 500 && err.status !== 503) message = 'The server has either erred or is incapable of performing the requested operation.';
  const name = NAMES[err.status] ?? 'computeFault';
  return { [name]: { code: err.status, message } };
};

export { ApiError, BadRequest, Conflict, Forbidden, NotFound };

/** A body that is not the JSON object the action needs. */
export class MalformedBodyError extends BadRequest {
  constructor() { super('Malformed request body', 'MalformedRequestBody'); }
}
