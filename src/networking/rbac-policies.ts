// RBAC policies on networks: access_as_shared (another project may attach to it) and
// access_as_external (another project may use it as an external network). The `*` entries
// and the network's `shared` / `router:external` flags move together.
import { Conflict, Forbidden } from '../core/errors.js';
import type { Tx } from '../store/index.js';
import type { Collection } from './collection.js';
import { rbacPolicy } from './definitions/rbac-policy.js';
import { notFound } from './errors.js';
import { visible } from './visibility.js';

const FLAG = { access_as_shared: 'shared', access_as_external: 'router:external' } as const;

async function setFlag(tx: Tx, networkId: string, action: keyof typeof FLAG, on: boolean): Promise<void> {
  await tx.db.updateTable('networks').set({ [FLAG[action]]: on ? 1 : 0 } as never).set((eb) => ({ revision_number: eb('revision_number', '+', 1) })).where('id', '=', networkId).execute();
  await tx.emit({ resource: 'network', id: networkId, action: 'update' });
}

/** Ports of other projects on the network that only this policy lets them keep. */
async function dependents(tx: Tx, networkId: string, owner: string, target: string): Promise<boolean> {
  let q = tx.db.selectFrom('ports').select('id').where('network_id', '=', networkId).where('project_id', '<>', owner).where('project_id', '<>', '');
  if (target !== '*') q = q.where('project_id', '=', target);
  return Boolean(await q.executeTakeFirst());
}

export const rbacPolicies: Collection = {
  def: rbacPolicy,
  path: 'rbac-policies',
  notFound: notFound.rbac_policy,
  visible: visible.rbacPolicy,
  quota: 'rbac_policy',
  standard: false,

  async beforeCreate(tx, caller, values) {
    const net = await tx.db.selectFrom('networks').select(['id', 'project_id']).where('id', '=', String(values.object_id)).executeTakeFirst();
    if (!net || (!caller.isAdmin && net.project_id !== caller.projectId)) throw notFound.network(String(values.object_id));
    if (values.target_tenant === '*' && !caller.isAdmin) throw new Forbidden('(rule:create_rbac_policy:target_tenant) is disallowed by policy', 'PolicyNotAuthorized');
    const dup = await tx.db.selectFrom('rbac_policies').select('id').where('object_id', '=', net.id).where('action', '=', String(values.action))
      .where('target_tenant', '=', String(values.target_tenant)).executeTakeFirst();
    if (dup) throw new Conflict('An RBAC policy already exists with those values.', 'DuplicateRbacPolicy');
    if (values.target_tenant === '*') await setFlag(tx, net.id, values.action as keyof typeof FLAG, true);
    else if (values.action === 'access_as_external') await setFlag(tx, net.id, 'access_as_external', true);
  },
  async beforeUpdate(tx, caller, current, changes) {
    if (changes.target_tenant === undefined || changes.target_tenant === current.target_tenant) return;
    if (changes.target_tenant === '*' && !caller.isAdmin) throw new Forbidden('(rule:update_rbac_policy:target_tenant) is disallowed by policy', 'PolicyNotAuthorized');
    const net = await tx.db.selectFrom('networks').select('project_id').where('id', '=', String(current.object_id)).executeTakeFirstOrThrow();
    if (current.action === 'access_as_shared' && (await dependents(tx, String(current.object_id), net.project_id, String(current.target_tenant)))) {
      throw new Conflict(`RBAC policy on object ${String(current.object_id)} cannot be removed because other objects depend on it.`, 'RbacPolicyInUse');
    }
  },
  async beforeDelete(tx, _caller, current) {
    const net = await tx.db.selectFrom('networks').select('project_id').where('id', '=', String(current.object_id)).executeTakeFirst();
    if (net && current.action === 'access_as_shared' && (await dependents(tx, String(current.object_id), net.project_id, String(current.target_tenant)))) {
      throw new Conflict(`RBAC policy on object ${String(current.object_id)} cannot be removed because other objects depend on it.`, 'RbacPolicyInUse');
    }
    if (net && current.target_tenant === '*' && current.action === 'access_as_shared') await setFlag(tx, String(current.object_id), 'access_as_shared', false);
    if (net && current.action === 'access_as_external') {
      const others = await tx.db.selectFrom('rbac_policies').select('id').where('object_id', '=', String(current.object_id))
        .where('action', '=', 'access_as_external').where('id', '<>', String(current.id)).executeTakeFirst();
      if (!others) await setFlag(tx, String(current.object_id), 'access_as_external', false);
    }
  },
};
