// Floating IPs: an address on an external network (held by a port the service owns), associated
// with a port's fixed IP when a router connects that port's subnet to the external network.
import { BadRequest } from '../core/errors.js';
import type { Values } from '../core/resource/index.js';
import type { Tx } from '../store/index.js';
import { createIn, deleteIn, loadOne, type Collection } from './collection.js';
import { elevated, type Caller, type Networking } from './context.js';
import { floatingip } from './definitions/floatingip.js';
import { ExternalGatewayForFloatingIPNotFound, FloatingIPPortAlreadyAssociated, notFound } from './errors.js';
import { ports } from './ports.js';

interface Association { port_id: string | null; fixed_ip_address: string | null; router_id: string | null }

/** Resolves what `port_id` / `fixed_ip_address` associate to, checking reachability as Neutron does. */
async function associate(tx: Tx, caller: Caller, fip: { id: string; floating_network_id: string; floating_ip_address: string }, portId: string | null, fixedIp: string | null): Promise<Association> {
  if (!portId) return { port_id: null, fixed_ip_address: null, router_id: null };
  const port = await loadOne(ports, tx.db, caller, portId).catch(() => { throw notFound.port(portId); });
  const ips = port.fixed_ips as { subnet_id: string; ip_address: string }[];
  let chosen: { subnet_id: string; ip_address: string } | undefined;
  if (fixedIp) {
    chosen = ips.find((i) => i.ip_address === fixedIp);
    if (!chosen) throw new BadRequest(`Bad floatingip request: Port ${portId} does not have fixed ip ${fixedIp}.`, 'BadRequest');
  } else {
    const v4 = ips.filter((i) => !i.ip_address.includes(':'));
    if (v4.length > 1) throw new BadRequest(`Bad floatingip request: Port ${portId} has multiple fixed IPv4 addresses. Must provide a specific IPv4 address when assigning a floating IP.`, 'BadRequest');
    chosen = v4[0];
    if (!chosen) throw new BadRequest(`Bad floatingip request: Port ${portId} does not have any IPv4 address.`, 'BadRequest');
  }
  // A router with its gateway on the floating network and an interface on the fixed IP's subnet.
  const router = await tx.db.selectFrom('routers').select('routers.id')
    .where('routers.gw_network_id', '=', fip.floating_network_id)
    .where((eb) => eb.exists(eb.selectFrom('ports').innerJoin('ip_allocations', 'ip_allocations.port_id', 'ports.id').select('ports.id')
      .whereRef('ports.device_id', '=', 'routers.id').where('ports.device_owner', '=', 'network:router_interface')
      .where('ip_allocations.subnet_id', '=', chosen.subnet_id)))
    .orderBy('routers.id').executeTakeFirst();
  if (!router) throw new ExternalGatewayForFloatingIPNotFound(chosen.subnet_id, portId, fip.floating_network_id);
  const taken = await tx.db.selectFrom('floatingips').select('id').where('port_id', '=', portId).where('fixed_ip_address', '=', chosen.ip_address)
    .where('id', '<>', fip.id).executeTakeFirst();
  if (taken) throw new FloatingIPPortAlreadyAssociated({ id: fip.id, address: fip.floating_ip_address }, portId, chosen.ip_address, fip.floating_network_id);
  return { port_id: portId, fixed_ip_address: chosen.ip_address, router_id: router.id };
}

export const floatingIps: Collection = {
  def: floatingip,
  notFound: notFound.floatingip,
  quota: 'floatingip',

  async beforeCreate(tx, caller, values, ctx: Networking) {
    const net = await tx.db.selectFrom('networks').select(['id', 'router:external']).where('id', '=', String(values.floating_network_id)).executeTakeFirst();
    if (!net) throw notFound.network(String(values.floating_network_id));
    if (!net['router:external']) throw new BadRequest(`Bad floatingip request: Network ${net.id} is not a valid external network.`, 'BadRequest');
    const fixed = values.floating_ip_address
      ? [{ ...(values.subnet_id ? { subnet_id: values.subnet_id } : {}), ip_address: values.floating_ip_address }]
      : values.subnet_id ? [{ subnet_id: values.subnet_id }] : undefined;
    const portId = String((await createIn(tx, ports, ctx, elevated(caller), {
      network_id: net.id, device_owner: 'network:floatingip', device_id: String(values.id), project_id: '', name: '', ...(fixed ? { fixed_ips: fixed } : {}),
    })).id);
    const ip = await tx.db.selectFrom('ip_allocations').select('ip_address').where('port_id', '=', portId).orderBy('ip_key').executeTakeFirst();
    if (!ip) throw new BadRequest(`Bad floatingip request: Network ${net.id} has no IPv4 subnet.`, 'BadRequest');
    values.floating_ip_address = ip.ip_address;
    values.floating_port_id = portId;
    delete values.subnet_id;
    Object.assign(values, await associate(tx, caller, { id: String(values.id), floating_network_id: net.id, floating_ip_address: ip.ip_address }, values.port_id as string | null, values.fixed_ip_address as string | null));
    values.status = 'DOWN';
  },

  async beforeUpdate(tx, caller, current, changes) {
    if ('port_id' in changes || 'fixed_ip_address' in changes) {
      const portId = ('port_id' in changes ? changes.port_id : current.port_id) as string | null;
      const fixedIp = ('fixed_ip_address' in changes ? changes.fixed_ip_address : null) as string | null;
      Object.assign(changes, await associate(tx, caller, current as { id: string; floating_network_id: string; floating_ip_address: string }, portId, fixedIp));
      if (!changes.port_id) changes.status = 'DOWN';
    }
  },

  async beforeDelete(tx, caller, current, ctx) {
    const row = await tx.db.selectFrom('floatingips').select('floating_port_id').where('id', '=', String(current.id)).executeTakeFirstOrThrow();
    await tx.db.deleteFrom('floatingips').where('id', '=', String(current.id)).execute();
    await deleteIn(tx, ports, ctx, elevated(caller), row.floating_port_id);
  },
};

export type { Values };
