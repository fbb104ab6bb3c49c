// OS::Nova::Server — a Nova server (Heat's resources/openstack/nova/server.py): image and flavor by
// name or id, nics from `networks`, RAW user_data, block_device_mapping_v2 (boot from a volume);
// create completes when the server is ACTIVE, and delete when Nova no longer has it. Attributes are read fresh from Nova and Neutron.
import type { Json, JsonMap } from '../template/index.js';
import type { ResourceContext, ResourcePlugin } from './types.js';
import { findId } from './neutron.js';
import { isGone, ResourceInError, unlessGone } from './nova.js';

// OpenStack: statuses Heat keeps waiting through (nova client plugin's deferred_server_statuses).
const DEFERRED = ['BUILD', 'HARD_REBOOT', 'PASSWORD', 'REBOOT', 'RESCUE', 'RESIZE', 'REVERT_RESIZE', 'SHUTOFF', 'SUSPENDED', 'VERIFY_RESIZE'];

const nic = { type: 'map', description: 'A nic.', schema: {
  network: { type: 'string', description: 'Name or ID of network to create a port on.', constraints: [{ custom_constraint: 'neutron.network' }] },
  port: { type: 'string', description: 'ID of an existing port to associate with this server.', constraints: [{ custom_constraint: 'neutron.port' }] },
  fixed_ip: { type: 'string', description: 'Fixed IP address to specify for the port created on the requested network.' },
  allocate_network: { type: 'string', description: 'The special string values of network, auto or none.', constraints: [{ allowed_values: ['none', 'auto'] }] },
  tag: { type: 'string', description: 'Port tag.' },
  port_extra_properties: { type: 'map', description: 'Dict, which has expand properties for port. Used only if port property is not specified for creating port.', schema: {
    allowed_address_pairs: { type: 'list', description: 'Additional MAC/IP address pairs allowed to pass through the port.', schema: { '*': { type: 'map', description: 'An address pair.', schema: {
      ip_address: { type: 'string', required: true, description: 'IP address to allow through this port.' },
      mac_address: { type: 'string', description: 'MAC address to allow through this port.' },
    } } } },
    port_security_enabled: { type: 'boolean', description: 'Flag to enable/disable port security on the port.' },
  } },
} } as const;

const bdmV2 = { type: 'map', description: 'A block device mapping (v2).', schema: {
  device_name: { type: 'string', description: 'A device name where the volume will be attached in the system at /dev/device_name.' },
  volume_id: { type: 'string', description: 'The volume_id can be boot or non-boot device to the server.', constraints: [{ custom_constraint: 'cinder.volume' }] },
  snapshot_id: { type: 'string', description: 'The ID of the snapshot to create a volume from.' },
  image: { type: 'string', description: 'The ID or name of the image to create a volume from.', constraints: [{ custom_constraint: 'glance.image' }] },
  swap_size: { type: 'integer', description: 'The size of the swap, in MB.' },
  ephemeral_size: { type: 'integer', description: 'The size of the local ephemeral block device, in GB.', constraints: [{ range: { min: 1 } }] },
  ephemeral_format: { type: 'string', description: 'The format of the local ephemeral block device.', constraints: [{ allowed_values: ['ext3', 'ext4', 'xfs'] }] },
  device_type: { type: 'string', description: 'Device type: at the moment we can make distinction only between disk and cdrom.', constraints: [{ allowed_values: ['cdrom', 'disk'] }] },
  disk_bus: { type: 'string', description: 'Bus of the device: hypervisor driver chooses a suitable default if omitted.', constraints: [{ allowed_values: ['ide', 'lame_bus', 'scsi', 'usb', 'virtio'] }] },
  boot_index: { type: 'integer', description: 'Integer used for ordering the boot disks. If it is not specified, value "0" will be set for bootable sources (volume, snapshot, image); value "-1" will be set for non-bootable sources.' },
  volume_size: { type: 'integer', description: 'Size of the block device in GB. If it is omitted, hypervisor driver calculates size.' },
  delete_on_termination: { type: 'boolean', description: 'Indicate whether the volume should be deleted when the server is terminated.' },
  tag: { type: 'string', description: 'Tag for the block device mapping.' },
} } as const;

/**
 * Nova's block_device_mapping_v2 from Heat's (server.py's translation): the source by which id
 * is given, a bootable source at boot_index 0 unless told, swap and ephemeral as blank local
 * devices; what Nova cannot do here it refuses itself (the stack fails with its message).
 */
function novaBlockDevices(given: readonly JsonMap[]): JsonMap[] {
  return given.map((m) => {
    const source: JsonMap = m['volume_id'] ? { uuid: m['volume_id'], source_type: 'volume', destination_type: 'volume' }
      : m['snapshot_id'] ? { uuid: m['snapshot_id'], source_type: 'snapshot', destination_type: 'volume' }
      : m['image'] ? { uuid: m['image'], source_type: 'image', destination_type: 'volume' }
      : m['swap_size'] ? { source_type: 'blank', destination_type: 'local', guest_format: 'swap', volume_size: m['swap_size'], boot_index: -1, delete_on_termination: true }
      : { source_type: 'blank', destination_type: 'local', guest_format: m['ephemeral_format'] ?? null, volume_size: m['ephemeral_size'] ?? null, boot_index: -1, delete_on_termination: true };
    const out: JsonMap = { boot_index: 0, delete_on_termination: false, ...source };
    for (const k of ['device_name', 'device_type', 'disk_bus', 'boot_index', 'volume_size', 'delete_on_termination', 'tag']) if (m[k] != null && m[k] !== '') out[k] = m[k]!;
    return out;
  });
}

/**
 * Applies each nic's `port_extra_properties` to the port Nova made for it. Heat makes such a
 * port itself; Pier's Nova makes its ports within the create call, so they are there to update,
 * and go with the server as Nova's ports do.
 */
async function portExtras(ctx: ResourceContext, serverId: string, given: Json): Promise<void> {
  for (const n of ((given ?? []) as JsonMap[])) {
    const extras = n['port_extra_properties'] as JsonMap | undefined;
    if (!extras || n['port'] || !n['network'] || !Object.keys(extras).length) continue;
    const network = await findId(ctx, 'network', String(n['network']));
    for (const port of await ctx.networking.list(ctx.caller, 'port', { device_id: serverId, network_id: network })) {
      await ctx.networking.update(ctx.caller, 'port', String(port.id), extras);
    }
  }
}

/** Nova's `networks` from Heat's: names resolved to ids; none given means Nova's `auto`. */
async function nics(ctx: ResourceContext, given: Json): Promise<unknown> {
  const list = (given ?? []) as JsonMap[];
  if (!list.length) return 'auto';
  const special = list.find((n) => n['allocate_network']);
  if (special) return String(special['allocate_network']);
  const out: Record<string, unknown>[] = [];
  for (const n of list) {
    const r: Record<string, unknown> = {};
    if (n['port']) r['port'] = await findId(ctx, 'port', String(n['port']));
    else if (n['network']) r['uuid'] = await findId(ctx, 'network', String(n['network']));
    if (n['fixed_ip'] && !n['port']) r['fixed_ip'] = n['fixed_ip'];
    if (n['tag']) r['tag'] = n['tag'];
    out.push(r);
  }
  return out;
}

type Address = { addr: string; version: number; 'OS-EXT-IPS:type': string; 'OS-EXT-IPS-MAC:mac_addr': string };

/** Heat's `addresses`: Nova's per network name, each fixed address with its port, subnets and network; also keyed by network id. */
async function addresses(ctx: ResourceContext, id: string): Promise<JsonMap> {
  const nets: Record<string, Json[]> = {};
  const ids: Record<string, string> = {};
  for (const port of await ctx.networking.list(ctx.caller, 'port', { device_id: id })) {
    const network = await ctx.networking.show(ctx.caller, 'network', String(port.network_id));
    const label = String(network.name);
    ids[label] = String(network.id);
    const fixed = (port.fixed_ips ?? []) as { subnet_id: string; ip_address: string }[];
    const subnets = await Promise.all(fixed.map((f) => ctx.networking.show(ctx.caller, 'subnet', f.subnet_id)));
    for (const f of fixed) {
      const addr = {
        addr: f.ip_address, version: f.ip_address.includes(':') ? 6 : 4, 'OS-EXT-IPS-MAC:mac_addr': port.mac_address, 'OS-EXT-IPS:type': 'fixed', port: port.id,
        subnets, network,
      };
      (nets[label] ??= []).push(addr as Json);
      for (const fip of await ctx.networking.list(ctx.caller, 'floatingip', { fixed_ip_address: f.ip_address, port_id: String(port.id) })) {
        nets[label]!.push({ addr: fip.floating_ip_address, version: addr.version, 'OS-EXT-IPS-MAC:mac_addr': port.mac_address, 'OS-EXT-IPS:type': 'floating', port: null } as Json);
      }
    }
  }
  for (const [label, netId] of Object.entries(ids)) nets[netId] = nets[label]!;
  return nets;
}

/** Nova client's `server.networks` (label → addresses), extended by network id as Heat does. */
async function networks(ctx: ResourceContext, server: JsonMap): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [label, list] of Object.entries((server['addresses'] ?? {}) as Record<string, Address[]>)) out[label] = list.map((a) => a.addr);
  for (const label of Object.keys(out)) {
    const id = await findId(ctx, 'network', label).catch(() => null);
    if (id) out[id] = out[label]!;
  }
  return out;
}

export const osNovaServer: ResourcePlugin = {
  type: 'OS::Nova::Server',
  description: 'A resource for managing Nova instances.',
  properties: {
    name: { type: 'string', description: 'Server name.' },
    // OpenStack: Heat checks glance.image here at validation; Pier lets Nova refuse a missing image at create (rolled back).
    image: { type: 'string', description: 'The ID or name of the image to boot with.' },
    flavor: { type: 'string', description: 'The ID or name of the flavor to boot onto.', required: true, constraints: [{ custom_constraint: 'nova.flavor' }] },
    key_name: { type: 'string', description: 'Name of keypair to inject into the server.', constraints: [{ custom_constraint: 'nova.keypair' }] },
    admin_pass: { type: 'string', description: 'The administrator password for the server.' },
    availability_zone: { type: 'string', description: 'Name of the availability zone for server placement.' },
    security_groups: { type: 'list', description: 'List of security group names or IDs. Cannot be used if neutron ports are associated with this server; assign security groups to the ports instead.', default: [] },
    networks: { type: 'list', description: 'An ordered list of nics to be added to this server, with information about connected networks, fixed ips, port etc.', schema: { '*': nic } },
    metadata: { type: 'map', description: 'Arbitrary key/value metadata to store for this server. Non-string values will be serialized to JSON.', default: {} },
    // OpenStack: Heat's default is HEAT_CFNTOOLS (a heat-cfntools cloud-init bundle); Pier passes user_data unmodified only.
    user_data_format: { type: 'string', description: 'How the user_data should be formatted for the server. For RAW the user_data is passed to Nova unmodified.', default: 'RAW', constraints: [{ allowed_values: ['RAW'] }] },
    user_data: { type: 'string', description: 'User data script to be executed by cloud-init.', default: '' },
    config_drive: { type: 'boolean', description: 'If True, enable config drive on the server.' },
    block_device_mapping_v2: { type: 'list', description: 'Block device mappings v2 for this server.', schema: { '*': bdmV2 } },
  },
  attributes: {
    name: { description: 'Name of the server.', type: 'string' },
    addresses: { description: 'A dict of all network addresses with corresponding port_id and subnets. Each network will have two keys in dict, they are network name and network id.', type: 'map' },
    networks: { description: 'A dict of assigned network addresses of the form: {"public": [ip1, ip2...], "public_uuid": [ip1, ip2...]}.', type: 'map' },
    first_address: { description: 'Convenience attribute to fetch the first assigned network address, or an empty string if nothing has been assigned at this time.' },
    instance_name: { description: 'AWS compatible instance name.', type: 'string' },
    accessIPv4: { description: 'The manually assigned alternative public IPv4 address of the server.', type: 'string' },
    accessIPv6: { description: 'The manually assigned alternative public IPv6 address of the server.', type: 'string' },
    tags: { description: 'Tags from the server.', type: 'list' },
    show: { description: 'Detailed information about resource.', type: 'map' },
  },
  async create(ctx, props) {
    const name = String(props['name'] ?? ctx.physicalName);
    ctx.data['name'] = name;
    // Unknown names go to Nova as given, so the failure is Nova's own ("Image … could not be found.").
    const image = props['image'] ? String(props['image']) : undefined;
    const flavor = String(props['flavor']);
    const body: Record<string, unknown> = {
      name, flavorRef: (await ctx.compute.findFlavor(ctx.caller, flavor)) ?? flavor,
      ...(image ? { imageRef: (await ctx.compute.findImage(ctx.caller, image)) ?? image } : {}),
      networks: await nics(ctx, props['networks'] ?? null),
    };
    if (props['key_name']) body['key_name'] = props['key_name'];
    if (props['admin_pass']) body['adminPass'] = props['admin_pass'];
    if (props['availability_zone']) body['availability_zone'] = props['availability_zone'];
    if (props['config_drive'] !== undefined && props['config_drive'] !== null) body['config_drive'] = props['config_drive'];
    const groups = (props['security_groups'] ?? []) as string[];
    if (groups.length) body['security_groups'] = groups.map((g) => ({ name: g }));
    const metadata = Object.entries((props['metadata'] ?? {}) as JsonMap).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
    if (metadata.length) body['metadata'] = Object.fromEntries(metadata);
    if (props['user_data']) body['user_data'] = Buffer.from(String(props['user_data'])).toString('base64');
    const bdm = (props['block_device_mapping_v2'] ?? []) as JsonMap[];
    if (bdm.length) {
      // Image names become ids, as the image property's do.
      const mapped = await Promise.all(bdm.map(async (m) => (m['image'] ? { ...m, image: (await ctx.compute.findImage(ctx.caller, String(m['image']))) ?? m['image'] } : m)));
      body['block_device_mapping_v2'] = novaBlockDevices(mapped);
    }
    const id = String((await ctx.compute.createServer(ctx.caller, body, ctx.plannedId))['id']);
    await portExtras(ctx, id, props['networks'] ?? null);
    return id;
  },
  async checkCreate(ctx, id) {
    const s = await ctx.compute.showServer(ctx.caller, id!);
    const status = String(s['status']).split('(')[0]!;
    if (status === 'ACTIVE') return true;
    if (DEFERRED.includes(status)) return false;
    const fault = (s['fault'] ?? {}) as { message?: string; code?: number };
    if (status === 'ERROR') throw new ResourceInError(status, `Message: ${fault.message ?? 'Unknown'}, Code: ${fault.code ?? 'Unknown'}`);
    throw new ResourceInError(status, 'Server is not active');
  },
  exists: (ctx, id) => unlessGone(async () => { await ctx.compute.showServer(ctx.caller, id); return true; }, false),
  delete: (ctx, id) => (id ? unlessGone(() => ctx.compute.deleteServer(ctx.caller, id), undefined) : Promise.resolve()),
  async checkDelete(ctx, id) {
    if (!id) return true;
    let s: Record<string, unknown>;
    try {
      s = await ctx.compute.showServer(ctx.caller, id);
    } catch (e) {
      if (isGone(e)) return true;
      throw e;
    }
    // OpenStack: the status does not change until Nova's delete task is done.
    if (s['OS-EXT-STS:task_state'] === 'deleting') return false;
    if (s['status'] === 'ERROR') {
      const fault = (s['fault'] ?? {}) as { message?: string; code?: number };
      throw new ResourceInError('ERROR', `Server ${String(s['name'])} delete failed: (${fault.code ?? 'None'}) ${fault.message ?? 'Unknown'}`);
    }
    return false;
  },
  async resolve(ctx, id, attr) {
    if (!id) return null;
    if (attr === 'name') return (ctx.data['name'] as string | undefined) ?? null;
    if (attr === 'addresses') return addresses(ctx, id);
    const s = await unlessGone(() => ctx.compute.showServer(ctx.caller, id), null);
    if (!s) return '';
    if (attr === 'show') return s as Json;
    if (attr === 'networks') return networks(ctx, s as JsonMap);
    if (attr === 'first_address') {
      const nets = (s['addresses'] ?? {}) as Record<string, Address[]>;
      for (const label of Object.keys(nets).sort().reverse()) if (nets[label]!.length) return nets[label]![0]!.addr;
      return '';
    }
    if (attr === 'instance_name') return (s['OS-EXT-SRV-ATTR:instance_name'] as string | undefined) ?? null;
    return (s[attr] ?? null) as Json;
  },
};
