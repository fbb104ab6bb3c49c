// Container clusters (Magnum): the clusters with status, health, node counts and API address,
// create from a template, resize the default workers, delete; and the templates they come from.
import { has, svc } from '../api.js';
import { h } from '../dom.js';
import { act, confirmThen, form, listPanel, options, status, table, type Panel } from '../ui.js';
import { btn } from './servers.js';

interface Cluster { uuid: string; name: string; status: string; health_status: string | null; master_count: number; node_count: number; api_address: string | null; cluster_template_id: string }
interface Template { uuid: string; name: string; coe: string }
interface Keypair { keypair: { name: string } }

// Magnum answers its newest behaviour only when asked for it (1.10+: zero workers, 1.7+: resize).
const magnum = <T>(method: string, path: string, body?: unknown) => svc<T>('container-infra', method, path, { body, headers: { 'OpenStack-API-Version': 'container-infra latest' } });

export const clustersPanel: Panel = {
  id: 'clusters', title: 'Clusters', visible: () => has('container-infra'),
  render: (el) => listPanel(el, {
    title: 'Clusters', kinds: ['cluster', 'clustertemplate'], createLabel: 'Create cluster',
    createForm: async () => {
      const [{ clustertemplates }, { keypairs }] = await Promise.all([
        magnum<{ clustertemplates: Template[] }>('GET', '/clustertemplates'),
        has('compute') ? svc<{ keypairs: Keypair[] }>('compute', 'GET', '/os-keypairs') : Promise.resolve({ keypairs: [] as Keypair[] }),
      ]);
      if (!clustertemplates.length) return h('p', { class: 'message' }, 'No cluster template yet: make one with `openstack coe cluster template create`.');
      return form('create-cluster', [
        { name: 'name', label: 'Name', required: true },
        { name: 'template', label: 'Cluster template', type: 'select', options: options(clustertemplates, (t) => t.uuid, (t) => `${t.name} (${t.coe})`), required: true },
        { name: 'masters', label: 'Masters', type: 'number', value: '1', required: true },
        { name: 'nodes', label: 'Workers', type: 'number', value: '1', required: true },
        { name: 'keypair', label: 'Key pair', type: 'select', options: options(keypairs, (k) => k.keypair.name, (k) => k.keypair.name, 'the template\'s') },
      ], 'Create', (v) => magnum('POST', '/clusters', {
        name: v.name, cluster_template_id: v.template, master_count: Number(v.masters), node_count: Number(v.nodes), ...(v.keypair ? { keypair: v.keypair } : {}),
      }));
    },
    async list() {
      const [{ clusters }, { clustertemplates }] = await Promise.all([
        magnum<{ clusters: Cluster[] }>('GET', '/clusters/detail'),
        magnum<{ clustertemplates: Template[] }>('GET', '/clustertemplates'),
      ]);
      const templateOf = new Map(clustertemplates.map((t) => [t.uuid, t]));
      const resize = (c: Cluster) => {
        const n = h('input', { type: 'number', min: '0', value: String(c.node_count), 'aria-label': `Workers of ${c.name}`, class: 'narrow' });
        return h('span', {}, n, btn('Resize', (b) => void act(b, () => magnum('POST', `/clusters/${c.uuid}/actions/resize`, { node_count: Number(n.value) }), 'Resizing…')));
      };
      return h('div', {},
        table<Cluster>([
          { title: 'Name', cell: (c) => c.name },
          { title: 'Template', cell: (c) => templateOf.get(c.cluster_template_id)?.name ?? c.cluster_template_id },
          { title: 'Status', cell: (c) => status(c.status) },
          { title: 'Health', cell: (c) => status(c.health_status) },
          { title: 'Masters / workers', cell: (c) => `${c.master_count} / ${c.node_count}` },
          { title: 'API', cell: (c) => (c.api_address ? h('code', {}, c.api_address) : '—') },
          { title: 'Actions', cell: (c) => h('span', {}, c.status.endsWith('_COMPLETE') ? resize(c) : '', btn('Delete', (b) => confirmThen(`Delete cluster ${c.name}?`, () => magnum('DELETE', `/clusters/${c.uuid}`), b), 'danger')) },
        ], clusters, 'No cluster yet.'),
        h('h3', {}, 'Cluster templates'),
        table<Template>([{ title: 'Name', cell: (t) => t.name }, { title: 'COE', cell: (t) => t.coe }], clustertemplates, 'No cluster template yet.'));
    },
  }),
};
