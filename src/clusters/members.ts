// A cluster's node servers by the hostnames their nodes go by (Nova's hostname of the server's
// name: what the node registers as), from the stack's outputs; and which of them a resize of a
// worker group will remove — the ResourceGroup keeps its lowest-indexed members that are not
// named for removal (src/orchestration/resources/os-heat-resource-group.ts).
import { hostnameOf } from '../compute/index.js';
import type { Cluster } from './definitions/cluster.js';
import type { Nodegroup } from './definitions/nodegroup.js';
import { groupServersOutput, nodeServerName } from './drivers/heat-template.js';

type Group = Pick<Nodegroup, 'name' | 'role' | 'node_count'>;

/** Member index → server id of a worker group, as the stack's output gives it. */
function refsOf(ng: Group, outputs: Record<string, unknown>): [number, string][] {
  const refs = outputs[groupServersOutput(ng)];
  if (!refs || typeof refs !== 'object') return [];
  return Object.entries(refs as Record<string, unknown>).map(([i, id]) => [Number(i), String(id)] as [number, string]).sort((a, b) => a[0] - b[0]);
}

export function memberHostnames(c: Pick<Cluster, 'name'>, groups: readonly Group[], outputs: Record<string, unknown>): Set<string> {
  const names = new Set<string>();
  for (const ng of groups) {
    const indices = ng.role === 'master' ? Array.from({ length: ng.node_count }, (_, i) => i) : refsOf(ng, outputs).map(([i]) => i);
    for (const i of indices) names.add(hostnameOf(nodeServerName(c, ng, i)));
  }
  return names;
}

/** Hostnames of the members of `ng` that go when it becomes `count` members with `remove` (server ids, names or indices) dropped. */
export function leavingHostnames(c: Pick<Cluster, 'name'>, ng: Group, outputs: Record<string, unknown>, count: number, remove: readonly string[] = []): string[] {
  const named = (i: number, id: string) => remove.includes(String(i)) || remove.includes(id) || remove.includes(nodeServerName(c, ng, i));
  const refs = refsOf(ng, outputs);
  const kept = refs.filter(([i, id]) => !named(i, id)).slice(0, count).map(([i]) => i);
  return refs.filter(([i]) => !kept.includes(i)).map(([i]) => hostnameOf(nodeServerName(c, ng, i)));
}
