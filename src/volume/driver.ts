// The volume driver interface: what the volume controller (and a compute host attaching a
// volume) asks of a backend. Plain data in and out, no HTTP, no SQL; every operation is
// idempotent (creating what exists, deleting what is gone, attaching what is attached all
// succeed), so a controller can retry after any crash.

/** Where a new volume's bytes come from. */
export type VolumeSource =
  | { kind: 'blank' }
  | { kind: 'snapshot'; snapshotId: string }
  | { kind: 'volume'; volumeId: string }
  /** An image's root filesystem (a tarball on this host) written onto the volume's filesystem. */
  | { kind: 'image'; path: string };

/** What the driver sees on this host: for resync and garbage collection. */
export interface VolumeObserved {
  volumes: string[];
  snapshots: string[];
  /** Volume id → its host block device, for every volume attached to this host. */
  attached: Map<string, string>;
}

export interface VolumeDriver {
  /** `file` */
  readonly name: string;
  /** Makes volume `id` of `sizeGb` GiB from `source`. Throws an Error saying why; then nothing of it is left. */
  create(id: string, sizeGb: number, source: VolumeSource): Promise<void>;
  /** Removes the volume's bytes (detaching it first if it is attached here). */
  delete(id: string): Promise<void>;
  /** Grows the volume to `sizeGb` GiB, and its filesystem with it (online when attached). */
  extend(id: string, sizeGb: number): Promise<void>;
  /** Takes a point-in-time copy of volume `volumeId` as snapshot `snapshotId`. */
  snapshot(volumeId: string, snapshotId: string): Promise<void>;
  deleteSnapshot(snapshotId: string): Promise<void>;
  /** Makes the volume's bytes those of the snapshot again (the volume is not attached). */
  revert(volumeId: string, snapshotId: string): Promise<void>;
  /**
   * Attaches the volume to this host as a block device and returns its path; a blank volume
   * gets a filesystem here (the first attach). Attached already: the same device.
   */
  attach(id: string): Promise<string>;
  /** Writes the volume's file system, as a root-filesystem tarball, to `tarball` (the volume is not attached). */
  exportFilesystem(id: string, tarball: string): Promise<void>;
  /** Detaches the volume from this host; not attached is success. */
  detach(id: string): Promise<void>;
  /** What exists on this host. */
  observe(): Promise<VolumeObserved>;
}
