// The cluster template (Magnum's ClusterTemplate): every attribute once — body checks, defaults,
// columns, views and sort keys come from here. `uuid` is the key; `id` is only a sort alias.
import { bool, defineResource, int, json, nullable, oneOf, str, type Values } from '../../core/resource/index.js';

const text = nullable(str({ min: 1, max: 255 }));
/** Magnum's labels: a dict of scalars (shown back as given). */
export const labels = json<Record<string, unknown>>('dict', (v) => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return `${JSON.stringify(v)} is not a dictionary`;
  for (const [k, x] of Object.entries(v)) if (x !== null && typeof x === 'object') return `Value of label '${k}' is not a string, number or boolean`;
  return undefined;
});
/** Comma-separated IPv4 addresses, as Magnum's dns_list. */
const dnsList = nullable({
  ...str({ min: 1, max: 255 }),
  name: 'dns_list',
  check: (v: unknown) => {
    if (typeof v !== 'string') return `${JSON.stringify(v)} is not a valid string`;
    return v.split(',').every((a) => /^(\d{1,3})(\.\d{1,3}){3}$/.test(a.trim()) && a.trim().split('.').every((o) => Number(o) <= 255))
      ? undefined : `Expected a dns but received ${v}.`;
  },
});

export const COES = ['kubernetes', 'swarm-mode'] as const;
export const SERVER_TYPES = ['vm', 'bm'] as const;

export const clusterTemplate = defineResource({
  singular: 'clustertemplate', plural: 'clustertemplates', table: 'magnum_cluster_templates',
  attributes: {
    uuid: { type: str(), sort: true },
    name: { type: str({ min: 1, max: 255 }), create: true, update: true, sort: true },
    project_id: { type: str(), sort: true },
    user_id: { type: str() },
    coe: { type: oneOf(...COES), create: 'required', update: true, sort: true },
    image_id: { type: str({ min: 1, max: 255 }), create: 'required', update: true },
    flavor_id: { type: text, create: true, update: true, default: null },
    master_flavor_id: { type: text, create: true, update: true, default: null },
    keypair_id: { type: text, create: true, update: true, default: null },
    external_network_id: { type: text, create: true, update: true, default: null },
    fixed_network: { type: text, create: true, update: true, default: null },
    fixed_subnet: { type: text, create: true, update: true, default: null },
    network_driver: { type: text, create: true, update: true, default: null },
    volume_driver: { type: text, create: true, update: true, default: null },
    dns_nameserver: { type: dnsList, create: true, update: true, default: '8.8.8.8' },
    apiserver_port: { type: nullable(int({ min: 1024, max: 65535 })), create: true, update: true, default: null },
    docker_volume_size: { type: nullable(int({ min: 1 })), create: true, update: true, default: null },
    docker_storage_driver: { type: text, create: true, update: true, default: null },
    cluster_distro: { type: text },
    http_proxy: { type: text, create: true, update: true, default: null },
    https_proxy: { type: text, create: true, update: true, default: null },
    no_proxy: { type: text, create: true, update: true, default: null },
    insecure_registry: { type: text, create: true, update: true, default: null },
    labels: { type: labels, create: true, update: true, default: {} },
    tls_disabled: { type: bool, create: true, update: true, default: false },
    public: { type: bool, create: true, update: true, default: false },
    hidden: { type: bool, create: true, update: true, default: false },
    server_type: { type: oneOf(...SERVER_TYPES), create: true, update: true, default: 'vm' },
    master_lb_enabled: { type: bool, create: true, update: true, default: false },
    floating_ip_enabled: { type: bool, create: true, update: true, default: true },
    registry_enabled: { type: bool, create: true, update: true, default: false },
    tags: { type: nullable(str({ max: 255 })), create: true, update: true, default: null },
    driver: { type: text, create: true, update: true, default: null },
    created_at: { type: str(), sort: true },
    updated_at: { type: nullable(str()), sort: true },
  },
});

export type ClusterTemplate = Values & {
  uuid: string; name: string; project_id: string; user_id: string; coe: (typeof COES)[number]; image_id: string;
  flavor_id: string | null; master_flavor_id: string | null; keypair_id: string | null; external_network_id: string | null;
  fixed_network: string | null; fixed_subnet: string | null; network_driver: string | null; volume_driver: string | null;
  dns_nameserver: string | null; docker_volume_size: number | null; cluster_distro: string; labels: Record<string, unknown>;
  tls_disabled: boolean; public: boolean; hidden: boolean; server_type: string; master_lb_enabled: boolean;
  floating_ip_enabled: boolean; registry_enabled: boolean; driver: string | null;
};
