// The volume type (Cinder's VolumeType): body checks and columns. `__DEFAULT__` is seeded by
// migration 0030; access lists are for private types.
import { bool, defineResource, json, nullable, str } from '../../core/resource/index.js';

const text = (max: number, min = 0) => ({
  ...str({ min, max }),
  check: (v: unknown) => (typeof v !== 'string' ? `Value: ${JSON.stringify(v)}. ${JSON.stringify(v)} is not of type 'string'`
    : v.trim().length < min ? `Value: ${v}. '${v}' is too short` : v.length > max ? `Value: ${v}. '${v}' is too long` : undefined),
});

/** Extra specs: a dict of strings (Cinder accepts booleans and numbers and keeps them as text). */
export const extraSpecs = json<Record<string, string>>('dict', (v) => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return `Value: ${JSON.stringify(v)}. ${JSON.stringify(v)} is not of type 'object'`;
  for (const [k, x] of Object.entries(v)) {
    if (!/^[\w.:\- /]{1,255}$/.test(k)) return `Value: ${JSON.stringify(v)}. '${k}' does not match any of the regexes: '^[a-zA-Z0-9-_:. /]{1,255}$'`;
    if (!['string', 'number', 'boolean'].includes(typeof x) || String(x).length > 255) return `Value: ${JSON.stringify(v)}. ${JSON.stringify(x)} is not of type 'string', 'integer', 'boolean'`;
  }
  return undefined;
});

export const volumeType = defineResource({
  singular: 'volume_type', plural: 'volume_types', table: 'volume_types',
  attributes: {
    id: { type: str(), sort: true },
    name: { type: text(255, 1), create: 'required', update: true, sort: true, filter: true },
    description: { type: nullable(text(255)), create: true, update: true, default: null },
    is_public: { type: bool, create: true, update: true, default: true, filter: true },
    'os-volume-type-access:is_public': { type: bool, create: true, stored: false },
    extra_specs: { type: extraSpecs, create: true, default: {} },
    created_at: { type: str(), sort: true },
    updated_at: { type: nullable(str()) },
  },
});

export type VolumeTypeRow = {
  id: string; name: string; description: string | null; is_public: boolean; extra_specs: Record<string, string>; created_at: string; updated_at: string | null;
};
