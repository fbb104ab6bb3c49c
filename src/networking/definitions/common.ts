// Neutron's standard attributes, on every resource that has them: id, project_id (and its old
// name tenant_id), name, description, created_at, updated_at, revision_number, tags.
import { int, listOf, str, uuid, type Attribute } from '../../core/resource/index.js';

export const id: Attribute<string> = { type: uuid, filter: true, sort: true };
export const projectId: Attribute<string> = { type: str({ max: 255 }), create: true, filter: true, sort: true };
export const tenantId: Attribute<string> = { type: str({ max: 255 }), create: true, filter: true, stored: false };
export const name: Attribute<string> = { type: str({ max: 255 }), create: true, update: true, default: '', filter: true, sort: true };
export const description: Attribute<string> = { type: str({ max: 255 }), create: true, update: true, default: '', filter: true };

/** id, project_id, tenant_id: every Neutron resource. */
export const owned = { id, project_id: projectId, tenant_id: tenantId };

/** Timestamps, revision and tags: resources with Neutron's standard attributes. */
export const standard = {
  created_at: { type: str(), filter: true, sort: true },
  updated_at: { type: str(), filter: true, sort: true },
  revision_number: { type: int({ min: 0 }), filter: true, sort: true },
  tags: { type: listOf(str()), stored: false },
} satisfies Record<string, Attribute>;
