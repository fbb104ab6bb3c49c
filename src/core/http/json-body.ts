// Request bodies as the edge reads them: JSON, nested at most MAX_DEPTH deep (deeper bodies
// would overflow the stack of every recursive walk behind the parser — a copy, a stringify, a
// message), and an object at the top unless the media type says otherwise (JSON patch).
import { BadRequest, MalformedBody } from '../errors.js';

/** Deeper than any OpenStack body or Heat template; shallow enough for any recursion after it. */
export const MAX_DEPTH = 100;

/** The nesting depth of JSON text, counted outside strings, stopping past `limit`. */
export function jsonDepth(text: string, limit = MAX_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) { if (++depth > max && (max = depth) > limit) return max; }
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/** Parses a request body; undefined for an empty one. Throws MalformedBody for anything else refused. */
export function parseJsonBody(text: string, opts: { topLevel?: 'object' | 'any' } = {}): unknown {
  if (!text.trim()) return undefined;
  if (jsonDepth(text) > MAX_DEPTH) throw new MalformedBody(`JSON nested deeper than ${MAX_DEPTH} levels`);
  let body: unknown;
  try { body = JSON.parse(text); } catch { throw new MalformedBody('Malformed JSON in request body'); }
  // No stored text may hold a NUL (PostgreSQL's cannot): refused alike on every store.
  if (/\\u0000/i.test(text) && hasNul(body)) throw new BadRequest('The request body contains a NUL character.', 'HTTPBadRequest');
  // `null` is how clients serialise "no body" (Tempest's tag PUT): as an empty body.
  if (body === null) return undefined;
  // OpenStack: request bodies are JSON objects; handlers may rely on that.
  if ((opts.topLevel ?? 'object') === 'object' && (typeof body !== 'object' || Array.isArray(body))) {
    throw new MalformedBody('The request body must be a JSON object');
  }
  return body;
}

/** Whether a string or key anywhere in `v` holds a NUL (depth is bounded before this runs). */
function hasNul(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\0');
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some(hasNul);
  return Object.entries(v).some(([k, x]) => k.includes('\0') || hasNul(x));
}
