// Networking settings: segment id pools, the default type of project networks, MAC base, quotas.

export interface NetworkingConfig {
  /** Type given to a network created without provider attributes. */
  tenantNetworkType: 'vxlan' | 'vlan' | 'flat' | 'local';
  /** VXLAN VNI range for automatic allocation. */
  vxlanRange: [number, number];
  /** VLAN ranges per physical network for automatic allocation. */
  vlanRanges: Record<string, [number, number]>;
  /** Physical networks allowed for flat networks ('*' = any). */
  flatNetworks: string[];
  /** MTU of the underlying network; VXLAN networks get 50 less. */
  physicalMtu: number;
  /** The first three octets of generated MACs. */
  baseMac: string;
  /** Default quota per resource (-1 = unlimited). */
  quotas: Record<string, number>;
}

export const defaultNetworkingConfig: NetworkingConfig = {
  tenantNetworkType: 'vxlan',
  vxlanRange: [1, 16000],
  vlanRanges: { physnet1: [100, 200] },
  flatNetworks: ['*'],
  physicalMtu: 1500,
  baseMac: 'fa:16:3e',
  quotas: {
    network: 100, subnet: 100, port: 500, router: 10, floatingip: 50, security_group: 10,
    security_group_rule: 100, subnetpool: -1, rbac_policy: 10,
  },
};
