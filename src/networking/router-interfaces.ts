// Router interfaces: add one by subnet (a port holding the subnet's gateway IP) or by port, and
// remove one unless routes or floating IPs still need it. Service functions (Heat and the API
// both call them), each one transaction.
import type { FastifyInstance } from 'fastify';
import { BadRequest } from '../core/errors.js';
import type { Values } from '../core/resource/index.js';
import { createIn, deleteIn, loadOne, touch } from './collection.js';
import { callerOf, elevated, type Caller, type Networking } from './context.js';
import { InUse, PolicyNotAuthorized, PortInUse, RouterInterfaceNotFound, RouterInterfaceNotFoundForSubnet, notFound } from './errors.js';
import { inNet, overlaps, parseNet, toBig } from './ipam/ip.js';
import { networkingPolicy } from './policy.js';
import { ports } from './ports.js';
import { connectedSubnets, INTERFACE, routers } from './routers.js';

/** What add/remove_router_interface answer (Neutron's router interface info). */
export interface RouterInterfaceInfo {
  id: string;
  tenant_id: string;
  project_id: string;
  port_id: string;
  network_id: string;
  subnet_id: string;
  subnet_ids: string[];
}

/** The request body: exactly one of subnet_id and port_id. */
function interfaceBody(body: unknown): { subnet_id?: string; port_id?: string } {
  const b = body as { subnet_id?: unknown; port_id?: unknown } | undefined;
  if (!b || typeof b !== 'object' || (b.subnet_id === undefined) === (b.port_id === undefined)) {
    throw new BadRequest('Bad router request: Must specify either subnet_id or port_id.', 'BadRequest');
  }
  if (b.subnet_id !== undefined && typeof b.subnet_id !== 'string') throw new BadRequest(`Invalid input for operation: '${String(b.subnet_id)}' is not a valid UUID.`, 'InvalidInput');
  if (b.port_id !== undefined && typeof b.port_id !== 'string') throw new BadRequest(`Invalid input for operation: '${String(b.port_id)}' is not a valid UUID.`, 'InvalidInput');
  return b as { subnet_id?: string; port_id?: string };
}

function authorize(caller: Caller, action: string, r: Values): void {
  if (!networkingPolicy.check(action, { roles: caller.auth.roles, project_id: caller.projectId }, { ...r, tenant_id: r.project_id })) throw new PolicyNotAuthorized(action);
}

const info = (r: Values, portId: string, subnetIds: string[], networkId: string): RouterInterfaceInfo => ({
  id: String(r.id), tenant_id: String(r.project_id), project_id: String(r.project_id), port_id: portId, network_id: networkId, subnet_id: subnetIds[0]!, subnet_ids: subnetIds,
});

export async function addRouterInterface(ctx: Networking, caller: Caller, routerId: string, body: unknown): Promise<RouterInterfaceInfo> {
  const b = interfaceBody(body);
  return ctx.store.tx(async (tx) => {
    const r = await loadOne(routers, tx.db, caller, routerId);
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
}

export async function removeRouterInterface(ctx: Networking, caller: Caller, routerId: string, body: unknown): Promise<RouterInterfaceInfo> {
  const b = interfaceBody(body);
  return ctx.store.tx(async (tx) => {
    const r = await loadOne(routers, tx.db, caller, routerId);
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
}

export function routerInterfaceRoutes(scope: FastifyInstance, ctx: Networking): void {
  type P = { Params: { id: string } };
  scope.put<P>('/v2.0/routers/:id/add_router_interface', (req) => addRouterInterface(ctx, callerOf(req), req.params.id, req.body));
  scope.put<P>('/v2.0/routers/:id/remove_router_interface', (req) => removeRouterInterface(ctx, callerOf(req), req.params.id, req.body));
}
