// The CNI spec's error object and codes (SPEC.md "Error": 1-51 are the spec's, 100+ Pier's own),
// and how any failure of a command becomes one: Networking's errors keep their Neutron type and
// message, anything unexpected is 999 (libcni's ErrInternal) with its message.
import { ApiError } from '../../core/errors.js';

export const CNI_CODES = {
  incompatibleVersion: 1,
  unsupportedField: 2,
  invalidEnvironment: 4,
  decodingFailure: 6,
  invalidConfig: 7,
  tryAgainLater: 11,
  notAvailable: 50,
  /** Networking refused the port (quota, no free address, …): details carry Neutron's message. */
  networkingRefused: 100,
  /** The dataplane could not plug the port into the container. */
  plugFailed: 101,
  /** CHECK found the attachment not as it should be. */
  checkFailed: 102,
  internal: 999,
} as const;

export class CniError extends Error {
  constructor(readonly code: number, msg: string, readonly details = '') { super(msg); }
}

export interface CniErrorObject { cniVersion: string; code: number; msg: string; details?: string }

export function errorObject(err: unknown, cniVersion: string): CniErrorObject {
  const e = err instanceof CniError ? err
    : err instanceof ApiError ? new CniError(CNI_CODES.networkingRefused, `Networking refused: ${err.type}`, err.message)
    : new CniError(CNI_CODES.internal, (err as Error).message ?? String(err));
  return { cniVersion, code: e.code, msg: e.message, ...(e.details ? { details: e.details } : {}) };
}
