// Networking's rows as stored (booleans 0/1, JSON as text; see store/schema.ts).

interface Standard {
  id: string; project_id: string; name: string; description: string | null;
  created_at: string; updated_at: string; revision_number: number;
}

export interface NetworkingTables {
  networks: Standard & {
    admin_state_up: number; status: string; shared: number; 'router:external': number; is_default: number;
    mtu: number; port_security_enabled: number;
  };
  network_segments: { id: string; network_id: string; network_type: string; physical_network: string | null; segmentation_id: number | null };
  subnets: Standard & {
    network_id: string; ip_version: number; cidr: string; subnetpool_id: string | null; gateway_ip: string | null;
    allocation_pools: string; dns_nameservers: string; host_routes: string; enable_dhcp: number;
    ipv6_ra_mode: string | null; ipv6_address_mode: string | null; service_types: string;
  };
  ipam_subnets: { subnet_id: string; cursor: string; allocated: number };
  ip_allocations: { subnet_id: string; ip_key: string; ip_address: string; network_id: string; port_id: string };
  ports: Standard & {
    network_id: string; admin_state_up: number; mac_address: string; device_id: string; device_owner: string; status: string;
    port_security_enabled: number; allowed_address_pairs: string; 'binding:host_id': string; 'binding:profile': string;
    'binding:vnic_type': string; 'binding:vif_type': string; 'binding:vif_details': string; extra_dhcp_opts: string;
  };
  security_groups: Standard & { stateful: number };
  default_security_groups: { project_id: string; security_group_id: string };
  security_group_rules: Omit<Standard, 'name'> & {
    security_group_id: string; direction: string; ethertype: string; protocol: string | null;
    port_range_min: number | null; port_range_max: number | null; remote_ip_prefix: string | null; remote_group_id: string | null;
  };
  port_security_groups: { port_id: string; security_group_id: string };
  routers: Standard & {
    admin_state_up: number; status: string; gw_network_id: string | null; gw_port_id: string | null; enable_snat: number; routes: string;
    distributed: number; ha: number;
  };
  floatingips: Omit<Standard, 'name'> & {
    floating_network_id: string; floating_ip_address: string; floating_port_id: string; port_id: string | null;
    fixed_ip_address: string | null; router_id: string | null; status: string;
  };
  address_scopes: Standard & { ip_version: number; shared: number };
  subnetpools: Standard & {
    prefixes: string; default_prefixlen: number; min_prefixlen: number; max_prefixlen: number; default_quota: number | null;
    shared: number; is_default: number; ip_version: number; address_scope_id: string | null;
  };
  rbac_policies: { id: string; project_id: string; object_type: string; object_id: string; action: string; target_tenant: string };
  quotas: { project_id: string; resource: string; hard_limit: number };
  /** Rows per project and quota resource, kept by triggers (migration 0006). */
  quota_usages: { project_id: string; resource: string; in_use: number };
  tags: { resource_type: string; resource_id: string; tag: string };
  /** `parent_port_id`: a nested plug's parent port (its far end hangs from the parent's namespace, behind the parent); null otherwise. */
  port_plugs: { port_id: string; host: string; netns: string; ifname: string; created_at: string; parent_port_id: string | null };
}
