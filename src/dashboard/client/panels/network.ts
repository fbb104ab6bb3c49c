// Networking panels: networks with their subnets, routers (gateway, interfaces), floating IPs,
// security groups and their rules. Each is a table, a create form and row actions.
import { has, svc } from '../api.js';
import { h } from '../dom.js';
import { act, confirmThen, form, listPanel, options, status, table, type Panel } from '../ui.js';
import { btn } from './servers.js';

interface Net { id: string; name: string; status: string; subnets: string[]; shared: boolean; 'router:external'?: boolean; project_id: string }
interface Subnet { id: string; name: string; cidr: string; network_id: string; gateway_ip: string | null }
interface Router { id: string; name: string; status: string; external_gateway_info: { network_id: string } | null }
interface Port { id: string; device_id: string; device_owner: string; network_id: string; fixed_ips: { subnet_id: string; ip_address: string }[] }

const net = <T = any>(method: string, path: string, body?: unknown) => svc<T>('network', method, `/v2.0${path}`, { body });

export const networksPanel: Panel = {
  id: 'networks', title: 'Networks', visible: () => has('network'),
  render: (el) => listPanel(el, {
    title: 'Networks', kinds: ['network', 'subnet'], createLabel: 'Create network',
    createForm: async () => form('create-network', [
      { name: 'name', label: 'Name', required: true },
      { name: 'cidr', label: 'Subnet range (optional)', placeholder: '10.0.0.0/24' },
      { name: 'gateway', label: 'Gateway (optional)', placeholder: 'first address' },
    ], 'Create', async (v) => {
      const { network } = await net<{ network: Net }>('POST', '/networks', { network: { name: v.name } });
      if (!v.cidr) return;
      try {
        await net('POST', '/subnets', { subnet: { name: `${String(v.name)}-subnet`, network_id: network.id, ip_version: String(v.cidr).includes(':') ? 6 : 4, cidr: v.cidr, ...(v.gateway ? { gateway_ip: v.gateway } : {}) } });
      } catch (err) {
        // One form, one outcome: a refused subnet takes its new network with it.
        await net('DELETE', `/networks/${network.id}`).catch(() => {});
        throw err;
      }
    }),
    async list() {
      const [{ networks }, { subnets }] = await Promise.all([net<{ networks: Net[] }>('GET', '/networks'), net<{ subnets: Subnet[] }>('GET', '/subnets')]);
      const byId = new Map(subnets.map((s) => [s.id, s]));
      return table<Net>([
        { title: 'Name', cell: (n) => n.name || n.id },
        { title: 'Subnets', cell: (n) => n.subnets.map((id) => byId.get(id)).filter(Boolean).map((s) => h('div', {}, `${s!.name || s!.id.slice(0, 8)} ${s!.cidr}`)) },
        { title: 'Status', cell: (n) => status(n.status) },
        { title: 'Shared / external', cell: (n) => [n.shared ? 'shared' : '', n['router:external'] ? 'external' : ''].filter(Boolean).join(', ') },
        { title: 'Actions', cell: (n) => h('div', { class: 'actions' },
          inline(`New subnet range for ${n.name}`, '10.0.1.0/24', 'Add subnet', (cidr) => net('POST', '/subnets', { subnet: { network_id: n.id, ip_version: cidr.includes(':') ? 6 : 4, cidr } })),
          btn('Delete', (b) => confirmThen(`Delete network ${n.name}?`, () => net('DELETE', `/networks/${n.id}`), b, `Deleted ${n.name}`), 'danger')) },
      ], networks);
    },
  }),
};

export const routersPanel: Panel = {
  id: 'routers', title: 'Routers', visible: () => has('network'),
  render: (el) => listPanel(el, {
    title: 'Routers', kinds: ['router', 'port'], createLabel: 'Create router',
    async createForm() {
      const [{ networks }, { subnets }] = await Promise.all([net<{ networks: Net[] }>('GET', '/networks?router:external=true'), net<{ subnets: Subnet[] }>('GET', '/subnets')]);
      return form('create-router', [
        { name: 'name', label: 'Name', required: true },
        { name: 'external', label: 'External network', type: 'select', options: options(networks, (n) => n.id, (n) => n.name, 'none') },
        { name: 'subnet', label: 'Interface on subnet', type: 'select', options: options(subnets, (s) => s.id, (s) => `${s.name || s.id.slice(0, 8)} ${s.cidr}`, 'none') },
      ], 'Create', async (v) => {
        const { router } = await net<{ router: Router }>('POST', '/routers', { router: { name: v.name, ...(v.external ? { external_gateway_info: { network_id: v.external } } : {}) } });
        if (v.subnet) await net('PUT', `/routers/${router.id}/add_router_interface`, { subnet_id: v.subnet });
      });
    },
    async list() {
      const [{ routers }, { ports }, { subnets }] = await Promise.all([
        net<{ routers: Router[] }>('GET', '/routers'), net<{ ports: Port[] }>('GET', '/ports?device_owner=network:router_interface'), net<{ subnets: Subnet[] }>('GET', '/subnets'),
      ]);
      const cidr = new Map(subnets.map((s) => [s.id, s.cidr]));
      return table<Router>([
        { title: 'Name', cell: (r) => r.name || r.id },
        { title: 'Status', cell: (r) => status(r.status) },
        { title: 'Gateway', cell: (r) => (r.external_gateway_info ? 'external gateway' : '') },
        { title: 'Interfaces', cell: (r) => ports.filter((p) => p.device_id === r.id).map((p) => h('div', {}, p.fixed_ips.map((f) => `${f.ip_address} (${cidr.get(f.subnet_id) ?? ''})`).join(', '))) },
        { title: 'Actions', cell: (r) => h('div', { class: 'actions' },
          addInterface(r, subnets),
          // Neutron refuses to delete a router with interfaces: they go first, as the user asked for the router gone.
          btn('Delete', (b) => confirmThen(`Delete router ${r.name} and its interfaces?`, async () => {
            for (const p of ports.filter((x) => x.device_id === r.id)) await net('PUT', `/routers/${r.id}/remove_router_interface`, { port_id: p.id });
            await net('DELETE', `/routers/${r.id}`);
          }, b, `Deleted ${r.name}`), 'danger')) },
      ], routers);
    },
  }),
};

/** A one-field action in a row: a labelled input and its button (Enter submits). */
function inline(label: string, placeholder: string, action: string, run: (value: string) => Promise<unknown>): HTMLElement {
  const input = h('input', { 'aria-label': label, placeholder, size: 16 });
  const go = btn(action, (b) => { if (input.value.trim()) void act(b, () => run(input.value.trim()), `${action}: done`); });
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') go.click(); });
  return h('span', { class: 'actions' }, input, go);
}

function addInterface(r: Router, subnets: Subnet[]): HTMLElement {
  const choice = h('select', { 'aria-label': `Subnet for ${r.name}` }, subnets.map((s) => h('option', { value: s.id }, `${s.name || s.id.slice(0, 8)} ${s.cidr}`)));
  return h('span', { class: 'actions' }, choice, btn('Add interface', (b) => act(b, () => net('PUT', `/routers/${r.id}/add_router_interface`, { subnet_id: choice.value }), 'Interface added')));
}

interface Fip { id: string; floating_ip_address: string; fixed_ip_address: string | null; port_id: string | null; status: string }

export const floatingIpsPanel: Panel = {
  id: 'floating-ips', title: 'Floating IPs', visible: () => has('network'),
  render: (el) => listPanel(el, {
    title: 'Floating IPs', kinds: ['floatingip'], createLabel: 'Allocate',
    async createForm() {
      const { networks } = await net<{ networks: Net[] }>('GET', '/networks?router:external=true');
      return form('allocate-fip', [{ name: 'network', label: 'Pool', type: 'select', options: options(networks, (n) => n.id, (n) => n.name), required: true }],
        'Allocate', (v) => net('POST', '/floatingips', { floatingip: { floating_network_id: v.network } }));
    },
    async list() {
      const [{ floatingips }, { ports }] = await Promise.all([net<{ floatingips: Fip[] }>('GET', '/floatingips'), net<{ ports: Port[] }>('GET', '/ports?device_owner=compute:nova')]);
      return table<Fip>([
        { title: 'Address', cell: (f) => f.floating_ip_address },
        { title: 'Mapped to', cell: (f) => f.fixed_ip_address ?? '' },
        { title: 'Status', cell: (f) => status(f.status) },
        { title: 'Actions', cell: (f) => h('div', { class: 'actions' },
          f.port_id ? btn('Disassociate', (b) => act(b, () => net('PUT', `/floatingips/${f.id}`, { floatingip: { port_id: null } })))
            : associate(f, ports),
          btn('Release', (b) => confirmThen(`Release ${f.floating_ip_address}?`, () => net('DELETE', `/floatingips/${f.id}`), b), 'danger')) },
      ], floatingips);
    },
  }),
};

/** A choice of the project's server ports and an Associate button. */
function associate(f: Fip, ports: Port[]): HTMLElement {
  const choice = h('select', { 'aria-label': `Port for ${f.floating_ip_address}` }, ports.map((p) => h('option', { value: p.id }, p.fixed_ips.map((x) => x.ip_address).join(', '))));
  return h('span', { class: 'actions' }, choice, btn('Associate', (b) => act(b, () => net('PUT', `/floatingips/${f.id}`, { floatingip: { port_id: choice.value } }), `${f.floating_ip_address} associated`)));
}

interface Rule { id: string; direction: string; ethertype: string; protocol: string | null; port_range_min: number | null; port_range_max: number | null; remote_ip_prefix: string | null; remote_group_id: string | null }
interface Group { id: string; name: string; description: string; security_group_rules: Rule[] }

export const securityGroupsPanel: Panel = {
  id: 'security-groups', title: 'Security groups', visible: () => has('network'),
  render: (el) => listPanel(el, {
    title: 'Security groups', kinds: ['security_group', 'security_group_rule'], createLabel: 'Create group',
    createForm: async () => form('create-group', [{ name: 'name', label: 'Name', required: true }, { name: 'description', label: 'Description' }],
      'Create', (v) => net('POST', '/security-groups', { security_group: { name: v.name, description: v.description } })),
    async list() {
      const { security_groups } = await net<{ security_groups: Group[] }>('GET', '/security-groups');
      const ruleText = (r: Rule) => `${r.direction} ${r.ethertype} ${r.protocol ?? 'any'}${r.port_range_min !== null ? ` ${r.port_range_min}-${r.port_range_max}` : ''} ${r.remote_ip_prefix ?? (r.remote_group_id ? 'group' : '')}`;
      return table<Group>([
        { title: 'Name', cell: (g) => g.name },
        { title: 'Rules', cell: (g) => g.security_group_rules.map((r) => h('div', { class: 'rule' }, ruleText(r), ' ', btn('×', (b) => act(b, () => net('DELETE', `/security-group-rules/${r.id}`)), 'link'))) },
        { title: 'Actions', cell: (g) => h('div', { class: 'actions' },
          inline(`Ingress rule for ${g.name}: protocol [port] [CIDR]`, 'tcp 22 0.0.0.0/0', 'Add rule', (spec) => {
            const [protocol, port, cidr] = spec.trim().split(/\s+/);
            return net('POST', '/security-group-rules', { security_group_rule: { security_group_id: g.id, direction: 'ingress', protocol, ...(port ? { port_range_min: Number(port), port_range_max: Number(port) } : {}), ...(cidr ? { remote_ip_prefix: cidr } : {}) } });
          }),
          btn('Delete', (b) => confirmThen(`Delete security group ${g.name}?`, () => net('DELETE', `/security-groups/${g.id}`), b), 'danger')) },
      ], security_groups);
    },
  }),
};
