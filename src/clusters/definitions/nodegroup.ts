// A nodegroup (Magnum's NodeGroup): a cluster's masters (default-master), its workers
// (default-worker) and any extra worker groups. Each worker group is one ResourceGroup of the
// cluster's stack.
import { bool, defineResource, int, json, listOf, nullable, oneOf, str, type Values } from '../../core/resource/index.js';
import { labels } from './cluster-template.js';

const text = nullable(str({ min: 1, max: 255 }));

export const nodegroup = defineResource({
  singular: 'nodegroup', plural: 'nodegroups', table: 'magnum_nodegroups',
  attributes: {
    uuid: { type: str(), sort: true },
    id: { type: int(), stored: false },
    name: { type: str({ min: 1, max: 255, pattern: /^[a-zA-Z][a-zA-Z0-9_.-]*$/ }), create: 'required', sort: true },
    cluster_id: { type: str() },
    project_id: { type: str() },
    role: { type: oneOf('master', 'worker'), create: true, default: 'worker', sort: true },
    flavor_id: { type: text, create: true, default: null },
    image_id: { type: text, create: true, default: null },
    docker_volume_size: { type: nullable(int({ min: 1 })), create: true, default: null },
    labels: { type: labels, create: true, default: {} },
    merge_labels: { type: bool, create: true, default: false, stored: false },
    node_count: { type: int({ min: 0 }), create: true, update: true, default: 1, sort: true },
    min_node_count: { type: int({ min: 0 }), create: true, update: true, default: 0 },
    max_node_count: { type: nullable(int({ min: 0 })), create: true, update: true, default: null },
    node_addresses: { type: listOf(str()) },
    is_default: { type: bool },
    stack_id: { type: nullable(str()) },
    status: { type: str(), sort: true },
    status_reason: { type: nullable(str({ max: 65535 })) },
    version: { type: nullable(str()) },
    node_labels: { type: labels, create: true, default: {} },
    node_taints: { type: json('list', (v) => (Array.isArray(v) ? undefined : `${JSON.stringify(v)} is not a list`)), create: true, default: [] },
    created_at: { type: str(), sort: true },
    updated_at: { type: nullable(str()) },
  },
});

export type Nodegroup = Values & {
  uuid: string; name: string; cluster_id: string; project_id: string; role: 'master' | 'worker'; flavor_id: string | null;
  image_id: string | null; docker_volume_size: number | null; labels: Record<string, unknown>; node_count: number;
  min_node_count: number; max_node_count: number | null; node_addresses: string[]; is_default: boolean; stack_id: string | null;
  status: string; status_reason: string | null; version: string | null; node_labels: Record<string, unknown>; node_taints: unknown[];
  created_at: string; updated_at: string | null;
};
