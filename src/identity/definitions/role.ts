import { defineResource, nullable, str } from '../../core/resource/index.js';
import { description, id, name, options } from './common.js';

export const role = defineResource({
  singular: 'role', plural: 'roles', table: 'roles', extra: true,
  attributes: { id, name, options, description: { ...description, default: null }, domain_id: { type: nullable(str({ max: 64 })), create: true, filter: true, default: null } },
});
