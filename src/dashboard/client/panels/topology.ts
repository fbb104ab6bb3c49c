// Network topology, as Horizon draws it: each network a vertical bar (its subnets' ranges on
// it), each router, server and Kuryr-plugged container a box on its own row, a line from the box
// to every network it has a port on; a server's box names its attached volumes and the cluster
// it is a node of. Drawn from the API (networks, subnets, ports, routers, servers), redrawn live.
import { has, svc } from '../api.js';
import { h, s, fill } from '../dom.js';
import { onChange } from '../live.js';
import type { Panel } from '../ui.js';

interface Net { id: string; name: string; status: string; subnets: string[]; 'router:external'?: boolean }
interface Subnet { id: string; name: string; cidr: string; network_id: string }
interface Port { id: string; name?: string; network_id: string; device_id: string; device_owner: string; status: string; fixed_ips: { ip_address: string }[] }
interface Device { kind: 'router' | 'server' | 'container'; id: string; name: string; status: string; note?: string; raw: Record<string, unknown> }
interface Server { id: string; name: string; status: string; metadata?: Record<string, string>; 'os-extended-volumes:volumes_attached'?: { id: string }[] }

const COL = 150, BAR_W = 28, ROW = 56, BOX_W = 170, BOX_H = 36, TOP = 40, GAP = 110;

export const topologyPanel: Panel = {
  id: 'topology', title: 'Topology', visible: () => has('network'),
  render(el) {
    const picture = h('div', { class: 'topology', role: 'img', 'aria-label': 'Network topology' });
    const details = h('section', { class: 'detail', 'aria-label': 'Selected node' }, h('p', { class: 'hint' }, 'Select a network, router or server to see its details.'));
    fill(el, h('div', { class: 'panel-head' }, h('h2', {}, 'Network topology')), h('div', { class: 'topology-layout' }, picture, details));
    let alive = true;
    const redraw = async () => {
      try {
        const svg = await draw((title, data) => fill(details, h('h3', {}, title), h('dl', {}, Object.entries(data).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))]))));
        if (alive) fill(picture, svg);
      } catch (err) {
        if (alive) fill(picture, h('p', { class: 'message error', role: 'alert' }, (err as Error).message));
      }
    };
    void redraw();
    let pending: number | undefined;
    const off = onChange(['network', 'subnet', 'port', 'router', 'server', 'floatingip', 'volume', 'cluster'], () => { clearTimeout(pending); pending = window.setTimeout(redraw, 150); });
    return () => { alive = false; off(); clearTimeout(pending); };
  },
};

async function draw(select: (title: string, data: Record<string, unknown>) => void): Promise<SVGElement> {
  const [{ networks }, { subnets }, { ports }, { routers }, servers] = await Promise.all([
    svc<{ networks: Net[] }>('network', 'GET', '/v2.0/networks'),
    svc<{ subnets: Subnet[] }>('network', 'GET', '/v2.0/subnets'),
    svc<{ ports: Port[] }>('network', 'GET', '/v2.0/ports'),
    svc<{ routers: { id: string; name: string; status: string; external_gateway_info: { network_id: string; external_fixed_ips?: { ip_address: string }[] } | null }[] }>('network', 'GET', '/v2.0/routers'),
    has('compute') ? svc<{ servers: Server[] }>('compute', 'GET', '/servers/detail').then((r) => r.servers) : Promise.resolve([] as Server[]),
  ]);
  const clusters = has('container-infra')
    ? new Map((await svc<{ clusters: { uuid: string; name: string }[] }>('container-infra', 'GET', '/clusters').catch(() => ({ clusters: [] }))).clusters.map((c) => [c.uuid, c.name]))
    : new Map<string, string>();
  // OpenStack: a router's gateway port belongs to no project, so a member never lists it; the
  // router's own external_gateway_info says where it goes out.
  for (const r of routers) {
    const gw = r.external_gateway_info;
    if (gw && !ports.some((p) => p.device_id === r.id && p.network_id === gw.network_id)) {
      ports.push({ id: `gw-${r.id}`, network_id: gw.network_id, device_id: r.id, device_owner: 'network:router_gateway', status: 'ACTIVE', fixed_ips: (gw.external_fixed_ips ?? []).map((f) => ({ ip_address: f.ip_address })) });
    }
  }
  const devices: Device[] = [
    ...routers.map((r) => ({ kind: 'router' as const, id: r.id, name: r.name || r.id.slice(0, 8), status: r.status, raw: r })),
    ...servers.map((v) => {
      const volumes = v['os-extended-volumes:volumes_attached']?.length ?? 0;
      const cluster = clusters.get(v.metadata?.['magnum_cluster'] ?? '');
      const note = [cluster && `cluster ${cluster}`, volumes && `${volumes} volume${volumes > 1 ? 's' : ''}`].filter(Boolean).join(' · ');
      return { kind: 'server' as const, id: v.id, name: v.name, status: v.status, note, raw: v as unknown as Record<string, unknown> };
    }),
    // Containers Kuryr plugged (Docker, podman, kubelet pods): one box per container, by its ports.
    ...[...new Map(ports.filter((p) => p.device_owner === 'compute:kuryr' && p.device_id).map((p) => [p.device_id, p])).values()]
      .map((p) => ({ kind: 'container' as const, id: p.device_id, name: p.name || p.device_id.slice(0, 12), status: p.status, raw: p as unknown as Record<string, unknown> })),
  ];
  // External networks first (leftmost), as the way out.
  const nets = [...networks].sort((a, b) => Number(Boolean(b['router:external'])) - Number(Boolean(a['router:external'])));
  const netX = new Map(nets.map((n, i) => [n.id, BOX_W + GAP + i * COL]));
  const height = TOP + Math.max(devices.length, 1) * ROW + 30;
  const width = BOX_W + GAP + Math.max(nets.length, 1) * COL;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'topology-svg' });
  const cidrs = (n: Net) => subnets.filter((x) => x.network_id === n.id).map((x) => x.cidr).join(' ');
  for (const n of nets) {
    const x = netX.get(n.id)!;
    const g = s('g', { class: `node network${n['router:external'] ? ' external' : ''}`, 'data-kind': 'network', 'data-id': n.id, 'data-name': n.name, tabindex: 0, role: 'button', 'aria-label': `network ${n.name}` },
      s('rect', { x: x - BAR_W / 2, y: TOP - 10, width: BAR_W, height: height - TOP, rx: 6 }),
      s('text', { x, y: TOP - 18, 'text-anchor': 'middle', class: 'label' }, n.name || n.id.slice(0, 8)),
      s('text', { x: x + BAR_W / 2 + 4, y: TOP + 6, class: 'cidr', transform: `rotate(90 ${x + BAR_W / 2 + 4} ${TOP + 6})` }, cidrs(n)));
    clickable(g, () => select(`Network ${n.name}`, { id: n.id, status: n.status, subnets: cidrs(n), external: Boolean(n['router:external']) }));
    svg.append(g);
  }
  devices.forEach((d, i) => {
    const y = TOP + i * ROW + 10;
    const mine = ports.filter((p) => p.device_id === d.id && netX.has(p.network_id));
    for (const p of mine) {
      const x = netX.get(p.network_id)!;
      svg.append(s('g', { class: 'link', 'data-from': d.id, 'data-to': p.network_id, 'data-kind': 'link' },
        s('line', { x1: BOX_W + 10, y1: y + BOX_H / 2, x2: x, y2: y + BOX_H / 2 }),
        s('circle', { cx: x, cy: y + BOX_H / 2, r: 4 }),
        s('text', { x: x - 6, y: y + BOX_H / 2 - 6, 'text-anchor': 'end', class: 'ip' }, p.fixed_ips.map((f) => f.ip_address).join(' '))));
    }
    const g = s('g', { class: `node ${d.kind} status-${d.status.toLowerCase()}`, 'data-kind': d.kind, 'data-id': d.id, 'data-name': d.name, tabindex: 0, role: 'button', 'aria-label': `${d.kind} ${d.name}` },
      s('rect', { x: 10, y, width: BOX_W, height: BOX_H, rx: d.kind === 'router' ? 18 : 4 }),
      s('text', { x: 22, y: y + 15, class: 'label' }, `${d.kind === 'router' ? '⇄' : d.kind === 'container' ? '◇' : '▣'} ${d.name}`),
      s('text', { x: 22, y: y + 29, class: 'sub' }, d.note ? `${d.status} · ${d.note}` : d.status));
    clickable(g, () => select(`${d.kind === 'router' ? 'Router' : d.kind === 'container' ? 'Container' : 'Server'} ${d.name}`, { ...pick(d.raw), ports: mine.map((p) => p.fixed_ips.map((f) => f.ip_address).join(' ')).join(', ') }));
    svg.append(g);
  });
  if (!nets.length && !devices.length) svg.append(s('text', { x: 20, y: 40 }, 'No networks yet.'));
  return svg;
}

function clickable(g: SVGElement, f: () => void): void {
  g.addEventListener('click', f);
  g.addEventListener('keydown', (e) => { if ((e as KeyboardEvent).key === 'Enter' || (e as KeyboardEvent).key === ' ') f(); });
}

const pick = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k, v]) => !['links', 'security_groups'].includes(k) && v !== null && v !== '' && typeof v !== 'object'));
