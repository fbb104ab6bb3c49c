import { defineResource, nullable, str } from '../../core/resource/index.js';
import { enabled, id, name, options } from './common.js';

export const user = defineResource({
  singular: 'user', plural: 'users', table: 'users', extra: true,
  attributes: {
    // OpenStack: a user's description (like email) is a free-form extra attribute.
    id, name, enabled, options,
    domain_id: { type: str({ min: 1, max: 64 }), create: true, filter: true },
    default_project_id: { type: nullable(str({ max: 64 })), create: true, update: true },
    password: { type: nullable(str({ max: 4096 })), create: true, update: true, visible: false, stored: false },
    password_expires_at: { type: nullable(str()), stored: false },
    // Written by the service logic only, never shown.
    password_hash: { type: nullable(str()), visible: false },
    password_created_at: { type: nullable(str()), visible: false },
    created_at: { type: str(), visible: false },
  },
});
