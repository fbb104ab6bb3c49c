import { defineResource, nullable, str } from '../../core/resource/index.js';
import { id } from './common.js';

export const consumer = defineResource({
  singular: 'consumer', plural: 'consumers', table: 'consumers', extra: true,
  attributes: {
    id,
    description: { type: nullable(str({ max: 64 })), create: true, update: true, default: null },
    secret_hash: { type: str(), visible: false },
  },
});
