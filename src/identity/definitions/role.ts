import { defineResource, nullable, str } from '../../core/resource/index.js';
import { description, id, name, options } from './common.js';

export const role = defineResource({
  singular: 'role', plural: 'roles', table: 'roles',
  attributes: { id, name, description, options, domain_id: { type: nullable(str({ max: 64 })), create: true, filter: true, default: null } },
});
