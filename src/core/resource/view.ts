// Rows ↔ values ↔ responses. Column name = attribute name; `extra` holds a definition's
// free-form attributes. A view shows visible attributes only, narrowed by `fields=`.
import { attributeOf, type ResourceDef, type Values } from './define.js';

export function toRow(def: ResourceDef, values: Values, extra?: Values): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(values)) {
    const attr = attributeOf(def, key);
    if (!attr || attr.stored === false) continue;
    row[key] = attr.type.toDb && v !== undefined ? attr.type.toDb(v) : v;
  }
  if (def.extra && extra) row.extra = JSON.stringify(extra);
  return row;
}

export function fromRow(def: ResourceDef, row: Record<string, unknown>): Values {
  const values: Values = def.extra && typeof row.extra === 'string' ? JSON.parse(row.extra) : {};
  for (const [key, attr] of Object.entries(def.attributes)) {
    if (attr.stored === false || !(key in row)) continue;
    const v = row[key];
    values[key] = attr.type.fromDb ? attr.type.fromDb(v) : v;
  }
  return values;
}

/** The response shape of one resource: visible attributes (and extras), narrowed by `fields`. */
export function view(def: ResourceDef, values: Values, fields?: readonly string[]): Values {
  const out: Values = {};
  for (const [key, v] of Object.entries(values)) {
    const attr = attributeOf(def, key);
    if (attr ? attr.visible === false : !def.extra) continue;
    if (fields?.length && !fields.includes(key)) continue;
    out[key] = v;
  }
  return out;
}
