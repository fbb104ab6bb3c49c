// Networking's service functions for the other services (Heat resources, Nova, Kuryr): the same
// rules as the REST API — policy, visibility, quotas, change events — called in-process with a
// caller, never over HTTP. Answers are the resources as the API shows them to that caller.
import type { QueryParams, Values } from '../core/resource/index.js';
import type { AuthContext } from '../core/http/context.js';
import { applyListFilters, createOne, deleteOne, loadMany, loadOne, render, updateOne, type Collection } from './collection.js';
import type { Caller, Networking } from './context.js';
import { floatingIps } from './floating-ips.js';
import { networks } from './networks.js';
import { ports } from './ports.js';
import { rbacPolicies } from './rbac-policies.js';
import { addRouterInterface, removeRouterInterface, type RouterInterfaceInfo } from './router-interfaces.js';
import { routers } from './routers.js';
import { securityGroupRules, securityGroups } from './security-groups.js';
import { addressScopes, subnetpools } from './subnetpools.js';
import { subnets } from './subnets.js';
import { checkTags, replaceTags } from './tags.js';

const KINDS = {
  network: networks, subnet: subnets, port: ports, security_group: securityGroups, security_group_rule: securityGroupRules,
  router: routers, floatingip: floatingIps, subnetpool: subnetpools, address_scope: addressScopes, rbac_policy: rbacPolicies,
} satisfies Record<string, Collection>;

/** A Neutron resource kind, by its singular wire name. */
export type NetworkingKind = keyof typeof KINDS;

/** Networking as another service calls it. Every function throws the API's errors (NeutronError types). */
export interface NetworkingService {
  /** The caller for a token's auth context (its project is where things are created). */
  callerFor(auth: AuthContext): Caller;
  /** Creates one resource from an API body (the inside of `{"network": …}`); `id`, when given,
   * is the new resource's id (a caller that must find what it made after a crash picks it first). */
  create(caller: Caller, kind: NetworkingKind, body: Record<string, unknown>, id?: string): Promise<Values>;
  /** Shows one visible resource; a missing or invisible one throws that kind's NotFound. */
  show(caller: Caller, kind: NetworkingKind, id: string): Promise<Values>;
  /** Lists visible resources matching API-style filters (`{ network_id: id }`, repeated = OR; `fixed_ips`, `tags` as the API takes them). */
  list(caller: Caller, kind: NetworkingKind, filters?: QueryParams): Promise<Values[]>;
  /**
   * Updates one resource; with `revisionNumber` only if it still has that revision (as `If-Match:
   * revision_number=N` does), else RevisionNumberConstraintFailed — how a read-modify-write of a
   * list attribute (allowed_address_pairs) keeps a concurrent writer's change.
   */
  update(caller: Caller, kind: NetworkingKind, id: string, body: Record<string, unknown>, opts?: { revisionNumber?: number }): Promise<Values>;
  delete(caller: Caller, kind: NetworkingKind, id: string): Promise<void>;
  /** `PUT /{resources}/{id}/tags`: replaces a resource's tags; answers the tags it now has. */
  setTags(caller: Caller, kind: NetworkingKind, id: string, tags: string[]): Promise<string[]>;
  /** `PUT /routers/{id}/add_router_interface` with `{ subnet_id }` or `{ port_id }`. */
  addRouterInterface(caller: Caller, routerId: string, body: { subnet_id?: string; port_id?: string }): Promise<RouterInterfaceInfo>;
  removeRouterInterface(caller: Caller, routerId: string, body: { subnet_id?: string; port_id?: string }): Promise<RouterInterfaceInfo>;
}

export function networkingService(ctx: Networking): NetworkingService {
  const db = () => ctx.store.db;
  const shown = async (c: Collection, caller: Caller, v: Values) => render(c, db(), caller, v);
  return {
    callerFor: (auth) => ({ auth, isAdmin: auth.isAdmin, projectId: auth.projectId ?? '' }),
    async create(caller, kind, body, id) {
      const c = KINDS[kind];
      return shown(c, caller, await createOne(c, ctx, caller, body, id));
    },
    async show(caller, kind, id) {
      const c = KINDS[kind];
      await c.prepare?.(caller, ctx);
      return shown(c, caller, await loadOne(c, db(), caller, id));
    },
    async list(caller, kind, filters = {}) {
      const c = KINDS[kind];
      await c.prepare?.(caller, ctx);
      const items = await loadMany(c, db(), caller, (q) => applyListFilters(c, q, filters));
      return Promise.all(items.map((v) => shown(c, caller, v)));
    },
    async update(caller, kind, id, body, opts) {
      const c = KINDS[kind];
      return shown(c, caller, await updateOne(c, ctx, caller, id, body, undefined, opts?.revisionNumber));
    },
    delete: (caller, kind, id) => deleteOne(KINDS[kind], ctx, caller, id),
    setTags: (caller, kind, id, tags) => replaceTags(ctx, KINDS[kind], caller, id, () => checkTags(tags)),
    addRouterInterface: (caller, routerId, body) => addRouterInterface(ctx, caller, routerId, body),
    removeRouterInterface: (caller, routerId, body) => removeRouterInterface(ctx, caller, routerId, body),
  };
}
