// The cluster (Magnum's Cluster). Node counts and addresses live on its nodegroups and are
// added to the view; `stack_id` is shown as `cluster_id` from microversion 1.13.
import { bool, defineResource, int, json, nullable, str, type Values } from '../../core/resource/index.js';
import { labels } from './cluster-template.js';

const text = nullable(str({ min: 1, max: 255 }));

export const CLUSTER_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]*$/;

export const cluster = defineResource({
  singular: 'cluster', plural: 'clusters', table: 'magnum_clusters',
  attributes: {
    uuid: { type: str(), sort: true },
    name: { type: str({ min: 1, max: 242, pattern: CLUSTER_NAME }), create: true, sort: true },
    project_id: { type: str(), sort: true },
    user_id: { type: str() },
    cluster_template_id: { type: str({ min: 1, max: 255 }), create: 'required', update: true, sort: true },
    keypair: { type: text, create: true, default: null },
    docker_volume_size: { type: nullable(int({ min: 1 })), create: true, default: null },
    labels: { type: labels, create: true, default: {} },
    master_flavor_id: { type: text, create: true, default: null },
    flavor_id: { type: text, create: true, default: null },
    create_timeout: { type: int({ min: 0 }), create: true, default: 60, sort: true },
    stack_id: { type: nullable(str()) },
    status: { type: str(), sort: true },
    status_reason: { type: nullable(str({ max: 65535 })) },
    health_status: { type: str(), sort: true },
    health_status_reason: { type: json() },
    discovery_url: { type: nullable(str()), create: true, default: null },
    api_address: { type: nullable(str()) },
    coe_version: { type: nullable(str()) },
    container_version: { type: nullable(str()) },
    fixed_network: { type: text, create: true, default: null },
    fixed_subnet: { type: text, create: true, default: null },
    floating_ip_enabled: { type: nullable(bool), create: true, default: null },
    master_lb_enabled: { type: nullable(bool), create: true, default: null },
    faults: { type: json() },
    /** Shared secret nodes join with (in their user_data); never shown. */
    bootstrap_token: { type: str(), visible: false },
    created_at: { type: str(), sort: true },
    updated_at: { type: nullable(str()), sort: true },
    // Body-only: counts become the default nodegroups, merge_labels folds in the template's.
    node_count: { type: int({ min: 0 }), create: true, update: true, default: 1, stored: false, sort: false },
    master_count: { type: int({ min: 1 }), create: true, default: 1, stored: false },
    merge_labels: { type: bool, create: true, default: false, stored: false },
  },
});

export type Cluster = Values & {
  uuid: string; name: string; project_id: string; user_id: string; cluster_template_id: string; keypair: string | null;
  docker_volume_size: number | null; labels: Record<string, unknown>; master_flavor_id: string | null; flavor_id: string | null;
  create_timeout: number; stack_id: string | null; status: string; status_reason: string | null; health_status: string;
  health_status_reason: Record<string, string>; api_address: string | null; coe_version: string | null; fixed_network: string | null;
  fixed_subnet: string | null; floating_ip_enabled: boolean | null; master_lb_enabled: boolean | null; faults: Record<string, string>;
  bootstrap_token: string; created_at: string; updated_at: string | null;
};
