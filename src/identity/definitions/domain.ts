import { defineResource } from '../../core/resource/index.js';
import { description, enabled, id, options, shortName as name, tags } from './common.js';

export const domain = defineResource({
  singular: 'domain', plural: 'domains', table: 'domains', extra: true,
  attributes: { id: { ...id, create: true }, name, description, enabled, tags, options },
});
