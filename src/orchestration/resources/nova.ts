// What the OS::Nova::* plugins share: reads that treat Nova's NotFound as "gone", and deletes
// that treat an already deleted resource as done.
import { ApiError } from '../../core/errors.js';

export const isGone = (e: unknown): boolean => e instanceof ApiError && e.status === 404;

/** Runs `act`, answering `fallback` when what it reads is gone. */
export async function unlessGone<T>(act: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await act();
  } catch (e) {
    if (isGone(e)) return fallback;
    throw e;
  }
}

/** Heat's ResourceInError: the server (or other) went to an error status, with Nova's fault. */
export class ResourceInError extends Error {
  override readonly name = 'ResourceInError';
  constructor(status: string, reason: string) { super(`Went to status ${status} due to "${reason}"`); }
}
