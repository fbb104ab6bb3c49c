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
}
