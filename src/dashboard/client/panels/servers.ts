// Servers: the list with status and addresses, launch, the power actions, console log and the
// live terminal (Nova's serial remote console).
import { has, svc } from '../api.js';
import { h, fill } from '../dom.js';
// xterm.js loads only when a terminal opens: the first screen stays small.
const openTerminal = async (where: HTMLElement, id: string, name: string) => (await import('../terminal.js')).openTerminal(where, id, name);
import { act, confirmThen, form, listPanel, options, status, table, type Panel } from '../ui.js';

interface Server {
  id: string; name: string; status: string; 'OS-EXT-STS:task_state'?: string | null;
  addresses: Record<string, { addr: string; 'OS-EXT-IPS:type'?: string }[]>;
  image: { id: string } | string; flavor: { original_name?: string; id?: string };
  key_name: string | null;
}

const action = (id: string, body: unknown) => svc('compute', 'POST', `/servers/${id}/action`, { body });

export const serversPanel: Panel = {
  id: 'servers', title: 'Servers', visible: () => has('compute'),
  render(el) {
    const detail = h('section', { class: 'detail', 'aria-label': 'Server detail' });
    const stopList = listPanel(el, {
      title: 'Servers', kinds: ['server', 'port', 'floatingip'], createLabel: 'Launch server',
      createForm: launchForm,
      async list() {
        const { servers } = await svc<{ servers: Server[] }>('compute', 'GET', '/servers/detail');
        return table<Server>([
          { title: 'Name', cell: (s) => h('button', { class: 'link', onclick: () => showConsoleLog(detail, s) }, s.name) },
          { title: 'Status', cell: (s) => h('span', { 'data-server': s.name }, status(s.status), s['OS-EXT-STS:task_state'] ? ` ${s['OS-EXT-STS:task_state']}` : '') },
          { title: 'Addresses', cell: (s) => Object.entries(s.addresses).map(([net, a]) => h('div', {}, `${net}: ${a.map((x) => x.addr).join(', ')}`)) },
          { title: 'Flavor', cell: (s) => s.flavor.original_name ?? s.flavor.id ?? '' },
          { title: 'Key', cell: (s) => s.key_name ?? '' },
          { title: 'Actions', cell: (s) => h('div', { class: 'actions' },
            s.status === 'SHUTOFF' ? btn('Start', (b) => act(b, () => action(s.id, { 'os-start': null }), `Starting ${s.name}`)) : null,
            s.status === 'ACTIVE' ? btn('Stop', (b) => act(b, () => action(s.id, { 'os-stop': null }), `Stopping ${s.name}`)) : null,
            s.status === 'ACTIVE' ? btn('Reboot', (b) => act(b, () => action(s.id, { reboot: { type: 'SOFT' } }), `Rebooting ${s.name}`)) : null,
            btn('Console log', () => showConsoleLog(detail, s)),
            s.status === 'ACTIVE' ? btn('Terminal', () => openTerminal(detail, s.id, s.name)) : null,
            btn('Delete', (b) => confirmThen(`Delete server ${s.name}?`, () => svc('compute', 'DELETE', `/servers/${s.id}`), b, `Deleting ${s.name}`), 'danger'),
          ) },
        ], servers, 'No servers yet: launch one.');
      },
    });
    el.append(detail);
    return stopList;
  },
};

export function btn(label: string, onclick: (b: HTMLButtonElement) => unknown, cls = ''): HTMLButtonElement {
  const b: HTMLButtonElement = h('button', { class: cls, onclick: () => onclick(b) }, label);
  return b;
}

async function showConsoleLog(detail: HTMLElement, s: Server): Promise<void> {
  fill(detail, h('h3', {}, `Console log of ${s.name}`), h('p', { class: 'loading' }, 'Loading…'));
  await act(null, async () => {
    const r = await svc<{ output: string }>('compute', 'POST', `/servers/${s.id}/action`, { body: { 'os-getConsoleOutput': { length: 200 } } });
    fill(detail, h('h3', {}, `Console log of ${s.name}`), h('pre', { class: 'console-log' }, r.output || '(empty)'));
  });
}

async function launchForm(): Promise<HTMLFormElement> {
  const [images, flavors, networks, keys, groups] = await Promise.all([
    svc<{ images: { id: string; name: string; status: string }[] }>('image', 'GET', '/v2/images?status=active'),
    svc<{ flavors: { id: string; name: string; vcpus: number; ram: number }[] }>('compute', 'GET', '/flavors/detail'),
    svc<{ networks: { id: string; name: string; 'router:external'?: boolean }[] }>('network', 'GET', '/v2.0/networks'),
    svc<{ keypairs: { keypair: { name: string } }[] }>('compute', 'GET', '/os-keypairs'),
    svc<{ security_groups: { id: string; name: string }[] }>('network', 'GET', '/v2.0/security-groups'),
  ]);
  const nets = networks.networks.filter((n) => !n['router:external']);
  return form('launch-server', [
    { name: 'name', label: 'Name', required: true },
    { name: 'image', label: 'Image', type: 'select', options: options(images.images, (i) => i.id, (i) => i.name), required: true },
    { name: 'flavor', label: 'Flavor', type: 'select', options: options(flavors.flavors, (f) => f.id, (f) => `${f.name} (${f.vcpus} vCPU, ${f.ram} MB)`), required: true },
    { name: 'network', label: 'Network', type: 'select', options: options(nets, (n) => n.id, (n) => n.name || n.id, 'none') },
    { name: 'key', label: 'Key pair', type: 'select', options: options(keys.keypairs, (k) => k.keypair.name, (k) => k.keypair.name, 'none') },
    { name: 'groups', label: 'Security groups', type: 'multiselect', options: options(groups.security_groups, (g) => g.name, (g) => g.name), value: 'default' },
    { name: 'user_data', label: 'User data', type: 'textarea', placeholder: '#!/bin/sh' },
  ], 'Launch', async (v) => {
    const server: Record<string, unknown> = {
      name: v.name, imageRef: v.image, flavorRef: v.flavor,
      networks: v.network ? [{ uuid: v.network }] : 'none',
    };
    if (v.key) server.key_name = v.key;
    const groupNames = v.groups as string[];
    if (groupNames.length) server.security_groups = groupNames.map((name) => ({ name }));
    if (v.user_data) server.user_data = btoa(unescape(encodeURIComponent(String(v.user_data))));
    await svc('compute', 'POST', '/servers', { body: { server } });
  });
}
