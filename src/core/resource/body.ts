// Request bodies against a definition: unknown and read-only attributes are refused by name, types
// are checked (the first failure is reported), values converted, defaults filled on create.
import { InvalidAttribute, MalformedBody } from '../errors.js';
import { attributeOf, type ResourceDef, type Values } from './define.js';

export interface CheckedBody {
  values: Values;
  /** Unknown attributes kept for a definition with `extra`. */
  extra: Values;
}

/** The `{"<singular>": {...}}` envelope's content, or a MalformedBody error. */
export function unwrap(def: ResourceDef, body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new MalformedBody('Body contains invalid json');
  const inner = (body as Record<string, unknown>)[def.singular];
  if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) {
    throw new MalformedBody(`Resource body required: a '${def.singular}' object`);
  }
  return inner as Record<string, unknown>;
}

export function checkBody(def: ResourceDef, input: Record<string, unknown>, mode: 'create' | 'update'): CheckedBody {
  const values: Values = {};
  const extra: Values = {};
  for (const [key, raw] of Object.entries(input)) {
    const attr = attributeOf(def, key);
    if (!attr) {
      if (def.extra) { extra[key] = raw; continue; }
      throw new InvalidAttribute(key, `Unrecognized attribute(s) '${key}'`, 'unknown');
    }
    const allowed = mode === 'create' ? attr.create : attr.update;
    if (!allowed) throw new InvalidAttribute(key, `Attribute '${key}' not allowed in ${mode === 'create' ? 'POST' : 'PUT'}`, 'readonly');
    const message = attr.type.check(raw);
    if (message) {
      const converts = typeof attr.type.converts === 'function' ? attr.type.converts(raw) : attr.type.converts;
      throw new InvalidAttribute(key, message, converts ? 'convert' : 'invalid');
    }
    values[key] = attr.type.convert ? attr.type.convert(raw) : raw;
  }
  if (mode === 'create') {
    for (const [key, attr] of Object.entries(def.attributes)) {
      if (key in values) continue;
      if (attr.create === 'required') throw new InvalidAttribute(key, `Failed to parse request. Required attribute '${key}' not specified`, 'required');
      if (attr.default !== undefined) {
        values[key] = typeof attr.default === 'function' ? (attr.default as (b: Values) => unknown)(values) : copy(attr.default);
      }
    }
  }
  return { values, extra };
}

/** A fresh copy of a default (JSON-like: primitives, arrays, plain objects); structuredClone is slower for these. */
function copy(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(copy);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = copy(x);
  return out;
}
