// Cinder's rows as stored (booleans 0/1, JSON as text; see store/schema.ts). A volume's bytes
// are the driver's (a file per volume); its status is what the volume controller last wrote.

export interface VolumeTables {
  volumes: {
    id: string; project_id: string; user_id: string; name: string | null; description: string | null;
    size: number; status: string; attach_status: string; availability_zone: string; host: string;
    bootable: number; readonly: number; multiattach: number;
    volume_type_id: string; snapshot_id: string | null; source_volid: string | null; image_id: string | null;
    /** JSON object of strings. */
    metadata: string;
    /** JSON object of the image's properties, for a volume made from one (volume_image_metadata). */
    image_metadata: string | null;
    /** The size asked by os-extend, while extending. */
    new_size: number | null;
    /** The status before a transient one (detaching → back to it on os-roll_detaching). */
    previous_status: string | null;
    /** The Glance image os-volume_upload_image fills, while uploading. */
    upload_image_id: string | null;
    created_at: string; updated_at: string | null; launched_at: string | null;
  };
  volume_snapshots: {
    id: string; volume_id: string; project_id: string; user_id: string; name: string | null; description: string | null;
    size: number; status: string; metadata: string; created_at: string; updated_at: string | null;
  };
  volume_types: {
    id: string; name: string; description: string | null; is_public: number; extra_specs: string; created_at: string; updated_at: string | null;
  };
  volume_type_access: { volume_type_id: string; project_id: string };
  /** An attachment of a volume to a server (or a host): Cinder's, with Nova's block-device fields beside. */
  volume_attachments: {
    id: string; volume_id: string; project_id: string; instance_uuid: string | null; attached_host: string | null;
    mountpoint: string | null; attach_status: string; attach_mode: string; connector: string | null;
    /** Nova's: the device tag and whether the volume goes with its server. */
    tag: string | null; delete_on_termination: number;
    attach_time: string | null; detach_time: string | null; created_at: string; updated_at: string | null;
  };
  volume_quotas: { project_id: string; resource: string; hard_limit: number };
  /** User messages (`/messages`): why a volume ended in error. */
  volume_messages: {
    id: string; project_id: string; request_id: string; resource_type: string; resource_uuid: string | null;
    event_id: string; message_level: string; user_message: string; created_at: string; expires_at: string;
  };
}
