import { bool, defineResource, int, json, listOf, microTimestamp, nullable, str, strictBool } from '../../core/resource/index.js';
import { id } from './common.js';

const roleRef = json<{ id?: string; name?: string }>('role reference', (v) =>
  v !== null && typeof v === 'object' && Object.keys(v).length === 1 && (typeof (v as { id?: unknown }).id === 'string' || typeof (v as { name?: unknown }).name === 'string')
    ? undefined : `${JSON.stringify(v)} is not a role reference ({"id": …} or {"name": …})`);

export const trust = defineResource({
  singular: 'trust', plural: 'trusts', table: 'trusts', extra: true,
  attributes: {
    id,
    trustor_user_id: { type: str({ min: 1, max: 64 }), create: 'required', filter: true },
    trustee_user_id: { type: str({ min: 1, max: 64 }), create: 'required', filter: true },
    project_id: { type: nullable(str({ max: 64 })), create: true, default: null },
    impersonation: { type: strictBool, create: 'required' },
    expires_at: { type: nullable(microTimestamp), create: true, default: null },
    remaining_uses: { type: nullable(int({ min: 1 })), create: true, default: null },
    allow_redelegation: { type: nullable(bool), create: true, default: false },
    redelegation_count: { type: nullable(int({ min: 0 })), create: true, default: 0 },
    roles: { type: listOf(roleRef), create: true, default: [] },
  },
});
