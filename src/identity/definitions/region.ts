import { defineResource, nullable, str } from '../../core/resource/index.js';
import { description } from './common.js';

export const region = defineResource({
  singular: 'region', plural: 'regions', table: 'regions', extra: true,
  attributes: {
    id: { type: str({ min: 1, max: 255 }), create: true, filter: true, sort: true },
    description,
    parent_region_id: { type: nullable(str({ max: 255 })), create: true, update: true, filter: true, default: null },
  },
});
