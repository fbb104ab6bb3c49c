// Cinder's quotas: per-project limits over Cinder's defaults (volumes, snapshots, gigabytes and
// their per-type forms `volumes_<type>` …), usage counted from the rows in the creating
// transaction — snapshots count against gigabytes, as Cinder's default does. Over a limit is a
// 413 in Cinder's words.
import type { Store, Tx } from '../store/index.js';
import { OverLimit } from './errors.js';

/** Cinder's defaults; -1 is unlimited. */
export const QUOTA_DEFAULTS: Record<string, number> = {
  volumes: 10, snapshots: 10, gigabytes: 1000, per_volume_gigabytes: -1, backups: 10, backup_gigabytes: 1000, groups: 10,
};
const PER_TYPE = ['volumes', 'snapshots', 'gigabytes'];

type Db = Store['db'] | Tx['db'];

/** Every quota resource's limit for `project`, the per-type ones for every type there is. */
export async function quotaLimits(db: Db, project: string): Promise<Record<string, number>> {
  const out: Record<string, number> = { ...QUOTA_DEFAULTS };
  for (const t of await db.selectFrom('volume_types').select('name').orderBy('name').execute()) for (const r of PER_TYPE) out[`${r}_${t.name}`] = -1;
  for (const r of await db.selectFrom('volume_quotas').selectAll().where('project_id', '=', project).execute()) out[r.resource] = r.hard_limit;
  return out;
}

/** What `project` uses of each resource (per type too). */
export async function quotaUsage(db: Db, project: string): Promise<Record<string, number>> {
  const vols = await db.selectFrom('volumes').innerJoin('volume_types', 'volume_types.id', 'volumes.volume_type_id')
    .select(['volumes.size', 'volume_types.name as type']).where('volumes.project_id', '=', project).execute();
  const snaps = await db.selectFrom('volume_snapshots').innerJoin('volumes', 'volumes.id', 'volume_snapshots.volume_id')
    .innerJoin('volume_types', 'volume_types.id', 'volumes.volume_type_id')
    .select(['volume_snapshots.size', 'volume_types.name as type']).where('volume_snapshots.project_id', '=', project).execute();
  const out: Record<string, number> = { volumes: 0, snapshots: 0, gigabytes: 0, backups: 0, backup_gigabytes: 0, groups: 0, per_volume_gigabytes: 0 };
  const add = (k: string, n: number) => { out[k] = (out[k] ?? 0) + n; };
  for (const v of vols) { add('volumes', 1); add('gigabytes', v.size); add(`volumes_${v.type}`, 1); add(`gigabytes_${v.type}`, v.size); }
  for (const s of snaps) { add('snapshots', 1); add('gigabytes', s.size); add(`snapshots_${s.type}`, 1); add(`gigabytes_${s.type}`, s.size); }
  return out;
}

/** Throws Cinder's 413 when adding `count` of `kind` (volumes or snapshots) of `gigabytes` GiB of type `typeName` would pass a limit. */
export async function checkQuota(tx: Tx, project: string, kind: 'volumes' | 'snapshots', gigabytes: number, typeName: string): Promise<void> {
  const limits = await quotaLimits(tx.db, project);
  const used = await quotaUsage(tx.db, project);
  const perVolume = limits['per_volume_gigabytes']!;
  if (kind === 'volumes' && perVolume >= 0 && gigabytes > perVolume) {
    throw new OverLimit(`Requested volume size ${gigabytes}G is larger than maximum allowed limit ${perVolume}G.`, 'VolumeSizeExceedsLimit');
  }
  for (const name of [kind, `${kind}_${typeName}`]) {
    const limit = limits[name] ?? -1;
    if (limit >= 0 && (used[name] ?? 0) + 1 > limit) {
      throw new OverLimit(kind === 'volumes' ? `Maximum number of volumes allowed (${limit}) exceeded for quota '${name}'.` : `Maximum number of snapshots allowed (${limit}) exceeded`,
        kind === 'volumes' ? 'VolumeLimitExceeded' : 'SnapshotLimitExceeded');
    }
  }
  for (const name of ['gigabytes', `gigabytes_${typeName}`]) {
    const limit = limits[name] ?? -1;
    const consumed = used[name] ?? 0;
    if (limit >= 0 && consumed + gigabytes > limit) {
      throw new OverLimit(`Requested volume or snapshot exceeds allowed ${name} quota. Requested ${gigabytes}G, quota is ${limit}G and ${consumed}G has been consumed.`,
        kind === 'volumes' ? 'VolumeSizeExceedsAvailableQuota' : 'SnapshotSizeExceedsAvailableQuota');
    }
  }
}

/** A size change of an existing volume (os-extend): only gigabytes count. */
export async function checkGigabytes(tx: Tx, project: string, more: number, typeName: string): Promise<void> {
  const limits = await quotaLimits(tx.db, project);
  const used = await quotaUsage(tx.db, project);
  for (const name of ['gigabytes', `gigabytes_${typeName}`]) {
    const limit = limits[name] ?? -1;
    const consumed = used[name] ?? 0;
    if (limit >= 0 && consumed + more > limit) {
      throw new OverLimit(`Requested volume or snapshot exceeds allowed ${name} quota. Requested ${more}G, quota is ${limit}G and ${consumed}G has been consumed.`, 'VolumeSizeExceedsAvailableQuota');
    }
  }
}
