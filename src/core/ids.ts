// Identifiers and timestamps in the forms OpenStack puts on the wire.
import { randomBytes, randomUUID } from 'node:crypto';

/** A dashed UUID (Neutron, Nova, Glance, Heat ids). */
export const newUuid = (): string => randomUUID();

/** A UUID as 32 hex digits (Keystone ids). */
export const newHexId = (): string => randomUUID().replace(/-/g, '');

/** 22 url-safe characters, as Keystone's audit ids. */
export const newAuditId = (): string => randomBytes(16).toString('base64url');

/** `2026-11-25T08:13:53.000000Z`: Keystone's token timestamps (microseconds). */
export function isoMicro(ms: number | string, zulu = true): string {
  const d = new Date(ms);
  return `${d.toISOString().slice(0, 19)}.${String(d.getUTCMilliseconds()).padStart(3, '0')}000${zulu ? 'Z' : ''}`;
}

/** `2026-11-25T08:13:53Z`: Neutron's created_at / updated_at. */
export function isoSeconds(ms: number | string = Date.now()): string {
  if (typeof ms !== 'number') return `${new Date(ms).toISOString().slice(0, 19)}Z`;
  // Many rows are stamped within one second: format each second once.
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) [lastSecond, lastStamp] = [second, `${new Date(second * 1000).toISOString().slice(0, 19)}Z`];
  return lastStamp;
}
let lastSecond = NaN;
let lastStamp = '';
