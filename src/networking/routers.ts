// Routers: the external gateway (a port on an external network, SNAT on by default), interfaces
// by subnet (a port holding the subnet's gateway IP) or by port, and static routes whose next
// hops must be on a connected subnet (extraroute). A router with interfaces cannot be deleted.
import { BadRequest } from '../core/errors.js';
import type { Values } from '../core/resource/index.js';
import type { Tx } from '../store/index.js';
import { createIn, deleteIn, touch, type Collection, type Db } from './collection.js';
import { elevated, type Caller, type Networking } from './context.js';
import { router, type GatewayInfo } from './definitions/router.js';
import { InUse, PolicyNotAuthorized, RouterInUse, notFound } from './errors.js';
import { inNet, parseNet, toBig } from './ipam/ip.js';
import { networkingPolicy } from './policy.js';
import { allocateFixedIps, ports, releaseFixedIps } from './ports.js';

const GATEWAY = 'network:router_gateway';
export const INTERFACE = 'network:router_interface';

/** Subnets the router is connected to (interfaces and gateway), with their CIDRs. */
export async function connectedSubnets(db: Db, routerId: string) {
  return db.selectFrom('ports').innerJoin('ip_allocations', 'ip_allocations.port_id', 'ports.id').innerJoin('subnets', 'subnets.id', 'ip_allocations.subnet_id')
    .select(['subnets.id', 'subnets.cidr', 'ports.id as port_id', 'ports.device_owner', 'subnets.network_id'])
    .where('ports.device_id', '=', routerId).where('ports.device_owner', 'in', [GATEWAY, INTERFACE]).execute();
}

async function checkRoutes(db: Db, routerId: string, routes: { destination: string; nexthop: string }[]): Promise<void> {
  const nets = (await connectedSubnets(db, routerId)).map((s) => parseNet(s.cidr));
  for (const r of routes) {
    if (!nets.some((n) => n.version === parseNet(r.destination).version && inNet(n, toBig(r.nexthop)))) {
      throw new BadRequest(`Invalid format for routes: ${JSON.stringify(routes)}, the nexthop is not connected with router`, 'InvalidRoutes');
    }
  }
}

async function setGateway(tx: Tx, caller: Caller, ctx: Networking, current: Values, info: GatewayInfo | null): Promise<void> {
  const id = String(current.id);
  const old = await tx.db.selectFrom('routers').select(['gw_port_id', 'gw_network_id']).where('id', '=', id).executeTakeFirst();
  if (old?.gw_port_id && info && info.network_id === old.gw_network_id && info.external_fixed_ips) {
    // Same external network, other addresses: the gateway port is re-addressed in place, so
    // floating IPs through it stay (as Neutron allows).
    const mac = (await tx.db.selectFrom('ports').select('mac_address').where('id', '=', old.gw_port_id).executeTakeFirstOrThrow()).mac_address;
    await releaseFixedIps(tx, old.gw_port_id);
    await allocateFixedIps(tx, info.network_id, old.gw_port_id, info.external_fixed_ips, mac);
    await touch(tx, ports, old.gw_port_id);
    await tx.emit({ resource: 'port', id: old.gw_port_id, action: 'update', projectId: '' });
  } else if (old?.gw_port_id && (!info || info.network_id !== old.gw_network_id)) {
    const fip = await tx.db.selectFrom('floatingips').select('id').where('router_id', '=', id).executeTakeFirst();
    if (fip) throw new InUse(`Gateway cannot be updated for router ${id}, since a gateway to external network ${old.gw_network_id} is required by one or more floating IPs.`, 'RouterExternalGatewayInUseByFloatingIp');
    await tx.db.updateTable('routers').set({ gw_port_id: null, gw_network_id: null }).where('id', '=', id).execute();
    await deleteIn(tx, ports, ctx, elevated(caller), old.gw_port_id);
  }
  if (!info) return;
  const net = await tx.db.selectFrom('networks').select(['id', 'router:external']).where('id', '=', info.network_id).executeTakeFirst();
  if (!net) throw notFound.network(info.network_id);
  if (!net['router:external']) throw new BadRequest(`Bad router request: Network ${info.network_id} is not an external network.`, 'BadRequest');
  const snat = info.enable_snat ?? true;
  const current2 = await tx.db.selectFrom('routers').select(['gw_port_id']).where('id', '=', id).executeTakeFirstOrThrow();
  if (!current2.gw_port_id) {
    const portId = String((await createIn(tx, ports, ctx, elevated(caller), {
      network_id: info.network_id, device_owner: GATEWAY, device_id: id, project_id: '', name: '',
      ...(info.external_fixed_ips ? { fixed_ips: info.external_fixed_ips } : {}),
    })).id);
    await tx.db.updateTable('routers').set({ gw_port_id: portId, gw_network_id: info.network_id }).where('id', '=', id).execute();
  }
  await tx.db.updateTable('routers').set({ enable_snat: snat ? 1 : 0 }).where('id', '=', id).execute();
}

function authorizeGateway(caller: Caller, action: 'create' | 'update', info: GatewayInfo | null | undefined, target: Values): void {
  if (!info) return;
  const creds = { roles: caller.auth.roles, project_id: caller.projectId };
  for (const key of ['enable_snat', 'external_fixed_ips'] as const) {
    const rule = `${action}_router:external_gateway_info:${key}`;
    if (key in info && !networkingPolicy.check(rule, creds, target)) throw new PolicyNotAuthorized(rule);
  }
}

export const routers: Collection = {
  def: router,
  notFound: notFound.router,
  quota: 'router',

  async expand(db, items) {
    const rows = await db.selectFrom('routers').select(['id', 'gw_network_id', 'gw_port_id', 'enable_snat']).where('id', 'in', items.map((v) => String(v.id))).execute();
    const gwPorts = rows.map((r) => r.gw_port_id).filter((x): x is string => Boolean(x));
    const ips = gwPorts.length ? await db.selectFrom('ip_allocations').select(['port_id', 'subnet_id', 'ip_address']).where('port_id', 'in', gwPorts).orderBy('ip_key').execute() : [];
    for (const v of items) {
      const r = rows.find((x) => x.id === v.id)!;
      v.external_gateway_info = r.gw_network_id ? {
        network_id: r.gw_network_id, enable_snat: Boolean(r.enable_snat),
        external_fixed_ips: ips.filter((i) => i.port_id === r.gw_port_id).map((i) => ({ subnet_id: i.subnet_id, ip_address: i.ip_address })),
      } : null;
    }
  },

  async beforeCreate(_tx, caller, values) {
    authorizeGateway(caller, 'create', values.external_gateway_info as GatewayInfo | null, values);
    values.status = 'ACTIVE';
  },
  async afterCreate(tx, caller, values, ctx) {
    const info = values.external_gateway_info as GatewayInfo | null;
    if (info && Object.keys(info).length) await setGateway(tx, caller, ctx, values, info);
  },
  async beforeUpdate(tx, caller, current, changes, ctx) {
    if ('external_gateway_info' in changes) {
      const info = changes.external_gateway_info as GatewayInfo | null;
      authorizeGateway(caller, 'update', info, current);
      await setGateway(tx, caller, ctx, current, info && Object.keys(info).length ? info : null);
      delete changes.external_gateway_info;
    }
    // OpenStack: Neutron migrates a router between centralized/distributed or HA only while it is down.
    if (changes.distributed !== undefined && changes.distributed !== current.distributed && current.admin_state_up && changes.admin_state_up !== false) {
      throw new BadRequest('Cannot upgrade active router to distributed. Please set router admin_state_up to False prior to upgrade', 'BadRequest');
    }
    if (changes.ha !== undefined && changes.ha !== current.ha && current.admin_state_up && changes.admin_state_up !== false) {
      throw new BadRequest('Cannot change HA attribute of active routers. Please set router admin_state_up to False prior to upgrade', 'BadRequest');
    }
    if (changes.routes) await checkRoutes(tx.db, String(current.id), changes.routes as { destination: string; nexthop: string }[]);
  },
  async beforeDelete(tx, caller, current, ctx) {
    const id = String(current.id);
    const ifaces = await tx.db.selectFrom('ports').select('id').where('device_id', '=', id).where('device_owner', '=', INTERFACE).execute();
    if (ifaces.length) throw new RouterInUse(id, ifaces.map((p) => p.id));
    await setGateway(tx, caller, ctx, current, null);
  },

};
