// Magnum's response shapes: links on everything, a cluster's counts and addresses from its
// nodegroups, stack_id shown as cluster_id from 1.13, node_labels/node_taints from 1.14.
import { view } from '../core/resource/index.js';
import { viewValues } from './cluster-templates.js';
import type { ClusterTemplate } from './definitions/cluster-template.js';
import { cluster as clusterDef, type Cluster } from './definitions/cluster.js';
import { nodegroup as ngDef, type Nodegroup } from './definitions/nodegroup.js';

export const links = (base: string, kind: string, id: string) => [
  { href: `${base}/v1/${kind}/${id}`, rel: 'self' },
  { href: `${base}/${kind}/${id}`, rel: 'bookmark' },
];

export const templateView = (base: string, t: ClusterTemplate) => ({ ...viewValues(t), links: links(base, 'clustertemplates', t.uuid) });

const SUMMARY = ['uuid', 'name', 'cluster_template_id', 'keypair', 'docker_volume_size', 'labels', 'node_count', 'status', 'master_flavor_id',
  'flavor_id', 'create_timeout', 'master_count', 'health_status'];

export function clusterView(base: string, c: Cluster, groups: readonly Nodegroup[], minor: number, expand: boolean, parentLabels: Record<string, unknown> = {}) {
  const masters = groups.filter((g) => g.role === 'master');
  const workers = groups.find((g) => g.role === 'worker' && g.is_default);
  const full: Record<string, unknown> = {
    ...view(clusterDef, c), node_count: workers?.node_count ?? 0, master_count: masters.reduce((n, g) => n + g.node_count, 0),
    master_addresses: masters.flatMap((g) => g.node_addresses), node_addresses: workers?.node_addresses ?? [],
  };
  delete full['merge_labels'];
  if (minor >= 13) { full['cluster_id'] = c.stack_id; delete full['stack_id']; }
  const out: Record<string, unknown> = {};
  if (!expand) {
    for (const k of [...SUMMARY, minor >= 13 ? 'cluster_id' : 'stack_id']) out[k] = full[k] ?? null;
  } else {
    Object.assign(out, full);
    const overridden: Record<string, unknown> = {}, added: Record<string, unknown> = {}, skipped: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c.labels)) if (!(k in parentLabels)) added[k] = v; else if (parentLabels[k] !== v) overridden[k] = parentLabels[k];
    for (const [k, v] of Object.entries(parentLabels)) if (!(k in c.labels)) skipped[k] = v;
    Object.assign(out, { labels_overridden: overridden, labels_added: added, labels_skipped: skipped });
  }
  out['links'] = links(base, 'clusters', c.uuid);
  return out;
}

export function nodegroupView(base: string, ng: Nodegroup, minor: number, expand = true) {
  const v = view(ngDef, ng) as Record<string, unknown>;
  delete v['merge_labels'];
  if (minor < 14) { delete v['node_labels']; delete v['node_taints']; }
  const out = expand ? v : Object.fromEntries(['uuid', 'name', 'flavor_id', 'image_id', 'node_count', 'role', 'is_default', 'status'].map((k) => [k, v[k]]));
  return { ...out, links: links(base, `clusters/${ng.cluster_id}/nodegroups`, ng.uuid) };
}
