// The noop driver: touches nothing. Ports attached to this host go ACTIVE (and admin-down ones
// DOWN), so the API behaves as OpenStack does over a fake backend.
import type { DesiredState, NetworkDriver, PortObserved, SyncHint, SyncResult } from '../driver.js';

export class NoopDriver implements NetworkDriver {
  readonly name = 'noop';
  readonly segmentTypes = ['flat', 'vlan', 'vxlan', 'local'] as const;

  async sync(desired: DesiredState, hint?: SyncHint): Promise<SyncResult> {
    const ports = new Map<string, PortObserved>();
    for (const p of desired.ports) if (!hint || hint.ports.has(p.id)) ports.set(p.id, { status: p.adminUp ? 'ACTIVE' : 'DOWN' });
    return { ports, vifType: 'other', vifDetails: {} };
  }

  async destroy(): Promise<void> {}
}
