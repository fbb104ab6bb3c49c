// User messages (`/messages`, 3.3+): why an asynchronous operation on a volume or snapshot
// failed, as Cinder records them for the project to read; they expire after 30 days.
import { newUuid } from '../core/ids.js';
import type { Store } from '../store/index.js';
import { stamp } from './context.js';

/** Cinder's event ids for the failures Pier records. */
export const EVENTS = {
  createVolume: { id: 'VOLUME_VOLUME_001_003', action: 'create volume' },
  extendVolume: { id: 'VOLUME_VOLUME_007_004', action: 'extend volume' },
  deleteVolume: { id: 'VOLUME_VOLUME_006_004', action: 'delete volume' },
  revertVolume: { id: 'VOLUME_VOLUME_013_004', action: 'revert volume' },
  attachVolume: { id: 'VOLUME_VOLUME_002_004', action: 'attach volume' },
  uploadImage: { id: 'VOLUME_VOLUME_005_004', action: 'copy volume to image' },
  createSnapshot: { id: 'VOLUME_SNAPSHOT_004_004', action: 'create snapshot' },
  deleteSnapshot: { id: 'VOLUME_SNAPSHOT_003_004', action: 'delete snapshot' },
} as const;

export async function recordMessage(
  store: Store, m: { projectId: string; resourceType: 'VOLUME' | 'VOLUME_SNAPSHOT'; resourceId: string; event: (typeof EVENTS)[keyof typeof EVENTS]; reason: string },
): Promise<void> {
  const now = Date.now();
  await store.tx(async (tx) => {
    await tx.db.insertInto('volume_messages').values({
      id: newUuid(), project_id: m.projectId, request_id: `req-${newUuid()}`, resource_type: m.resourceType, resource_uuid: m.resourceId,
      event_id: m.event.id, message_level: 'ERROR', user_message: `${m.event.action}: ${m.reason}`, created_at: stamp(now), expires_at: stamp(now + 30 * 86_400_000),
    }).execute();
  });
}
