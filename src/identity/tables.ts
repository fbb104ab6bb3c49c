// Identity's rows as stored. Booleans are 0/1, JSON is text (see store/schema.ts).

export interface IdentityTables {
  domains: { id: string; name: string; description: string | null; enabled: number; tags: string; options: string; extra: string };
  projects: {
    id: string; name: string; domain_id: string; parent_id: string | null; description: string | null;
    enabled: number; tags: string; options: string; extra: string;
  };
  users: {
    id: string; name: string; domain_id: string; enabled: number; default_project_id: string | null;
    description: string | null; password_hash: string | null; password_created_at: string | null;
    options: string; extra: string; created_at: string;
  };
  groups: { id: string; name: string; domain_id: string; description: string | null; extra: string };
  user_groups: { user_id: string; group_id: string };
  roles: { id: string; name: string; domain_id: string | null; description: string | null; options: string; extra: string };
  implied_roles: { prior_role_id: string; implied_role_id: string };
  /** actor_type user|group; target_type project|domain|system (system target_id is `all`). */
  assignments: { actor_type: string; actor_id: string; target_type: string; target_id: string; role_id: string; inherited: number };
  regions: { id: string; description: string | null; parent_region_id: string | null; extra: string };
  services: { id: string; type: string; name: string; description: string | null; enabled: number; extra: string };
  endpoints: {
    id: string; service_id: string; interface: string; region_id: string | null; url: string; enabled: number; extra: string;
  };
  application_credentials: {
    id: string; name: string; user_id: string; project_id: string; secret_hash: string; description: string | null;
    expires_at: string | null; unrestricted: number; roles: string; access_rules: string; created_at: string;
  };
  /** Keystone's revocation events: a token matching every non-null field, issued before `issued_before`, is revoked. */
  revocation_events: {
    id: string; audit_id: string | null; user_id: string | null; project_id: string | null; domain_id: string | null;
    app_cred_id: string | null; issued_before: string; created_at: string;
  };
  token_keys: { id: string; secret: string; created_at: string };
  /** `blob` is the credential's JSON text as given; an `ec2` one's id is sha256(access). */
  credentials: { id: string; user_id: string; project_id: string | null; type: string; blob: string; extra: string };
  policies: { id: string; type: string; blob: string; extra: string };
  /** OAuth1 consumers; the secret is shown once, at creation. */
  consumers: { id: string; description: string | null; secret_hash: string; extra: string };
  /** OS-EP-FILTER: `filters` is JSON text of service_id / region_id / interface. */
  endpoint_groups: { id: string; name: string; description: string | null; filters: string; extra: string };
  /** A domain's configuration: `{group: {option: value}}` as JSON text. */
  domain_configs: { domain_id: string; config: string };
  /** OS-TRUST: `roles` is a JSON list of role ids the trustor delegates on `project_id`. */
  trusts: {
    id: string; trustor_user_id: string; trustee_user_id: string; project_id: string | null; impersonation: number;
    expires_at: string | null; remaining_uses: number | null; allow_redelegation: number; redelegation_count: number;
    roles: string; extra: string;
  };
}
