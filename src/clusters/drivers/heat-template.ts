// The generic cluster stack every COE shares: a private network + subnet + router to the
// external network (unless the template names a fixed network), a security group for masters
// and one for workers with the driver's ports, the masters each on a port made first with a
// floating IP on it (so their user_data can carry that address), and each worker nodegroup as
// an OS::Heat::ResourceGroup. With docker_volume_size (and a COE that uses it) each node has a
// storage volume; with nested pods (Kuryr) the nodes are container hosts. Outputs: api_address,
// master_addresses, and per worker group <group>_addresses; node_addresses is the default
// worker group's.
// The CA key and bootstrap token travel as hidden parameters (stack show masks them).
import type { ClusterTemplate } from '../definitions/cluster-template.js';
import type { Cluster } from '../definitions/cluster.js';
import type { Nodegroup } from '../definitions/nodegroup.js';
import { NESTED_METADATA } from '../../kuryr/index.js';
import type { CoeDriver, HeatValue, NodeCa, PortRule } from './driver.js';

export const CLUSTER_CIDR = '10.0.0.0/24';
/** A node's container-storage volume (docker_volume_size): its device, and where a runc server shows it. */
const STORAGE_DEVICE = '/dev/vdb';
export const STORAGE_MOUNT = '/mnt/vdb';

export interface StackInputs {
  readonly cluster: Cluster;
  readonly clusterTemplate: ClusterTemplate;
  readonly nodegroups: readonly Nodegroup[];
  readonly ca: { cert: string; key: string };
  /** The resolved external network id (null: no router, no floating IPs). */
  readonly externalNetworkId: string | null;
  /** Server ids per worker group to drop on this update (`nodes_to_remove`); the ResourceGroup
   * remembers members removed before, so later updates need not name them again. */
  readonly remove?: Readonly<Record<string, readonly string[]>>;
}

/** A worker group's ResourceGroup resource name. */
export const groupResource = (ng: Pick<Nodegroup, 'name'>): string => `nodegroup_${ng.name}`;
export const groupOutput = (ng: Pick<Nodegroup, 'name'>): string => `${ng.name}_addresses`;
/** A worker group's output mapping member index → server id. */
export const groupServersOutput = (ng: Pick<Nodegroup, 'name'>): string => `${ng.name}_servers`;
/** A node server's name: `<cluster>-master-<i>` for masters, `<cluster>-<group>-<i>` for workers. */
export const nodeServerName = (c: Pick<Cluster, 'name'>, ng: Pick<Nodegroup, 'name' | 'role'>, index: number | string): string =>
  ng.role === 'master' ? `${c.name}-master-${index}` : `${c.name}-${ng.name}-${index}`;

function rules(ports: readonly PortRule[], cidr: string, podCidr: string | undefined): HeatValue[] {
  const base: HeatValue[] = [{ protocol: 'icmp' }, { protocol: 'tcp', port_range_min: 22, port_range_max: 22 }, { protocol: 'tcp', remote_ip_prefix: cidr }, { protocol: 'udp', remote_ip_prefix: cidr },
    ...(podCidr ? [{ remote_ip_prefix: podCidr }] : [])];
  return [...base, ...ports.map((p) => ({
    protocol: p.protocol, ...(p.port_range_min ? { port_range_min: p.port_range_min, port_range_max: p.port_range_max ?? p.port_range_min } : {}),
    ...(p.internal ? { remote_ip_prefix: cidr } : {}),
  }))];
}

export function clusterStack(driver: CoeDriver, input: StackInputs): { template: Record<string, HeatValue>; parameters: Record<string, string>; files: Record<string, string> } {
  const { cluster, clusterTemplate: ct, nodegroups, externalNetworkId } = input;
  const resources: Record<string, HeatValue> = {};
  const outputs: Record<string, HeatValue> = {};
  const fixedNetwork = cluster.fixed_network ?? ct.fixed_network;
  const fixedSubnet = cluster.fixed_subnet ?? ct.fixed_subnet;
  const floating = (cluster.floating_ip_enabled ?? ct.floating_ip_enabled) && externalNetworkId !== null;
  const network: HeatValue = fixedNetwork ?? { get_resource: 'network' };
  let subnet: HeatValue | null;
  if (!fixedNetwork) {
    resources['network'] = { type: 'OS::Neutron::Net', properties: { name: `${cluster.name}-net` } };
    resources['subnet'] = {
      type: 'OS::Neutron::Subnet',
      properties: { network: { get_resource: 'network' }, cidr: CLUSTER_CIDR, dns_nameservers: (ct.dns_nameserver ?? '').split(',').filter(Boolean) },
    };
    subnet = { get_resource: 'subnet' };
  } else subnet = fixedSubnet ?? null;
  const waits: string[] = [];
  if (externalNetworkId && subnet && !fixedNetwork) {
    resources['router'] = { type: 'OS::Neutron::Router', properties: { external_gateway_info: { network: externalNetworkId } } };
    resources['router_interface'] = { type: 'OS::Neutron::RouterInterface', properties: { router: { get_resource: 'router' }, subnet } };
    waits.push('router_interface');
  }
  // Pods' own addresses cross the cluster network: each node's port lets them through, its group lets them in.
  const podCidr = driver.podCidr?.(cluster, ct);
  // Nested pods: the nodes are container hosts; each pod's port brings its own pair.
  const nested: Record<string, string> = driver.nestedPods?.(ct) ? { [NESTED_METADATA]: 'true' } : {};
  const pairs: Record<string, HeatValue> = podCidr ? { allowed_address_pairs: [{ ip_address: podCidr }] } : {};
  resources['secgroup_master'] = { type: 'OS::Neutron::SecurityGroup', properties: { name: `${cluster.name}-master`, rules: rules(driver.masterPorts, CLUSTER_CIDR, podCidr) } };
  resources['secgroup_worker'] = { type: 'OS::Neutron::SecurityGroup', properties: { name: `${cluster.name}-worker`, rules: rules(driver.workerPorts, CLUSTER_CIDR, podCidr) } };
  const masters = nodegroups.find((n) => n.role === 'master' && n.is_default)!;
  const fixedAddress = (i: number): HeatValue => ({ get_attr: [`master_port_${i}`, 'fixed_ips', 0, 'ip_address'] });
  const publicAddress = (i: number): HeatValue => (floating ? { get_attr: [`master_floating_ip_${i}`, 'floating_ip_address'] } : fixedAddress(i));
  const token: HeatValue = { get_param: 'bootstrap_token' };
  const masterAddresses: HeatValue[] = [];
  const keyName = cluster.keypair ?? ct.keypair_id ?? null;
  const servers: string[] = [];
  for (let i = 0; i < masters.node_count; i++) {
    resources[`master_port_${i}`] = {
      type: 'OS::Neutron::Port', ...(waits.length ? { depends_on: waits } : {}),
      properties: { network, ...(subnet ? { fixed_ips: [{ subnet }] } : {}), security_groups: [{ get_resource: 'secgroup_master' }], ...pairs },
    };
    if (floating) {
      resources[`master_floating_ip_${i}`] = {
        type: 'OS::Neutron::FloatingIP', ...(waits.length ? { depends_on: waits } : {}),
        properties: { floating_network: externalNetworkId, port_id: { get_resource: `master_port_${i}` } },
      };
    }
    const storage = storageOf(driver, masters);
    if (storage) resources[`master_volume_${i}`] = { type: 'OS::Cinder::Volume', properties: { size: storage, name: `${nodeServerName(cluster, masters, i)}-storage` } };
    const userData = driver.nodeUserData({
      role: 'master', cluster, clusterTemplate: ct, nodegroup: masters, index: i, masterFixedAddress: fixedAddress(0),
      masterPublicAddress: publicAddress(0), ca: { cert: input.ca.cert, key: '@@CA_KEY_PARAM@@' }, bootstrapToken: token,
      securityGroup: { get_resource: 'secgroup_master' }, ...(storage ? { storageVolume: STORAGE_MOUNT } : {}),
    });
    resources[`master_${i}`] = {
      type: 'OS::Nova::Server', ...(floating ? { depends_on: [`master_floating_ip_${i}`] } : {}),
      properties: {
        name: nodeServerName(cluster, masters, i), image: masters.image_id ?? ct.image_id, flavor: masters.flavor_id ?? cluster.master_flavor_id ?? ct.master_flavor_id ?? 'm1.small',
        ...(keyName ? { key_name: keyName } : {}), networks: [{ port: { get_resource: `master_port_${i}` } }],
        user_data_format: 'RAW', user_data: withCaKey(userData), metadata: { magnum_cluster: cluster.uuid, role: 'master', nodegroup: masters.name, ...nested },
        ...(storage ? { block_device_mapping_v2: [storageMapping({ get_resource: `master_volume_${i}` })] } : {}),
      },
    };
    servers.push(`master_${i}`);
    masterAddresses.push(publicAddress(i));
  }
  outputs['api_address'] = { value: publicAddress(0) };
  outputs['master_addresses'] = { value: masterAddresses };
  const files: Record<string, string> = {};
  for (const ng of nodegroups.filter((n) => n.role === 'worker')) {
    const name = groupResource(ng);
    const removed = [...(input.remove?.[ng.name] ?? [])];
    const storage = storageOf(driver, ng);
    const server: Record<string, HeatValue> = {
      name: nodeServerName(cluster, ng, '%index%'), image: ng.image_id ?? ct.image_id, flavor: ng.flavor_id ?? cluster.flavor_id ?? ct.flavor_id ?? 'm1.small',
      ...(keyName ? { key_name: keyName } : {}), networks: [{ network, ...(podCidr ? { port_extra_properties: pairs } : {}) }],
      security_groups: [{ get_resource: 'secgroup_worker' }], user_data_format: 'RAW',
      user_data: driver.nodeUserData({
        role: 'worker', cluster, clusterTemplate: ct, nodegroup: ng, index: '%index%', masterFixedAddress: fixedAddress(0),
        masterPublicAddress: publicAddress(0), ca: { cert: input.ca.cert }, bootstrapToken: token,
        securityGroup: { get_resource: 'secgroup_worker' }, ...(storage ? { storageVolume: STORAGE_MOUNT } : {}),
      }),
      metadata: { magnum_cluster: cluster.uuid, role: 'worker', nodegroup: ng.name, ...nested },
    };
    // With a storage volume each member is a node template of its own (server + volume), referred to by its server.
    let member: HeatValue = { type: 'OS::Nova::Server', properties: server };
    if (storage) {
      const file = `${ng.name}-node.yaml`;
      files[file] = JSON.stringify(storageNodeTemplate(server, storage));
      member = { type: file, properties: { server: server as HeatValue } };
    }
    resources[name] = {
      type: 'OS::Heat::ResourceGroup', depends_on: servers.slice(0, 1),
      properties: { count: ng.node_count, ...(removed.length ? { removal_policies: [{ resource_list: removed }] } : {}), resource_def: member },
    };
    outputs[groupOutput(ng)] = { value: { get_attr: [name, 'first_address'] } };
    outputs[groupServersOutput(ng)] = { value: { get_attr: [name, 'refs_map'] } };
  }
  const defaultWorkers = nodegroups.find((n) => n.role === 'worker' && n.is_default);
  outputs['node_addresses'] = { value: defaultWorkers ? { get_attr: [groupResource(defaultWorkers), 'first_address'] } : [] };
  return {
    template: {
      heat_template_version: '2018-08-31',
      description: `Magnum ${ct.coe} cluster ${cluster.name} (${cluster.uuid})`,
      parameters: {
        ca_key: { type: 'string', hidden: true, description: 'The cluster CA private key (masters).' },
        bootstrap_token: { type: 'string', hidden: true, description: 'The token nodes join with.' },
      },
      resources,
      outputs,
    },
    // JSON-escaped: str_replace puts it inside the user_data document's JSON string.
    parameters: { ca_key: JSON.stringify(input.ca.key).slice(1, -1), bootstrap_token: cluster.bootstrap_token },
    files,
  };
}

/** A nodegroup's storage volume size (GB), when the COE keeps its container storage on one. */
const storageOf = (driver: CoeDriver, ng: Nodegroup): number | null => (driver.storageVolumes && ng.docker_volume_size ? ng.docker_volume_size : null);

/** The server's mapping of its storage volume (kept on the server's delete: the stack deletes it after). */
const storageMapping = (volume: HeatValue): HeatValue => ({ volume_id: volume, device_name: STORAGE_DEVICE, boot_index: -1 });

/**
 * A worker with its storage volume, as one template (a ResourceGroup member): the server's
 * properties come whole as a parameter (evaluated by the group, index and all); its
 * OS::stack_id output makes the member's reference the server's id, so `refs_map` and
 * removal_policies speak of servers as without a volume.
 */
function storageNodeTemplate(server: Record<string, HeatValue>, size: number): Record<string, HeatValue> {
  return {
    heat_template_version: '2018-08-31',
    parameters: { server: { type: 'json', description: 'The OS::Nova::Server properties.' } },
    resources: {
      volume: { type: 'OS::Cinder::Volume', properties: { size, name: { str_replace: { template: 'NAME-storage', params: { NAME: { get_param: ['server', 'name'] } } } } } },
      server: {
        type: 'OS::Nova::Server',
        properties: { ...Object.fromEntries(Object.keys(server).map((k) => [k, { get_param: ['server', k] }])), block_device_mapping_v2: [storageMapping({ get_resource: 'volume' })] },
      },
    },
    outputs: { 'OS::stack_id': { value: { get_resource: 'server' } }, first_address: { value: { get_attr: ['server', 'first_address'] } } },
  };
}

/** Swaps the CA key placeholder a driver was given for the hidden parameter. */
function withCaKey(v: HeatValue): HeatValue {
  if (v === '@@CA_KEY_PARAM@@') return { get_param: 'ca_key' };
  if (Array.isArray(v)) return v.map(withCaKey);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withCaKey(x)]));
  return v;
}

export type { NodeCa };
