// Which rows a non-admin caller sees (an admin sees all): own resources, plus networks that are
// shared, external, or shared with the caller through RBAC — and what hangs off visible networks.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Caller } from './context.js';
import type { Query } from './collection.js';

/** SQL condition: network `ref` (a column holding a network id) is visible to the caller. */
export function networkVisible(caller: Caller, ref: string): Expression<SqlBool> {
  return sql<SqlBool>`exists (select 1 from networks vn where vn.id = ${sql.ref(ref)} and (
    vn.project_id = ${caller.projectId} or vn.shared = 1 or vn."router:external" = 1 or exists (
      select 1 from rbac_policies r where r.object_type = 'network' and r.object_id = vn.id
        and r.target_tenant in (${caller.projectId}, '*'))))`;
}

/** SQL condition: the caller owns network `ref`. */
export function networkOwned(caller: Caller, ref: string): Expression<SqlBool> {
  return sql<SqlBool>`exists (select 1 from networks vo where vo.id = ${sql.ref(ref)} and vo.project_id = ${caller.projectId})`;
}

export const visible = {
  network: (q: Query, c: Caller) => q.where(networkVisible(c, 'networks.id')),
  subnet: (q: Query, c: Caller) => q.where(networkVisible(c, 'subnets.network_id')),
  port: (q: Query, c: Caller) => q.where((eb) => eb.or([eb('ports.project_id', '=', c.projectId), networkOwned(c, 'ports.network_id')])),
  securityGroupRule: (q: Query, c: Caller) => q.where((eb) => eb.or([
    eb('security_group_rules.project_id', '=', c.projectId),
    eb('security_group_rules.security_group_id', 'in', eb.selectFrom('security_groups').select('id').where('project_id', '=', c.projectId)),
  ])),
  sharedOr: (table: string) => (q: Query, c: Caller) => q.where((eb) => eb.or([eb(`${table}.project_id`, '=', c.projectId), eb(`${table}.shared`, '=', 1)])),
  rbacPolicy: (q: Query, c: Caller) => q.where((eb) => eb.or([eb('rbac_policies.project_id', '=', c.projectId), eb('rbac_policies.target_tenant', '=', c.projectId)])),
};
