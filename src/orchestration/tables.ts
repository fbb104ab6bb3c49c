// Orchestration's rows as stored (JSON as text, booleans 0/1; see store/schema.ts).

export interface OrchestrationTables {
  heat_stacks: {
    id: string; name: string; project_id: string;
    /** The owner's identity as JSON (StackOwner): who the engine acts as. */
    owner: string;
    parent_id: string | null; parent_resource: string | null; root_id: string | null; nested_depth: number;
    template: string; environment: string; files: string; parameters: string;
    action: string; status: string; status_reason: string; disable_rollback: number; timeout_mins: number | null;
    tags: string; outputs: string;
    /** During an update: the template/environment/parameters being replaced (JSON), for rollback and cleanup. */
    previous: string | null;
    /** The engine (Pier process) working on the stack, and until when its claim holds. */
    engine_id: string | null; lease_until: string | null;
    created_at: string; updated_at: string | null; deleted_at: string | null;
  };
  heat_resources: {
    id: string; stack_id: string; name: string; type: string; physical_id: string | null;
    action: string; status: string; status_reason: string;
    /** Resolved properties the resource was last created/updated with (JSON). */
    properties: string;
    /** Plugin-private state (JSON), e.g. a RandomString's value. */
    data: string;
    attributes: string; metadata: string;
    /** Set on a resource being replaced: the id of its replacement row. */
    replaced_by: string | null;
    created_at: string; updated_at: string | null;
  };
  heat_events: {
    id: string; seq: number; stack_id: string; resource_name: string; physical_resource_id: string | null;
    resource_type: string; action: string; status: string; status_reason: string; created_at: string;
  };
  /** A software config: what to run (`config`) and how (`group`), immutable once made. Inputs, outputs, options as JSON. */
  heat_software_configs: {
    id: string; project_id: string; name: string; group: string; config: string; inputs: string; outputs: string; options: string; created_at: string;
  };
  /** A config applied to a server; the server's agent (or the user) moves its status. Values as JSON. */
  heat_software_deployments: {
    id: string; project_id: string; config_id: string; server_id: string; action: string; status: string; status_reason: string;
    input_values: string; output_values: string; created_at: string; updated_at: string | null;
  };
}
