// The Heat templates of a Kubernetes cluster of Pier servers, as Magnum's kubecluster.yaml and
// kubeminion.yaml: a private network, subnet and router to the external network, one security
// group, the master (its port lets the pod range through, a floating IP for the API) and the
// workers as a ResourceGroup of kubeworker.yaml. Each server's user_data is the pier_node
// document of user-data.ts. Outputs: api_address, master_addresses, node_addresses.
// Text, not files on disk: `pier` is one bundled script.

export const WORKER_TEMPLATE_FILE = 'kubeworker.yaml';

const NODE_DOC = (role: 'master' | 'worker', api: string) => `
            __pier_node__:
              pier_node:
                version: 1
                role: ${role}
                cluster_uuid: {get_param: cluster_uuid}
                api_addresses: ${api}
                api_port: {get_param: api_port}
                ca_cert: {get_param: ca_cert}
${role === 'master' ? '                ca_key: {get_param: ca_key}\n' : ''}                bootstrap_token: {get_param: bootstrap_token}
                service_cidr: {get_param: service_cidr}
                pod_cidr: {get_param: pod_cidr}
                network_driver: {get_param: network_driver}`;

const COMMON_PARAMETERS = `
  image: {type: string, description: The node image (os_distro pier-kubernetes).}
  cluster_uuid: {type: string}
  api_port: {type: number, default: 6443}
  ca_cert: {type: string, description: The cluster CA (PEM).}
  bootstrap_token: {type: string, hidden: true, description: 'Workers join with it: [a-z0-9]{6}.[a-z0-9]{16}.'}
  service_cidr: {type: string, default: 10.254.0.0/16}
  pod_cidr: {type: string, default: 10.100.0.0/16}
  network_driver: {type: string, default: pier-bridge, constraints: [{allowed_values: [pier-bridge]}]}`;

/** The template of one worker (a port that lets the pod range through, and a server on it). */
export const WORKER_TEMPLATE = `heat_template_version: 2018-08-31
description: One Kubernetes worker of a Pier cluster.
parameters:${COMMON_PARAMETERS}
  name: {type: string}
  flavor: {type: string}
  network: {type: string}
  subnet: {type: string}
  security_group: {type: string}
  master_address: {type: string}
resources:
  port:
    type: OS::Neutron::Port
    properties:
      network: {get_param: network}
      fixed_ips: [{subnet: {get_param: subnet}}]
      security_groups: [{get_param: security_group}]
      allowed_address_pairs: [{ip_address: {get_param: pod_cidr}}]
  server:
    type: OS::Nova::Server
    properties:
      name: {get_param: name}
      image: {get_param: image}
      flavor: {get_param: flavor}
      networks: [{port: {get_resource: port}}]
      config_drive: true
      user_data_format: RAW
      user_data:
        str_replace:
          template: __pier_node__
          params:${NODE_DOC('worker', '[{get_param: master_address}]')}
outputs:
  address: {value: {get_attr: [port, fixed_ips, 0, ip_address]}}
  server_id: {value: {get_resource: server}}
`;

/** The cluster template (needs WORKER_TEMPLATE as the file ${WORKER_TEMPLATE_FILE}). */
export const CLUSTER_TEMPLATE = `heat_template_version: 2018-08-31
description: A Kubernetes cluster of Pier servers (Magnum's kubernetes driver).
parameters:${COMMON_PARAMETERS}
  ca_key: {type: string, hidden: true, description: The CA's private key (PEM); only the master gets it.}
  cluster_name: {type: string, default: k8s}
  external_network: {type: string, default: public}
  master_flavor: {type: string, default: m1.medium}
  flavor: {type: string, default: m1.medium}
  number_of_masters: {type: number, default: 1, constraints: [{range: {min: 1, max: 1}, description: One master (no etcd cluster yet).}]}
  number_of_minions: {type: number, default: 1, constraints: [{range: {min: 0}}]}
  fixed_network_cidr: {type: string, default: 10.0.0.0/24}
  dns_nameserver: {type: comma_delimited_list, default: []}
resources:
  network:
    type: OS::Neutron::Net
    properties: {name: {list_join: ['-', [{get_param: cluster_name}, net]]}}
  subnet:
    type: OS::Neutron::Subnet
    properties:
      network: {get_resource: network}
      cidr: {get_param: fixed_network_cidr}
      dns_nameservers: {get_param: dns_nameserver}
  router:
    type: OS::Neutron::Router
    properties:
      external_gateway_info: {network: {get_param: external_network}}
  router_interface:
    type: OS::Neutron::RouterInterface
    properties: {router: {get_resource: router}, subnet: {get_resource: subnet}}
  security_group:
    type: OS::Neutron::SecurityGroup
    properties:
      description: Kubernetes nodes of a Pier cluster.
      rules:
        - {protocol: tcp, port_range_min: 6443, port_range_max: 6443, remote_ip_prefix: 0.0.0.0/0}
        - {protocol: tcp, port_range_min: 22, port_range_max: 22, remote_ip_prefix: 0.0.0.0/0}
        - {protocol: icmp, remote_ip_prefix: 0.0.0.0/0}
        # Between nodes (kubelet, etcd clients, the pods' addresses as allowed address pairs) and from pods.
        - {remote_mode: remote_group_id}
        - {remote_ip_prefix: {get_param: pod_cidr}}
  master_port:
    type: OS::Neutron::Port
    properties:
      network: {get_resource: network}
      fixed_ips: [{subnet: {get_resource: subnet}}]
      security_groups: [{get_resource: security_group}]
      allowed_address_pairs: [{ip_address: {get_param: pod_cidr}}]
  master_floating_ip:
    type: OS::Neutron::FloatingIP
    depends_on: router_interface
    properties:
      floating_network: {get_param: external_network}
      port_id: {get_resource: master_port}
  master:
    type: OS::Nova::Server
    properties:
      name: {list_join: ['-', [{get_param: cluster_name}, master, '0']]}
      image: {get_param: image}
      flavor: {get_param: master_flavor}
      networks: [{port: {get_resource: master_port}}]
      config_drive: true
      user_data_format: RAW
      user_data:
        str_replace:
          template: __pier_node__
          params:${NODE_DOC('master', '[{get_attr: [master_port, fixed_ips, 0, ip_address]}, {get_attr: [master_floating_ip, floating_ip_address]}]')}
  workers:
    type: OS::Heat::ResourceGroup
    properties:
      count: {get_param: number_of_minions}
      resource_def:
        type: ${WORKER_TEMPLATE_FILE}
        properties:
          name: {list_join: ['-', [{get_param: cluster_name}, node, '%index%']]}
          image: {get_param: image}
          flavor: {get_param: flavor}
          network: {get_resource: network}
          subnet: {get_resource: subnet}
          security_group: {get_resource: security_group}
          master_address: {get_attr: [master_port, fixed_ips, 0, ip_address]}
          cluster_uuid: {get_param: cluster_uuid}
          api_port: {get_param: api_port}
          ca_cert: {get_param: ca_cert}
          bootstrap_token: {get_param: bootstrap_token}
          service_cidr: {get_param: service_cidr}
          pod_cidr: {get_param: pod_cidr}
          network_driver: {get_param: network_driver}
outputs:
  api_address:
    description: The Kubernetes API, through the master's floating IP.
    value: {str_replace: {template: 'https://FIP:PORT', params: {FIP: {get_attr: [master_floating_ip, floating_ip_address]}, PORT: {get_param: api_port}}}}
  master_addresses:
    value: [{get_attr: [master_floating_ip, floating_ip_address]}]
  master_private_addresses:
    value: [{get_attr: [master_port, fixed_ips, 0, ip_address]}]
  node_addresses:
    description: The workers' addresses on the cluster network.
    value: {get_attr: [workers, address]}
`;

/** What a stack create needs besides the parameters: the template and its file. */
export function clusterStack(): { template: string; files: Record<string, string> } {
  return { template: CLUSTER_TEMPLATE, files: { [WORKER_TEMPLATE_FILE]: WORKER_TEMPLATE } };
}

export interface ClusterParameters {
  image: string;
  cluster_uuid: string;
  ca_cert: string;
  ca_key: string;
  bootstrap_token: string;
  number_of_minions: number;
  cluster_name?: string;
  external_network?: string;
  master_flavor?: string;
  flavor?: string;
  fixed_network_cidr?: string;
  service_cidr?: string;
  pod_cidr?: string;
  network_driver?: string;
  dns_nameserver?: string;
  api_port?: number;
}
