// A plugin's properties schema applied to resolved template properties: unknown and missing
// names, type conversion, defaults and constraints, with Heat's messages and error paths
// ("Property error: resources.net.properties.name: …"). Values not yet resolvable
// (attributes of resources still to be created) are skipped when validating a template.
// OpenStack: heat/engine/properties.py, constraints.py.
import { HeatError, Unresolved, type Json, type JsonMap } from '../template/index.js';
import type { PropertyConstraint, PropertySchema } from './types.js';

export type Resolvedish = Json | Unresolved | { [k: string]: Resolvedish } | Resolvedish[];

/** Throws the property error Heat gives, at `path`. */
function propError(path: string, detail: string): HeatError {
  return new HeatError('StackValidationFailed', detail, [path], 'Property error');
}

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function hasUnresolved(v: unknown): boolean {
  if (v instanceof Unresolved) return true;
  if (Array.isArray(v)) return v.some(hasUnresolved);
  if (v !== null && typeof v === 'object') return Object.values(v).some(hasUnresolved);
  return false;
}

function convert(s: PropertySchema, v: Resolvedish, path: string, partial: boolean): Resolvedish {
  if (v instanceof Unresolved) return v;
  switch (s.type) {
    case 'any':
      return v;
    case 'string':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      throw propError(path, `Value must be a string; got ${show(v)}`);
    case 'integer': {
      const n = typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
      if (typeof n === 'number' && Number.isInteger(n)) return n;
      throw propError(path, `Value '${show(v)}' is not an integer`);
    }
    case 'number': {
      const n = typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
      if (typeof n === 'number' && Number.isFinite(n)) return n;
      throw propError(path, `Value '${show(v)}' is not a number`);
    }
    case 'boolean': {
      if (typeof v === 'boolean') return v;
      const t = typeof v === 'string' ? v.toLowerCase() : '';
      if (['true', 't', 'on', 'y', 'yes', '1'].includes(t)) return true;
      if (['false', 'f', 'off', 'n', 'no', '0'].includes(t)) return false;
      throw propError(path, `"${show(v)}" is not a valid boolean`);
    }
    case 'list': {
      if (!Array.isArray(v)) throw propError(path, `"${show(v)}" is not a list`);
      const item = s.schema?.['*'];
      return item ? v.map((x, i) => checkValue(item, x, `${path}[${i}]`, partial)) : v;
    }
    case 'map': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw propError(path, `"${show(v)}" is not a map`);
      return s.schema ? checkProperties(s.schema, v as Record<string, Resolvedish>, path, partial) : v;
    }
  }
}

function constraintError(c: PropertyConstraint, v: Json): string | null {
  if ('allowed_values' in c) {
    return c.allowed_values.some((a) => a === v) ? null : `"${show(v)}" is not an allowed value [${c.allowed_values.map(show).join(', ')}]`;
  }
  if ('range' in c) {
    const { min, max } = c.range;
    if (typeof v !== 'number') return null;
    return (min !== undefined && v < min) || (max !== undefined && v > max)
      ? `${v} is out of range (min: ${min ?? 'None'}, max: ${max ?? 'None'})` : null;
  }
  if ('length' in c) {
    const len = typeof v === 'string' || Array.isArray(v) ? v.length : null;
    const { min, max } = c.length;
    if (len === null) return null;
    return (min !== undefined && len < min) || (max !== undefined && len > max)
      ? `length (${len}) is out of range (min: ${min ?? 'None'}, max: ${max ?? 'None'})` : null;
  }
  if ('allowed_pattern' in c) {
    return typeof v === 'string' && !new RegExp(`^(?:${c.allowed_pattern})$`).test(v)
      ? `"${v}" does not match pattern "${c.allowed_pattern}"` : null;
  }
  return null;
}

function checkValue(s: PropertySchema, v: Resolvedish, path: string, partial: boolean): Resolvedish {
  if (v === null) return null;
  const out = convert(s, v, path, partial);
  if (!hasUnresolved(out)) {
    for (const c of s.constraints ?? []) {
      const err = constraintError(c, out as Json);
      if (err) throw propError(path, err);
    }
  }
  return out;
}

/**
 * Checks and completes properties against a schema. `partial` (validation before create):
 * unresolved values pass. Returns the properties with defaults filled in (absent and
 * without default: left out).
 */
export function checkProperties(
  schema: Readonly<Record<string, PropertySchema>>, given: Record<string, Resolvedish> | null, path: string, partial = false, open = false,
): Record<string, Resolvedish> {
  const props = given ?? {};
  const out: Record<string, Resolvedish> = {};
  for (const k of Object.keys(props)) {
    if (k in schema) continue;
    if (!open) throw propError(path, `Unknown Property ${k}`);
    out[k] = props[k]!;
  }
  for (const [k, s] of Object.entries(schema)) {
    const v = props[k];
    if (v === undefined || v === null) {
      if (s.default !== undefined) out[k] = s.default;
      else if (s.required && !(partial && k in props)) throw propError(path, `Property ${k} not assigned`);
      continue;
    }
    out[k] = checkValue(s, v, `${path}.${k}`, partial);
  }
  return out;
}

/** Names of properties whose value differs (JSON comparison). */
export function changedProperties(a: JsonMap, b: JsonMap): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify(a[k] ?? null) !== JSON.stringify(b[k] ?? null));
}

/** A schema as `GET resource_types/{type}` shows it. */
export function schemaView(s: PropertySchema): Record<string, unknown> {
  const constraints = (s.constraints ?? []).map((c) => ({ ...c }));
  return {
    type: s.type, description: s.description, required: s.required ?? false, update_allowed: s.update_allowed ?? false,
    immutable: s.immutable ?? false, constraints, ...(s.default !== undefined ? { default: s.default } : {}),
    ...(s.schema ? { schema: Object.fromEntries(Object.entries(s.schema).map(([k, v]) => [k, schemaView(v)])) } : {}),
  };
}
