import { defineResource, nullable, oneOf, str } from '../../core/resource/index.js';
import { enabled, id } from './common.js';

export const endpoint = defineResource({
  singular: 'endpoint', plural: 'endpoints', table: 'endpoints', extra: true,
  attributes: {
    id, enabled,
    service_id: { type: str({ min: 1, max: 64 }), create: 'required', update: true, filter: true },
    interface: { type: oneOf('public', 'internal', 'admin'), create: 'required', update: true, filter: true },
    // OpenStack: v2-style `region`, an alias of region_id that Keystone still takes (and then creates the region).
    region: { type: nullable(str({ max: 255 })), create: true, update: true, stored: false },
    region_id: { type: nullable(str({ max: 255 })), create: true, update: true, filter: true, default: null },
    url: { type: str({ min: 1, max: 225, pattern: /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/\S+$/ }), create: 'required', update: true },
  },
});
