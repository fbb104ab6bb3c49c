// A cluster's Heat stack: built from the COE driver and the cluster's rows, created or updated
// through the orchestration engine in-process, owned by the cluster's project (its stack shows
// in `openstack stack list`). The stack acts as the user who created the cluster.
import type { Caller } from '../networking/index.js';
import { ownerOf, type StackOwner } from '../orchestration/index.js';
import type { Magnum } from './context.js';
import type { ClusterTemplate } from './definitions/cluster-template.js';
import type { Cluster } from './definitions/cluster.js';
import type { Nodegroup } from './definitions/nodegroup.js';
import { clusterStack } from './drivers/heat-template.js';
import { driverFor } from './drivers/registry.js';
import { InternalError } from '../core/errors.js';

export interface ClusterParts {
  cluster: Cluster;
  clusterTemplate: ClusterTemplate;
  nodegroups: Nodegroup[];
  ca: { cert: string; key: string };
  externalNetworkId: string | null;
}

const stackName = (c: Cluster) => `${c.name}-${c.uuid.slice(0, 8)}`;

function build(parts: ClusterParts, remove?: Record<string, string[]>) {
  const { template, parameters, files } = clusterStack(driverFor(parts.clusterTemplate.coe), { ...parts, remove });
  return { template: template as never, environment: { parameters } as never, files };
}

/** Validates the cluster's stack without storing it (a failure is Pier's bug, not the client's). */
export async function checkStack(m: Magnum, caller: Caller, parts: ClusterParts): Promise<void> {
  const input = build(parts);
  try {
    await m.engine.check({ id: parts.cluster.stack_id!, name: stackName(parts.cluster), ...input, owner: ownerOf(caller.auth) });
  } catch (e) {
    m.logger.error({ err: e, cluster: parts.cluster.uuid }, 'cluster stack does not validate');
    throw new InternalError(`The cluster's stack does not validate: ${(e as Error).message}`);
  }
}

/** Creates the stack under the id the cluster row already names (idempotent: an existing stack is left alone). */
export async function createStack(m: Magnum, owner: StackOwner, parts: ClusterParts): Promise<void> {
  if (await m.engine.persist.stack(parts.cluster.stack_id!)) return;
  await m.engine.createStack({
    id: parts.cluster.stack_id!, name: stackName(parts.cluster), ...build(parts), owner,
    disableRollback: true, timeoutMins: parts.cluster.create_timeout || null, tags: [`magnum_cluster=${parts.cluster.uuid}`],
  });
}

/** Stages the stack's update to `parts` (the stack goes UPDATE_IN_PROGRESS; the caller then
 * runs it); `remove` names servers to drop per group. False when the stack is busy. */
export async function stageStackUpdate(m: Magnum, parts: ClusterParts, remove?: Record<string, string[]>): Promise<boolean> {
  const row = await m.engine.persist.stack(parts.cluster.stack_id!);
  if (!row) throw new InternalError(`Cluster ${parts.cluster.uuid} has no stack`);
  if (row.status === 'IN_PROGRESS') return false;
  await m.engine.stageUpdate(row, build(parts, remove));
  return true;
}

export type { StackOwner };
