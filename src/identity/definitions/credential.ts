import { defineResource, nullable, str } from '../../core/resource/index.js';
import { id } from './common.js';

export const credential = defineResource({
  singular: 'credential', plural: 'credentials', table: 'credentials', extra: true,
  attributes: {
    id,
    user_id: { type: str({ min: 1, max: 64 }), create: 'required', update: true, filter: true },
    project_id: { type: nullable(str({ max: 64 })), create: true, update: true, default: null },
    type: { type: str({ min: 1, max: 255 }), create: 'required', update: true, filter: true },
    blob: { type: str({ min: 1, max: 65535 }), create: 'required', update: true },
  },
});
