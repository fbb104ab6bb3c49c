import { bool, defineResource, json, listOf, microTimestamp, nullable, str } from '../../core/resource/index.js';
import { id, name } from './common.js';

const roleRef = json<{ id?: string; name?: string }>('role reference', (v) =>
  v !== null && typeof v === 'object' && (typeof (v as { id?: unknown }).id === 'string' || typeof (v as { name?: unknown }).name === 'string')
    ? undefined : `${JSON.stringify(v)} is not a role reference ({"id": …} or {"name": …})`);

export const applicationCredential = defineResource({
  singular: 'application_credential', plural: 'application_credentials', table: 'application_credentials',
  attributes: {
    id, name,
    description: { type: nullable(str({ max: 255 })), create: true, default: null },
    secret: { type: str({ min: 1, max: 4096 }), create: true, stored: false },
    expires_at: { type: nullable(microTimestamp), create: true, default: null },
    unrestricted: { type: bool, create: true, default: false },
    roles: { type: listOf(roleRef), create: true },
    access_rules: { type: listOf(json()), create: true, default: [] },
    project_id: { type: str(), filter: true },
    user_id: { type: str() },
  },
});
