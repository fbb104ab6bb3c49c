// Clusters: create (Magnum's checks, quota, then the cluster, its default nodegroups and CA in
// one transaction, then its stack), find, update/resize (a stack update), delete (the stack's
// delete; the rows go when the stack is gone — see controller.ts). Status is the controller's.
import { randomBytes } from 'node:crypto';
import { newUuid } from '../core/ids.js';
import { fromRow, toRow } from '../core/resource/index.js';
import type { Caller } from '../networking/index.js';
import { ownerOf } from '../orchestration/index.js';
import { makeCa } from './ca.js';
import { checked, findTemplate, randomName } from './cluster-templates.js';
import { authorize, stamp, type Magnum } from './context.js';
import { cluster as def, type Cluster } from './definitions/cluster.js';
import { nodegroup as ngDef, type Nodegroup } from './definitions/nodegroup.js';
import { driverFor } from './drivers/registry.js';
import {
  BadRequest, ClusterNotFound, ClusterTemplateNotFound, Forbidden, InvalidParameterValue, MultipleMatches, NodeGroupAlreadyExists, NodeGroupNotFound, NotSupported, OperationInProgress, ResourceLimitExceeded,
} from './errors.js';
import { applyPatch } from './json-patch.js';
import { leavingHostnames } from './members.js';
import { clusterQuota } from './quotas.js';
import { checkStack, createStack, stageStackUpdate, type ClusterParts } from './stacks.js';
import { validateExternalNetwork, validateFlavor, validateFixedNetwork, validateFixedSubnet, validateKeypair } from './validate.js';

export const clusterOf = (row: Record<string, unknown>): Cluster => fromRow(def, row) as Cluster;
export const nodegroupOf = (row: Record<string, unknown>): Nodegroup => fromRow(ngDef, row) as Nodegroup;

export async function findCluster(m: Magnum, caller: Caller, ident: string): Promise<Cluster> {
  let q = m.store.db.selectFrom('magnum_clusters').selectAll().where((eb) => eb.or([eb('uuid', '=', ident), eb('name', '=', ident)]));
  if (!caller.isAdmin) q = q.where('project_id', '=', caller.projectId);
  const rows = await q.execute();
  const byId = rows.find((r) => r.uuid === ident);
  const found = byId ? [byId] : rows;
  if (!found.length) throw new ClusterNotFound(ident);
  if (found.length > 1) throw new MultipleMatches('Multiple clusters exist with same name. Please use the cluster uuid instead.');
  return clusterOf(found[0]!);
}

export async function nodegroupsOf(m: Magnum, clusterId: string): Promise<Nodegroup[]> {
  const rows = await m.store.db.selectFrom('magnum_nodegroups').selectAll().where('cluster_id', '=', clusterId).orderBy('created_at').orderBy('role').orderBy('name').execute();
  return rows.map(nodegroupOf);
}

/** Everything the stack is built from, read fresh. */
export async function partsOf(m: Magnum, caller: Caller, c: Cluster): Promise<ClusterParts> {
  const t = await findTemplate(m, { ...caller, isAdmin: true }, c.cluster_template_id);
  const ca = await m.store.db.selectFrom('magnum_cluster_cas').selectAll().where('cluster_id', '=', c.uuid).executeTakeFirstOrThrow();
  const ext = t.external_network_id ? await validateExternalNetwork(m, caller, t.external_network_id) : null;
  return { cluster: c, clusterTemplate: t, nodegroups: await nodegroupsOf(m, c.uuid), ca: { cert: ca.ca_cert, key: ca.ca_key }, externalNetworkId: ext };
}

/** A kubeadm-form token: [a-z0-9]{6}.[a-z0-9]{16}. */
const token = () => {
  const alpha = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const pick = (n: number) => Array.from(randomBytes(n), (b) => alpha[b % alpha.length]).join('');
  return `${pick(6)}.${pick(16)}`;
};

function newNodegroup(c: Cluster, role: 'master' | 'worker', name: string, count: number, flavor: string | null, image: string, isDefault: boolean, now: string): Nodegroup {
  return {
    uuid: newUuid(), name, cluster_id: c.uuid, project_id: c.project_id, role, flavor_id: flavor, image_id: image, docker_volume_size: c.docker_volume_size,
    labels: c.labels, node_count: count, min_node_count: role === 'master' ? count : 0, max_node_count: null, node_addresses: [], is_default: isDefault,
    stack_id: c.stack_id, status: c.status, status_reason: null, version: null, node_labels: {}, node_taints: [], created_at: now, updated_at: null,
  };
}

export async function createCluster(m: Magnum, caller: Caller, body: unknown, minor: number): Promise<Cluster> {
  authorize(caller, 'cluster:create');
  const v = checked(def, body, 'create', 'cluster');
  if (minor < 10 && v['node_count'] === 0) throw new NotSupported('Resizing a nodegroup to zero is not supported in the provided microversion.');
  // Magnum answers a missing template on cluster create with 400, not 404: the request is bad, not its URL.
  const t = await findTemplate(m, caller, String(v['cluster_template_id'])).catch((e) => {
    throw e instanceof ClusterTemplateNotFound ? new BadRequest(e.message) : e;
  });
  if (t.hidden && !caller.isAdmin) throw new Forbidden('Not authorized.', 'NotAuthorized');
  const masterCount = Number(v['master_count']);
  const nodeCount = Number(v['node_count']);
  const given = v as Partial<Cluster>;
  const labels = !given.labels || !Object.keys(given.labels).length ? { ...t.labels } : v['merge_labels'] ? { ...t.labels, ...given.labels } : given.labels;
  const now = stamp();
  const c: Cluster = {
    uuid: newUuid(), name: (given.name as string | undefined) ?? randomName().replace('-', '-cluster-'), project_id: caller.projectId, user_id: caller.auth.userId,
    cluster_template_id: t.uuid, keypair: given.keypair ?? t.keypair_id, docker_volume_size: given.docker_volume_size ?? t.docker_volume_size, labels,
    master_flavor_id: given.master_flavor_id ?? t.master_flavor_id, flavor_id: given.flavor_id ?? t.flavor_id, create_timeout: Number(v['create_timeout']),
    stack_id: newUuid(), status: 'CREATE_IN_PROGRESS', status_reason: null, health_status: 'UNKNOWN', health_status_reason: {}, discovery_url: null,
    api_address: null, coe_version: null, container_version: null, fixed_network: given.fixed_network ?? t.fixed_network,
    fixed_subnet: given.fixed_subnet ?? t.fixed_subnet, floating_ip_enabled: given.floating_ip_enabled ?? t.floating_ip_enabled,
    master_lb_enabled: given.master_lb_enabled ?? t.master_lb_enabled, faults: {}, bootstrap_token: token(), created_at: now, updated_at: null,
  };
  await validateFlavor(m, caller, c.flavor_id);
  await validateFlavor(m, caller, c.master_flavor_id);
  await validateKeypair(m, caller, c.keypair);
  await validateFixedNetwork(m, caller, c.fixed_network);
  await validateFixedSubnet(m, caller, c.fixed_subnet);
  if (masterCount < 1) throw new InvalidParameterValue('master_count must be 1 or greater.');
  const ext = t.external_network_id ? await validateExternalNetwork(m, caller, t.external_network_id) : null;
  const ca = makeCa(c.name);
  const nodegroups = [
    newNodegroup(c, 'master', 'default-master', masterCount, c.master_flavor_id, t.image_id, true, now),
    newNodegroup(c, 'worker', 'default-worker', nodeCount, c.flavor_id, t.image_id, true, now),
  ];
  const parts: ClusterParts = { cluster: c, clusterTemplate: t, nodegroups, ca, externalNetworkId: ext };
  await checkStack(m, caller, parts);
  await m.store.tx(async (tx) => {
    const limit = await clusterQuota(tx.db, c.project_id);
    const have = await tx.db.selectFrom('magnum_clusters').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', c.project_id).executeTakeFirstOrThrow();
    if (Number(have.n) >= limit) {
      throw new ResourceLimitExceeded(`You have reached the maximum clusters per project, ${limit}. You may delete a cluster to make room for a new one.`);
    }
    await tx.db.insertInto('magnum_clusters').values(toRow(def, c) as never).execute();
    for (const ng of nodegroups) await tx.db.insertInto('magnum_nodegroups').values(toRow(ngDef, ng) as never).execute();
    await tx.db.insertInto('magnum_cluster_cas').values({ cluster_id: c.uuid, ca_cert: ca.cert, ca_key: ca.key, created_at: now }).execute();
    await tx.emit({ resource: 'cluster', id: c.uuid, action: 'create', projectId: c.project_id });
  });
  await createStack(m, ownerOf(caller.auth), parts);
  m.kick(c.uuid);
  return c;
}

const busy = (c: Cluster) => c.status.endsWith('_IN_PROGRESS');

/**
 * Resizes through a stack update. The stack is staged (UPDATE_IN_PROGRESS) before the cluster
 * and its nodegroups say so: the controller, which mirrors the stack's state onto the cluster,
 * then never meets a cluster in an update its stack has not begun.
 */
async function resizeTo(m: Magnum, caller: Caller, c: Cluster, counts: Record<string, number>, remove?: Record<string, string[]>, removeGroup?: string, addGroup?: Nodegroup): Promise<void> {
  if (busy(c)) throw new OperationInProgress(c.name);
  const parts = await partsOf(m, caller, { ...c, status: 'UPDATE_IN_PROGRESS' });
  const before = parts.nodegroups;
  parts.nodegroups = before.filter((n) => n.name !== removeGroup).map((n) => (n.name in counts ? { ...n, node_count: counts[n.name]! } : n));
  if (addGroup) parts.nodegroups.push(addGroup);
  // Who leaves is read from the stack's outputs before the update changes them (only for a driver that drains).
  const driver = driverFor(parts.clusterTemplate.coe);
  const outputs = driver.drain ? await m.engine.outputs(c.stack_id!) : {};
  const leaving = before.flatMap((ng) => (ng.name === removeGroup ? leavingHostnames(c, ng, outputs, 0)
    : ng.name in counts ? leavingHostnames(c, ng, outputs, counts[ng.name]!, remove?.[ng.name]) : []));
  if (!(await stageStackUpdate(m, parts, remove))) throw new OperationInProgress(c.name);
  const now = stamp();
  await m.store.tx(async (tx) => {
    await tx.db.updateTable('magnum_clusters').set({ status: 'UPDATE_IN_PROGRESS', status_reason: null, updated_at: now }).where('uuid', '=', c.uuid).execute();
    for (const [ng, n] of Object.entries(counts)) {
      await tx.db.updateTable('magnum_nodegroups').set({ node_count: n, updated_at: now }).where('cluster_id', '=', c.uuid).where('name', '=', ng).execute();
    }
    if (addGroup) await tx.db.insertInto('magnum_nodegroups').values(toRow(ngDef, addGroup) as never).execute();
    if (removeGroup) await tx.db.updateTable('magnum_nodegroups').set({ status: 'DELETE_IN_PROGRESS', node_count: 0 }).where('cluster_id', '=', c.uuid).where('name', '=', removeGroup).execute();
    await tx.db.updateTable('magnum_nodegroups').set({ status: 'UPDATE_IN_PROGRESS' }).where('cluster_id', '=', c.uuid).where('status', '!=', 'DELETE_IN_PROGRESS').execute();
    await tx.emit({ resource: 'cluster', id: c.uuid, action: 'update', projectId: c.project_id });
  });
  // The nodes going are moved off before their servers are deleted (bounded: an unreachable cluster must not hold the request).
  if (leaving.length && driver.drain) await Promise.race([driver.drain(c, parts.clusterTemplate, parts.ca, leaving), new Promise((r) => setTimeout(r, 15_000).unref())]);
  m.engine.updateStack(c.stack_id!);
  m.kick(c.uuid);
}

/** PATCH /clusters/{id}: Magnum lets node_count (and, for admins, health fields) change. */
export async function patchCluster(m: Magnum, caller: Caller, ident: string, patch: unknown): Promise<Cluster> {
  const c = await findCluster(m, caller, ident);
  authorize(caller, 'cluster:update', { project_id: c.project_id });
  const workers = (await nodegroupsOf(m, c.uuid)).find((n) => n.role === 'worker' && n.is_default);
  const doc = { ...c, node_count: workers?.node_count ?? 0 } as Record<string, unknown>;
  const after = applyPatch(doc, patch, {
    internal: ['uuid', 'id', 'links', 'project_id', 'user_id', 'created_at', 'updated_at', 'api_address', 'node_addresses', 'master_addresses', 'stack_id', 'cluster_id', 'status'],
    mandatory: ['cluster_template_id', 'name'],
  });
  for (const k of Object.keys(after)) {
    if (k !== 'node_count' && JSON.stringify(after[k]) !== JSON.stringify(doc[k])) {
      throw new BadRequest(`Invalid input for field/attribute ${k}. Value: '${String(after[k])}'. Only node_count can be updated.`);
    }
  }
  const n = after['node_count'];
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new BadRequest(`Invalid input for field/attribute node_count. Value: '${String(n)}'. Value should be greater or equal to 0`);
  if (n !== doc['node_count']) await resizeTo(m, caller, c, { 'default-worker': n });
  return findCluster(m, caller, c.uuid);
}

/** POST /clusters/{id}/actions/resize. */
export async function resizeCluster(m: Magnum, caller: Caller, ident: string, body: unknown, minor: number): Promise<Cluster> {
  const c = await findCluster(m, caller, ident);
  authorize(caller, 'cluster:resize', { project_id: c.project_id });
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('Invalid input for field/attribute resize. Value: \'\'. Body is not an object');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!['node_count', 'nodes_to_remove', 'nodegroup'].includes(k)) throw new BadRequest(`Unknown attribute for argument cluster_resize_req: ${k}`);
  const n = b['node_count'];
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new BadRequest(n === undefined ? `Invalid input for field/attribute node_count. Value: 'None'. Mandatory field missing.` : `Invalid input for field/attribute node_count. Value: '${String(n)}'. Value should be greater or equal to 0`);
  }
  if (n === 0 && minor < 10) throw new NotSupported('Resizing a nodegroup to zero is not supported in the provided microversion.');
  const remove = b['nodes_to_remove'] ?? [];
  if (!Array.isArray(remove) || remove.some((x) => typeof x !== 'string')) throw new BadRequest(`Invalid input for field/attribute nodes_to_remove. Value: '${JSON.stringify(remove)}'. Wrong type. Expected '[str]'`);
  const groups = await nodegroupsOf(m, c.uuid);
  const ngName = b['nodegroup'];
  const ng = ngName === undefined ? groups.find((g) => g.role === 'worker' && g.is_default) : groups.find((g) => g.uuid === ngName || g.name === ngName);
  if (!ng) throw new NodeGroupNotFound(String(ngName ?? 'default-worker'));
  if (ng.role === 'master') throw new NotSupported('Resizing the master nodegroup is not supported by this driver.');
  if (n < ng.min_node_count || (ng.max_node_count !== null && n > ng.max_node_count)) {
    throw new BadRequest(`Resizing ${ng.name} outside the allowed range: min_node_count = ${ng.min_node_count}, max_node_count = ${ng.max_node_count ?? 'None'}`);
  }
  await resizeTo(m, caller, c, { [ng.name]: n }, remove.length ? { [ng.name]: remove as string[] } : undefined);
  return c;
}

/** Extra worker nodegroups: create (1.9+). */
export async function createNodegroup(m: Magnum, caller: Caller, ident: string, body: unknown): Promise<Nodegroup> {
  const c = await findCluster(m, caller, ident);
  authorize(caller, 'nodegroup:create', { project_id: c.project_id });
  const v = checked(ngDef, body, 'create', 'nodegroup') as Partial<Nodegroup>;
  if (v.role === 'master') throw new NotSupported('Creating master nodegroups is currently not supported.');
  const groups = await nodegroupsOf(m, c.uuid);
  if (groups.some((g) => g.name === v.name)) throw new NodeGroupAlreadyExists(String(v.name), c.uuid);
  await validateFlavor(m, caller, v.flavor_id ?? null);
  const ng: Nodegroup = {
    ...newNodegroup(c, 'worker', String(v.name), Number(v.node_count), v.flavor_id ?? c.flavor_id, v.image_id ?? groups[0]!.image_id!, false, stamp()),
    docker_volume_size: v.docker_volume_size ?? c.docker_volume_size, labels: v.labels && Object.keys(v.labels).length ? v.labels : c.labels,
    min_node_count: Number(v.min_node_count ?? 0), max_node_count: v.max_node_count ?? null, node_labels: v.node_labels ?? {}, node_taints: v.node_taints ?? [],
    status: 'CREATE_IN_PROGRESS',
  };
  await resizeTo(m, caller, c, {}, undefined, undefined, ng);
  await m.store.db.updateTable('magnum_nodegroups').set({ status: 'CREATE_IN_PROGRESS' }).where('uuid', '=', ng.uuid).execute();
  return ng;
}

export async function deleteNodegroup(m: Magnum, caller: Caller, ident: string, ngIdent: string): Promise<void> {
  const c = await findCluster(m, caller, ident);
  authorize(caller, 'nodegroup:delete', { project_id: c.project_id });
  const ng = (await nodegroupsOf(m, c.uuid)).find((g) => g.uuid === ngIdent || g.name === ngIdent);
  if (!ng) throw new NodeGroupNotFound(ngIdent);
  if (ng.is_default) throw new NotSupported('Deleting a default nodegroup is not supported.');
  await resizeTo(m, caller, c, {}, undefined, ng.name);
}

/** PATCH a nodegroup: node_count, min_node_count, max_node_count. */
export async function patchNodegroup(m: Magnum, caller: Caller, ident: string, ngIdent: string, patch: unknown): Promise<void> {
  const c = await findCluster(m, caller, ident);
  authorize(caller, 'nodegroup:update', { project_id: c.project_id });
  const ng = (await nodegroupsOf(m, c.uuid)).find((g) => g.uuid === ngIdent || g.name === ngIdent);
  if (!ng) throw new NodeGroupNotFound(ngIdent);
  const doc = { ...ng } as Record<string, unknown>;
  const after = applyPatch(doc, patch, { internal: ['uuid', 'id', 'links', 'project_id', 'cluster_id', 'stack_id', 'status', 'role', 'is_default', 'created_at', 'updated_at'], mandatory: ['name'] });
  const changed: Record<string, unknown> = {};
  for (const k of Object.keys(after)) if (JSON.stringify(after[k]) !== JSON.stringify(doc[k])) changed[k] = after[k];
  const values = checked(ngDef, changed, 'update', 'nodegroup') as Partial<Nodegroup>;
  const next = { ...ng, ...values };
  if (next.node_count < next.min_node_count || (next.max_node_count !== null && next.node_count > next.max_node_count)) {
    throw new BadRequest(`Resizing ${ng.name} outside the allowed range: min_node_count = ${next.min_node_count}, max_node_count = ${next.max_node_count ?? 'None'}`);
  }
  if (ng.role === 'master' && values.node_count !== undefined && values.node_count !== ng.node_count) throw new NotSupported('Resizing the master nodegroup is not supported by this driver.');
  await m.store.db.updateTable('magnum_nodegroups').set({ min_node_count: next.min_node_count, max_node_count: next.max_node_count }).where('uuid', '=', ng.uuid).execute();
  if (values.node_count !== undefined && values.node_count !== ng.node_count) await resizeTo(m, caller, c, { [ng.name]: next.node_count });
}

export async function deleteCluster(m: Magnum, caller: Caller, ident: string): Promise<void> {
  const c = await findCluster(m, caller, ident);
  authorize(caller, 'cluster:delete', { project_id: c.project_id });
  if (c.status === 'DELETE_IN_PROGRESS') return;
  await m.store.tx(async (tx) => {
    await tx.db.updateTable('magnum_clusters').set({ status: 'DELETE_IN_PROGRESS', status_reason: null, updated_at: stamp() }).where('uuid', '=', c.uuid).execute();
    await tx.db.updateTable('magnum_nodegroups').set({ status: 'DELETE_IN_PROGRESS' }).where('cluster_id', '=', c.uuid).execute();
    await tx.emit({ resource: 'cluster', id: c.uuid, action: 'update', projectId: c.project_id });
  });
  if (c.stack_id && (await m.engine.persist.stack(c.stack_id))) await m.engine.deleteStack(c.stack_id);
  m.kick(c.uuid);
}
