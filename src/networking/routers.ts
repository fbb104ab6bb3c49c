// Routers: the external gateway (a port on an external network, SNAT on by default), interfaces
// by subnet (a port holding the subnet's gateway IP) or by port, and static routes whose next
// hops must be on a connected subnet (extraroute). A router with interfaces cannot be deleted.
import type { FastifyInstance } from 'fastify';
import { BadRequest } from '../core/errors.js';
import type { Values } from '../core/resource/index.js';
import type { Tx } from '../store/index.js';
import { createIn, deleteIn, loadOne, touch, type Collection, type Db } from './collection.js';
import { callerOf, elevated, type Caller, type Networking } from './context.js';
import { router, type GatewayInfo } from './definitions/router.js';
import {
  InUse, PolicyNotAuthorized, PortInUse, RouterInUse, RouterInterfaceNotFound, RouterInterfaceNotFoundForSubnet, notFound,
} from './errors.js';
import { inNet, overlaps, parseNet, toBig } from './ipam/ip.js';
import { networkingPolicy } from './policy.js';
import { allocateFixedIps, ports, releaseFixedIps } from './ports.js';

const GATEWAY = 'network:router_gateway';
const INTERFACE = 'network:router_interface';

/** Subnets the router is connected to (interfaces and gateway), with their CIDRs. */
async function connectedSubnets(db: Db, routerId: string) {
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
      v.distributed = false;
      v.ha = false;
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
    if (changes.routes) await checkRoutes(tx.db, String(current.id), changes.routes as { destination: string; nexthop: string }[]);
  },
  async beforeDelete(tx, caller, current, ctx) {
    const id = String(current.id);
    const ifaces = await tx.db.selectFrom('ports').select('id').where('device_id', '=', id).where('device_owner', '=', INTERFACE).execute();
    if (ifaces.length) throw new RouterInUse(id, ifaces.map((p) => p.id));
    await setGateway(tx, caller, ctx, current, null);
  },

  routes(scope: FastifyInstance, ctx: Networking) {
    type P = { Params: { id: string } };
    const body = (req: { body?: unknown }) => {
      const b = req.body as { subnet_id?: unknown; port_id?: unknown } | undefined;
      if (!b || typeof b !== 'object' || (b.subnet_id === undefined) === (b.port_id === undefined)) {
        throw new BadRequest('Bad router request: Must specify either subnet_id or port_id.', 'BadRequest');
      }
      if (b.subnet_id !== undefined && typeof b.subnet_id !== 'string') throw new BadRequest(`Invalid input for operation: '${String(b.subnet_id)}' is not a valid UUID.`, 'InvalidInput');
      if (b.port_id !== undefined && typeof b.port_id !== 'string') throw new BadRequest(`Invalid input for operation: '${String(b.port_id)}' is not a valid UUID.`, 'InvalidInput');
      return b as { subnet_id?: string; port_id?: string };
    };
    const authorize = (caller: Caller, action: string, r: Values) => {
      if (!networkingPolicy.check(action, { roles: caller.auth.roles, project_id: caller.projectId }, { ...r, tenant_id: r.project_id })) throw new PolicyNotAuthorized(action);
    };
    const info = (r: Values, portId: string, subnetIds: string[], networkId: string) => ({
      id: r.id, tenant_id: r.project_id, project_id: r.project_id, port_id: portId, network_id: networkId, subnet_id: subnetIds[0], subnet_ids: subnetIds,
    });

    scope.put<P>('/v2.0/routers/:id/add_router_interface', async (req) => {
      const caller = callerOf(req);
      const b = body(req);
      return ctx.store.tx(async (tx) => {
        const r = await loadOne(routers, tx.db, caller, req.params.id);
        authorize(caller, 'add_router_interface', r);
        const connected = await connectedSubnets(tx.db, String(r.id));
        const checkOverlap = async (subnetIds: string[]) => {
          for (const sid of subnetIds) {
            const s = await tx.db.selectFrom('subnets').select(['id', 'cidr']).where('id', '=', sid).executeTakeFirstOrThrow();
            for (const c of connected.filter((x) => x.device_owner === INTERFACE)) {
              if (c.id === s.id) throw new BadRequest(`Bad router request: Router already has a port on subnet ${s.id}.`, 'BadRequest');
              if (overlaps(parseNet(c.cidr), parseNet(s.cidr))) {
                throw new BadRequest(`Bad router request: Cidr ${s.cidr} of subnet ${s.id} overlaps with cidr ${c.cidr} of subnet ${c.id}.`, 'BadRequest');
              }
            }
          }
        };
        if (b.subnet_id) {
          let q = tx.db.selectFrom('subnets').selectAll().where('id', '=', b.subnet_id);
          if (!caller.isAdmin) q = q.where((eb) => eb.or([eb('project_id', '=', caller.projectId), eb('network_id', 'in', eb.selectFrom('networks').select('id').where((e) => e.or([e('project_id', '=', caller.projectId), e('shared', '=', 1)])))]));
          const s = await q.executeTakeFirst();
          if (!s) throw notFound.subnet(b.subnet_id);
          if (!s.gateway_ip) throw new BadRequest(`Bad router request: Subnet ${s.id} does not have a gateway IP.`, 'BadRequest');
          await checkOverlap([s.id]);
          const portId = String((await createIn(tx, ports, ctx, elevated(caller), {
            network_id: s.network_id, device_owner: INTERFACE, device_id: String(r.id), project_id: String(r.project_id), name: '',
            fixed_ips: [{ subnet_id: s.id, ip_address: s.gateway_ip }],
          })).id);
          await touch(tx, routers, String(r.id));
          await tx.emit({ resource: 'router', id: String(r.id), action: 'update', projectId: String(r.project_id) });
          return info(r, portId, [s.id], s.network_id);
        }
        const p = await loadOne(ports, tx.db, caller, b.port_id!);
        if (p.device_id || p.device_owner) throw new PortInUse(String(p.network_id), String(p.mac_address), String(p.device_id));
        const subnetIds = (p.fixed_ips as { subnet_id: string }[]).map((f) => f.subnet_id);
        if (!subnetIds.length) throw new BadRequest(`Bad router request: Router port must have at least one fixed IP.`, 'BadRequest');
        await checkOverlap(subnetIds);
        await tx.db.updateTable('ports').set({ device_id: String(r.id), device_owner: INTERFACE }).where('id', '=', String(p.id)).execute();
        await touch(tx, ports, String(p.id));
        await tx.emit({ resource: 'port', id: String(p.id), action: 'update', projectId: String(p.project_id) });
        await touch(tx, routers, String(r.id));
        await tx.emit({ resource: 'router', id: String(r.id), action: 'update', projectId: String(r.project_id) });
        return info(r, String(p.id), subnetIds, String(p.network_id));
      }, { retryUnique: true });
    });

    scope.put<P>('/v2.0/routers/:id/remove_router_interface', async (req) => {
      const caller = callerOf(req);
      const b = body(req);
      return ctx.store.tx(async (tx) => {
        const r = await loadOne(routers, tx.db, caller, req.params.id);
        authorize(caller, 'remove_router_interface', r);
        const ifaces = (await connectedSubnets(tx.db, String(r.id))).filter((c) => c.device_owner === INTERFACE);
        const match = b.port_id ? ifaces.filter((c) => c.port_id === b.port_id) : ifaces.filter((c) => c.id === b.subnet_id);
        if (!match.length) {
          if (b.port_id) throw new RouterInterfaceNotFound(String(r.id), b.port_id);
          throw new RouterInterfaceNotFoundForSubnet(String(r.id), b.subnet_id!);
        }
        const portId = match[0]!.port_id;
        const subnetIds = ifaces.filter((c) => c.port_id === portId).map((c) => c.id);
        // Routes through this interface, or floating IPs reaching ports behind it, keep it in place.
        const remaining = (await connectedSubnets(tx.db, String(r.id))).filter((c) => c.port_id !== portId).map((c) => parseNet(c.cidr));
        for (const route of r.routes as { nexthop: string }[]) {
          if (!remaining.some((n) => inNet(n, toBig(route.nexthop)))) {
            throw new InUse(`Router interface for subnet ${subnetIds[0]} on router ${String(r.id)} cannot be deleted, as it is required by one or more routes.`, 'RouterInterfaceInUseByRoute');
          }
        }
        const fip = await tx.db.selectFrom('floatingips').innerJoin('ip_allocations', 'ip_allocations.port_id', 'floatingips.port_id')
          .select('floatingips.id').where('floatingips.router_id', '=', String(r.id)).where('ip_allocations.subnet_id', 'in', subnetIds).executeTakeFirst();
        if (fip) throw new InUse(`Router interface for subnet ${subnetIds[0]} on router ${String(r.id)} cannot be deleted, as it is required by one or more floating IPs.`, 'RouterInterfaceInUseByFloatingIP');
        await touch(tx, routers, String(r.id));
        await tx.emit({ resource: 'router', id: String(r.id), action: 'update', projectId: String(r.project_id) });
        await deleteIn(tx, ports, ctx, elevated(caller), portId);
        return info(r, portId, subnetIds, match[0]!.network_id);
      });
    });
  },
};
