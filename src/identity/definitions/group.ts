import { defineResource, str } from '../../core/resource/index.js';
import { description, id, name } from './common.js';

export const group = defineResource({
  singular: 'group', plural: 'groups', table: 'groups', extra: true,
  attributes: { id, name, description, domain_id: { type: str({ min: 1, max: 64 }), create: true, filter: true } },
});
