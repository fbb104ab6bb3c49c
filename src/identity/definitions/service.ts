import { defineResource, str } from '../../core/resource/index.js';
import { description, enabled, id } from './common.js';

export const service = defineResource({
  singular: 'service', plural: 'services', table: 'services', extra: true,
  attributes: {
    id, description, enabled,
    type: { type: str({ min: 1, max: 255 }), create: 'required', update: true, filter: true },
    name: { type: str({ max: 255 }), create: true, update: true, filter: true, default: '' },
  },
});
