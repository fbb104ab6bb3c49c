// The policies API: opaque blobs Keystone stores for other services (it enforces none of them).
import { defineResource, str } from '../../core/resource/index.js';
import { id } from './common.js';

export const policy = defineResource({
  singular: 'policy', plural: 'policies', table: 'policies', extra: true,
  attributes: {
    id,
    type: { type: str({ min: 1, max: 255 }), create: 'required', update: true, filter: true },
    blob: { type: str({ min: 1, max: 65535 }), create: 'required', update: true },
  },
});
