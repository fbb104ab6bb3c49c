import { bool, defineResource, nullable, str } from '../../core/resource/index.js';
import { description, enabled, id, options, shortName as name, tags } from './common.js';

export const project = defineResource({
  singular: 'project', plural: 'projects', table: 'projects', extra: true,
  attributes: {
    id, name, description, enabled, tags, options,
    domain_id: { type: str({ min: 1, max: 64 }), create: true, filter: true },
    parent_id: { type: nullable(str({ max: 64 })), create: true, filter: true },
    // OpenStack: projects acting as domains are not modelled; always false here.
    is_domain: { type: bool, create: true, filter: true, stored: false, default: false },
  },
});
