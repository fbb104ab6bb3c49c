// Volumes (Cinder): list with status and where each is attached, create (blank, of a size),
// attach to a server and detach (through Nova, as `openstack server add volume` does), delete.
import { has, svc } from '../api.js';
import { h } from '../dom.js';
import { act, confirmThen, form, listPanel, options, status, table, type Panel } from '../ui.js';
import { btn } from './servers.js';

interface Volume { id: string; name: string | null; size: number; status: string; bootable: string; attachments: { server_id: string; device: string }[] }
interface Server { id: string; name: string }

export const volumesPanel: Panel = {
  id: 'volumes', title: 'Volumes', visible: () => has('block-storage') && has('compute'),
  render: (el) => listPanel(el, {
    title: 'Volumes', kinds: ['volume', 'server'], createLabel: 'Create volume',
    createForm: async () => form('create-volume', [
      { name: 'name', label: 'Name', required: true },
      { name: 'size', label: 'Size (GiB)', type: 'number', value: '1', required: true },
    ], 'Create', (v) => svc('block-storage', 'POST', '/volumes', { body: { volume: { name: v.name, size: Number(v.size) } } })),
    async list() {
      const [{ volumes }, { servers }] = await Promise.all([
        svc<{ volumes: Volume[] }>('block-storage', 'GET', '/volumes/detail'),
        svc<{ servers: Server[] }>('compute', 'GET', '/servers'),
      ]);
      const nameOf = new Map(servers.map((s) => [s.id, s.name]));
      const attach = (v: Volume) => {
        const pick = h('select', { 'aria-label': `Server for ${v.name ?? v.id}` }, options(servers, (s) => s.id, (s) => s.name).map((o) => h('option', { value: o.value }, o.label)));
        return h('span', { class: 'attach' }, pick, btn('Attach', (b) => void act(b, () => svc('compute', 'POST', `/servers/${pick.value}/os-volume_attachments`, { body: { volumeAttachment: { volumeId: v.id } } }), 'Attaching…')));
      };
      return table<Volume>([
        { title: 'Name', cell: (v) => v.name || v.id },
        { title: 'Size', cell: (v) => `${v.size} GiB` },
        { title: 'Status', cell: (v) => status(v.status) },
        { title: 'Attached to', cell: (v) => v.attachments.map((a) => `${nameOf.get(a.server_id) ?? a.server_id} on ${a.device}`).join(', ') || '—' },
        {
          title: 'Actions', cell: (v) => h('span', {},
            v.attachments.length
              ? v.attachments.map((a) => btn('Detach', (b) => void act(b, () => svc('compute', 'DELETE', `/servers/${a.server_id}/os-volume_attachments/${v.id}`), 'Detaching…')))
              : v.status === 'available' && servers.length ? attach(v) : '',
            btn('Delete', (b) => confirmThen(`Delete volume ${v.name ?? v.id}?`, () => svc('block-storage', 'DELETE', `/volumes/${v.id}`), b), 'danger')),
        },
      ], volumes);
    },
  }),
};
