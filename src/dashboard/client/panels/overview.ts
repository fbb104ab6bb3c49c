// Overview: the project's quota usage per service as bars (Nova's limits, Neutron's quota
// details, Cinder's quota usage when the catalog has it).
import { current, has, svc } from '../api.js';
import { h, fill } from '../dom.js';
import { onChange } from '../live.js';
import type { Panel } from '../ui.js';

interface Usage { label: string; used: number; limit: number }

function bar(u: Usage): HTMLElement {
  const unlimited = u.limit < 0;
  const pct = unlimited ? 0 : u.limit === 0 ? 100 : Math.min(100, Math.round((u.used / u.limit) * 100));
  return h('div', { class: 'quota', 'data-quota': u.label },
    h('div', { class: 'quota-label' }, h('span', {}, u.label), h('span', {}, `${u.used} of ${unlimited ? '∞' : u.limit}`)),
    h('div', { class: `quota-bar${pct >= 90 ? ' full' : pct >= 70 ? ' high' : ''}`, role: 'progressbar', 'aria-label': u.label, 'aria-valuemin': 0, 'aria-valuemax': unlimited ? 0 : u.limit, 'aria-valuenow': u.used },
      h('div', { class: 'quota-fill', style: `width:${pct}%` })));
}

async function usages(): Promise<{ service: string; rows: Usage[] }[]> {
  const project = current()?.project?.id;
  const out: { service: string; rows: Usage[] }[] = [];
  if (has('compute')) {
    const a = (await svc<{ limits: { absolute: Record<string, number> } }>('compute', 'GET', '/limits')).limits.absolute;
    out.push({ service: 'Compute', rows: [
      { label: 'Instances', used: a.totalInstancesUsed ?? 0, limit: a.maxTotalInstances ?? -1 },
      { label: 'vCPUs', used: a.totalCoresUsed ?? 0, limit: a.maxTotalCores ?? -1 },
      { label: 'RAM (MB)', used: a.totalRAMUsed ?? 0, limit: a.maxTotalRAMSize ?? -1 },
    ] });
  }
  if (has('network') && project) {
    const q = (await svc<{ quota: Record<string, { used: number; limit: number }> }>('network', 'GET', `/v2.0/quotas/${project}/details`)).quota;
    const names: Record<string, string> = { network: 'Networks', subnet: 'Subnets', port: 'Ports', router: 'Routers', floatingip: 'Floating IPs', security_group: 'Security groups' };
    out.push({ service: 'Network', rows: Object.entries(names).filter(([k]) => q[k]).map(([k, label]) => ({ label, used: q[k]!.used, limit: q[k]!.limit })) });
  }
  if (has('volumev3') && project) {
    const q = (await svc<{ quota_set: Record<string, { in_use: number; limit: number }> }>('volumev3', 'GET', `/os-quota-sets/${project}?usage=true`)).quota_set;
    out.push({ service: 'Volume', rows: [['volumes', 'Volumes'], ['gigabytes', 'Gigabytes'], ['snapshots', 'Snapshots']].filter(([k]) => q[k!]).map(([k, label]) => ({ label: label!, used: q[k!]!.in_use, limit: q[k!]!.limit })) });
  }
  return out;
}

export const overviewPanel: Panel = {
  id: 'overview', title: 'Overview', visible: () => true,
  render(el) {
    const body = h('div', { class: 'overview' }, h('p', { class: 'loading' }, 'Loading…'));
    const s = current()!;
    fill(el, h('div', { class: 'panel-head' }, h('h2', {}, `Overview of ${s.project?.name ?? 'no project'}`)), body);
    let alive = true;
    const redraw = () => usages().then(
      (groups) => alive && fill(body, groups.map((g) => h('section', { class: 'quota-group' }, h('h3', {}, g.service), g.rows.map(bar)))),
      (err: Error) => alive && fill(body, h('p', { class: 'message error', role: 'alert' }, err.message)));
    void redraw();
    const off = onChange(['server', 'network', 'subnet', 'port', 'router', 'floatingip', 'security_group', 'volume'], () => void redraw());
    return () => { alive = false; off(); };
  },
};
