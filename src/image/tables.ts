// Glance's rows as stored (booleans 0/1, JSON as text; see store/schema.ts). Image data itself
// lives in files under `<dataDir>/images/`, never in the database.

export interface ImageTables {
  images: {
    id: string; name: string | null; status: string; visibility: string; protected: number; os_hidden: number;
    checksum: string | null; os_hash_algo: string | null; os_hash_value: string | null;
    size: number | string | null; virtual_size: number | string | null; min_disk: number; min_ram: number;
    disk_format: string | null; container_format: string | null; owner: string | null;
    /** Additional (free-form) properties, a JSON object of strings. */
    properties: string;
    /** JSON array of tag strings. */
    tags: string;
    created_at: string; updated_at: string;
  };
  image_members: { image_id: string; member_id: string; status: string; created_at: string; updated_at: string };
  /** Images Pier registered itself once (`busybox`): a deleted one is not brought back. */
  image_seeds: { name: string; image_id: string; created_at: string };
}
