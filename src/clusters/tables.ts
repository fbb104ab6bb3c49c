// Magnum's rows as stored (booleans 0/1, JSON as text; see store/schema.ts).
type Row<K extends string, V = string | null> = { [k in K]: V };
type Ints<K extends string> = Row<K, number | null>;

export interface ClustersTables {
  magnum_cluster_templates: Row<'uuid' | 'name' | 'project_id' | 'user_id' | 'coe' | 'image_id' | 'created_at' | 'labels' | 'server_type', string> & Row<'flavor_id' | 'master_flavor_id'
    | 'keypair_id' | 'external_network_id' | 'fixed_network' | 'fixed_subnet' | 'network_driver' | 'volume_driver' | 'dns_nameserver'
    | 'docker_storage_driver' | 'cluster_distro' | 'http_proxy' | 'https_proxy' | 'no_proxy' | 'insecure_registry'
    | 'tags' | 'driver' | 'updated_at'>
    & Ints<'apiserver_port' | 'docker_volume_size' | 'tls_disabled' | 'public' | 'hidden' | 'master_lb_enabled' | 'floating_ip_enabled' | 'registry_enabled'>;
  magnum_clusters: Row<'uuid' | 'name' | 'project_id' | 'user_id' | 'cluster_template_id' | 'status' | 'labels' | 'created_at' | 'bootstrap_token', string> & Row<'keypair' | 'master_flavor_id'
    | 'flavor_id' | 'stack_id' | 'status_reason' | 'health_status' | 'health_status_reason' | 'discovery_url' | 'api_address'
    | 'coe_version' | 'container_version' | 'fixed_network' | 'fixed_subnet' | 'faults' | 'updated_at'>
    & Ints<'docker_volume_size' | 'create_timeout' | 'floating_ip_enabled' | 'master_lb_enabled'>;
  magnum_nodegroups: Row<'uuid' | 'name' | 'cluster_id' | 'project_id' | 'role' | 'status' | 'node_addresses' | 'created_at', string> & Row<'flavor_id' | 'image_id' | 'labels'
    | 'stack_id' | 'status_reason' | 'version' | 'node_labels' | 'node_taints' | 'updated_at'>
    & Ints<'docker_volume_size' | 'max_node_count'> & Row<'node_count' | 'min_node_count' | 'is_default', number>;
  magnum_cluster_cas: { cluster_id: string; ca_cert: string; ca_key: string; created_at: string };
  magnum_quotas: { id: string; project_id: string; resource: string; hard_limit: number; created_at: string; updated_at: string | null };
}
