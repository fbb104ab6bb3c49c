// What the OS::Cinder::* plugins share: Cinder's service functions (Block Storage must run in
// this process), and a volume's status read as Heat's cinder plugin reads it.
import type { VolumeService } from '../../volume/index.js';
import { ResourceInError, unlessGone } from './nova.js';
import type { ResourceContext } from './types.js';

export function cinderOf(ctx: ResourceContext): VolumeService {
  if (!ctx.volume) throw new Error('Block Storage (Cinder) does not run in this cloud');
  return ctx.volume;
}

/** True once the volume is `want`; an error status fails with Cinder's status. Gone counts as `gone`. */
export async function volumeReached(ctx: ResourceContext, id: string, want: string | string[]): Promise<boolean> {
  const v = await unlessGone(() => cinderOf(ctx).showVolume(ctx.caller, id), null);
  const wanted = [want].flat();
  if (!v) return wanted.includes('gone');
  const status = String(v['status']);
  if (wanted.includes(status)) return true;
  if (status.startsWith('error')) throw new ResourceInError(status, 'Unknown');
  return false;
}
