// The snapshot (Cinder's Snapshot): body checks, columns, filters and sort keys.
import { bool, defineResource, nullable, str } from '../../core/resource/index.js';
import { metadata } from './volume.js';

const text = nullable({ ...str({ max: 255 }), check: (v: unknown) => (v === null || typeof v === 'string' ? (typeof v === 'string' && v.length > 255 ? `Value: ${v}. '${v}' is too long` : undefined) : `Value: ${JSON.stringify(v)}. ${JSON.stringify(v)} is not of type 'string', 'null'`) });

export const snapshot = defineResource({
  singular: 'snapshot', plural: 'snapshots', table: 'volume_snapshots',
  attributes: {
    id: { type: str(), sort: true },
    volume_id: { type: str({ min: 1 }), create: 'required', filter: true, sort: true },
    project_id: { type: str(), sort: true },
    user_id: { type: str() },
    name: { type: text, create: true, update: true, default: null, filter: true, sort: true },
    description: { type: text, create: true, update: true, default: null },
    size: { type: str(), sort: true },
    status: { type: str(), filter: true, sort: true },
    metadata: { type: metadata, create: true, update: true, default: {} },
    force: { type: nullable(bool), create: true, default: null, stored: false },
    created_at: { type: str(), sort: true },
    updated_at: { type: nullable(str()), sort: true },
    display_name: { type: text, create: true, update: true, stored: false },
    display_description: { type: text, create: true, update: true, stored: false },
  },
});

export type SnapshotRow = {
  id: string; volume_id: string; project_id: string; user_id: string; name: string | null; description: string | null;
  size: number; status: string; metadata: Record<string, string>; created_at: string; updated_at: string | null;
};
