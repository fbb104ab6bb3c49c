// OS-EP-FILTER endpoint groups: a named filter over the catalog's endpoints.
import { defineResource, json, nullable, str } from '../../core/resource/index.js';
import { id, name } from './common.js';

const FILTER_KEYS = ['service_id', 'region_id', 'interface'];

/** OpenStack: Keystone accepts only these keys, each a string, in an endpoint group's filters. */
const filters = json<Record<string, string>>('endpoint filters', (v) => {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.keys(v).length) return `${JSON.stringify(v)} is not a non-empty object`;
  for (const [k, x] of Object.entries(v)) {
    if (!FILTER_KEYS.includes(k)) return `'${k}' is not a valid filter (one of ${FILTER_KEYS.join(', ')})`;
    if (typeof x !== 'string') return `${JSON.stringify(x)} is not a valid string`;
  }
  return undefined;
});

export const endpointGroup = defineResource({
  singular: 'endpoint_group', plural: 'endpoint_groups', table: 'endpoint_groups', extra: true,
  attributes: {
    id, name,
    description: { type: nullable(str({ max: 65535 })), create: true, update: true, default: null },
    filters: { type: filters, create: 'required', update: true },
  },
});
