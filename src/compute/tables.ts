// Nova's rows as stored (booleans 0/1, JSON as text; see store/schema.ts). A server's ports
// are Neutron's (device_id = server id); what runs is the runtime's, observed by the controller.

export interface ComputeTables {
  flavors: {
    id: string; name: string; vcpus: number; ram: number; disk: number; ephemeral: number; swap: number;
    rxtx_factor: number; is_public: number; disabled: number; description: string | null;
    /** JSON object of strings. */
    extra_specs: string; created_at: string;
  };
  flavor_access: { flavor_id: string; project_id: string };
  keypairs: {
    user_id: string; name: string; type: string; public_key: string; fingerprint: string; project_id: string; created_at: string;
  };
  servers: {
    id: string; name: string; project_id: string; user_id: string; image_id: string; flavor_id: string;
    /** The flavor as it was at boot (JSON), as Nova keeps it on the instance. */
    flavor: string;
    key_name: string | null; key_data: string | null; user_data: string | null;
    vm_state: string; task_state: string | null; power_state: number;
    /** JSON {code, message, details, created} or null. */
    fault: string | null;
    metadata: string; tags: string; security_groups: string;
    access_ipv4: string; access_ipv6: string; description: string | null; hostname: string; host: string;
    availability_zone: string; config_drive: string; reservation_id: string; launch_index: number;
    locked: number; locked_reason: string | null;
    /** JSON array of the port ids Nova created for this server (deleted with it). */
    created_ports: string;
    created_at: string; updated_at: string; launched_at: string | null; terminated_at: string | null;
  };
  /** What was done to a server, by whom, and how it ended (`os-instance-actions`). */
  instance_actions: {
    request_id: string; server_id: string; action: string; project_id: string; user_id: string; message: string | null;
    start_time: string; finish_time: string | null; result: string | null;
  };
  compute_quotas: { project_id: string; resource: string; hard_limit: number };
  /** One row per Nova service on a host (nova-compute is this host's runtime; the scheduler and conductor are the API role's work). */
  compute_services: {
    uuid: string; id: number; host: string; binary: string; disabled: number; disabled_reason: string | null; forced_down: number;
    created_at: string; updated_at: string;
  };
  aggregates: { id: number; uuid: string; name: string; availability_zone: string | null; metadata: string; created_at: string; updated_at: string | null };
  aggregate_hosts: { aggregate_id: number; host: string };
  server_groups: { id: string; name: string; project_id: string; user_id: string; policy: string; rules: string; created_at: string };
  server_group_members: { group_id: string; server_id: string };
}
