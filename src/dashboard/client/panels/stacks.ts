// Stacks: launch from template text (the parameters form comes from Heat's own validate), the
// resource graph coloured by each resource's live status, events, outputs, delete.
import { has, svc } from '../api.js';
import { h, s, fill } from '../dom.js';
import { onChange } from '../live.js';
import { act, confirmThen, form, listPanel, status, table, type Field, type Panel } from '../ui.js';
import { btn } from './servers.js';

interface Stack { id: string; stack_name: string; stack_status: string; stack_status_reason?: string; creation_time: string; outputs?: { output_key: string; output_value: unknown; description?: string }[] }
interface Resource { resource_name: string; resource_type: string; resource_status: string; resource_status_reason: string; physical_resource_id: string; required_by: string[] }
interface Event { id: string; resource_name: string; resource_status: string; resource_status_reason: string; event_time: string }

const heat = <T = any>(method: string, path: string, body?: unknown) => svc<T>('orchestration', method, path, { body });

export const stacksPanel: Panel = {
  id: 'stacks', title: 'Stacks', visible: () => has('orchestration'),
  render(el) {
    const detail = h('section', { class: 'detail', 'aria-label': 'Stack detail' });
    let closeDetail: (() => void) | undefined;
    const open = (st: Stack) => { closeDetail?.(); closeDetail = stackView(detail, st); };
    const off = listPanel(el, {
      title: 'Stacks', kinds: ['stack'], createLabel: 'Launch stack',
      createForm: async () => launchForm(),
      async list() {
        const { stacks } = await heat<{ stacks: Stack[] }>('GET', '/stacks');
        return table<Stack>([
          { title: 'Name', cell: (st) => h('button', { class: 'link', onclick: () => open(st) }, st.stack_name) },
          { title: 'Status', cell: (st) => h('span', { 'data-stack': st.stack_name }, status(st.stack_status)) },
          { title: 'Created', cell: (st) => st.creation_time },
          { title: 'Actions', cell: (st) => h('div', { class: 'actions' }, btn('Show', () => open(st)),
            btn('Delete', (b) => confirmThen(`Delete stack ${st.stack_name} and everything it made?`, () => heat('DELETE', `/stacks/${st.stack_name}/${st.id}`), b, `Deleting ${st.stack_name}`), 'danger')) },
        ], stacks, 'No stacks yet.');
      },
    });
    el.append(detail);
    return () => { off(); closeDetail?.(); };
  },
};

function launchForm(): HTMLElement {
  const box = h('div', { class: 'stack-launch' });
  const template = h('textarea', { id: 'stack-template', rows: 14, 'aria-label': 'Template', placeholder: 'heat_template_version: 2018-08-31\nresources: …' });
  const file = h('input', { type: 'file', 'aria-label': 'Template file', accept: '.yaml,.yml,.json,.template' });
  const params = h('div', { class: 'stack-params' });
  const next = h('button', { class: 'primary', type: 'button' }, 'Next: parameters');
  file.addEventListener('change', async () => { const f = file.files?.[0]; if (f) template.value = await f.text(); });
  next.addEventListener('click', () => void act(next, async () => {
    const v = await heat<{ Parameters: Record<string, { Type: string; Default?: unknown; Description?: string; Label?: string }> }>('POST', '/validate', { template: template.value });
    const fields: Field[] = [{ name: 'stack_name', label: 'Stack name', required: true },
      ...Object.entries(v.Parameters ?? {}).map(([k, p]) => ({ name: `p:${k}`, label: `${p.Label ?? k} (${p.Type})${p.Description ? ` — ${p.Description}` : ''}`, value: p.Default === undefined ? '' : typeof p.Default === 'string' ? p.Default : JSON.stringify(p.Default), required: p.Default === undefined }))];
    fill(params, form('launch-stack', fields, 'Launch', async (values) => {
      const parameters = Object.fromEntries(Object.entries(values).filter(([k]) => k.startsWith('p:')).map(([k, x]) => [k.slice(2), x]));
      await heat('POST', '/stacks', { stack_name: values.stack_name, template: template.value, parameters });
      fill(params);
      template.value = '';
    }));
  }));
  fill(box, h('label', { for: 'stack-template' }, 'Template (YAML or JSON)'), template, h('div', { class: 'form-actions' }, file, next), params);
  return box;
}

/** One stack: graph, outputs, events — redrawn as its resources change. */
function stackView(el: HTMLElement, st: Stack): () => void {
  const path = `/stacks/${st.stack_name}/${st.id}`;
  let alive = true;
  const redraw = async () => {
    try {
      const [{ stack }, { resources }, { events }] = await Promise.all([
        heat<{ stack: Stack }>('GET', path), heat<{ resources: Resource[] }>('GET', `${path}/resources`), heat<{ events: Event[] }>('GET', `${path}/events?sort_dir=desc&limit=30`),
      ]);
      if (!alive) return;
      fill(el,
        h('div', { class: 'panel-head' }, h('h3', {}, `Stack ${stack.stack_name} `, status(stack.stack_status))),
        stack.stack_status_reason ? h('p', { class: 'reason' }, stack.stack_status_reason) : null,
        h('div', { class: 'graph' }, graph(resources)),
        h('h4', {}, 'Outputs'),
        table(([{ title: 'Key', cell: (o) => o.output_key }, { title: 'Value', cell: (o) => h('code', {}, typeof o.output_value === 'string' ? o.output_value : JSON.stringify(o.output_value)) }] as { title: string; cell: (o: NonNullable<Stack['outputs']>[number]) => Node | string }[]), stack.outputs ?? [], 'No outputs.'),
        h('h4', {}, 'Events'),
        table<Event>([{ title: 'Time', cell: (e) => e.event_time }, { title: 'Resource', cell: (e) => e.resource_name }, { title: 'Status', cell: (e) => status(e.resource_status) }, { title: 'Reason', cell: (e) => e.resource_status_reason }], events));
    } catch (err) {
      if (alive) fill(el, h('p', { class: 'message error', role: 'alert' }, (err as Error).message));
    }
  };
  void redraw();
  let pending: number | undefined;
  const off = onChange(['stack', 'stack_resource'], (changes) => {
    if (!changes.some((c) => !c.id || c.id === st.id)) return;
    clearTimeout(pending); pending = window.setTimeout(redraw, 100);
  });
  return () => { alive = false; off(); clearTimeout(pending); };
}

/** Resources in columns by dependency depth (what a resource needs is to its left). */
function graph(resources: Resource[]): SVGElement {
  const byName = new Map(resources.map((r) => [r.resource_name, r]));
  const needs = new Map(resources.map((r) => [r.resource_name, [] as string[]]));
  for (const r of resources) for (const dependant of r.required_by) needs.get(dependant)?.push(r.resource_name);
  const depth = new Map<string, number>();
  const depthOf = (n: string, seen = new Set<string>()): number => {
    if (depth.has(n)) return depth.get(n)!;
    if (seen.has(n)) return 0;
    seen.add(n);
    const d = Math.max(-1, ...(needs.get(n) ?? []).filter((x) => byName.has(x)).map((x) => depthOf(x, seen))) + 1;
    depth.set(n, d);
    return d;
  };
  const cols: string[][] = [];
  for (const r of resources) (cols[depthOf(r.resource_name)] ??= []).push(r.resource_name);
  const W = 190, H = 54, GAP_X = 60, GAP_Y = 18;
  const pos = new Map<string, { x: number; y: number }>();
  cols.forEach((c, i) => c.forEach((n, j) => pos.set(n, { x: 10 + i * (W + GAP_X), y: 10 + j * (H + GAP_Y) })));
  const width = 20 + cols.length * (W + GAP_X), height = 20 + Math.max(1, ...cols.map((c) => c.length)) * (H + GAP_Y);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'stack-graph', role: 'img', 'aria-label': 'Stack resources' });
  for (const r of resources) for (const dependant of r.required_by) {
    const a = pos.get(r.resource_name), b = pos.get(dependant);
    if (a && b) svg.append(s('line', { class: 'edge', x1: a.x + W, y1: a.y + H / 2, x2: b.x, y2: b.y + H / 2 }));
  }
  for (const r of resources) {
    const p = pos.get(r.resource_name)!;
    const state = /FAILED/.test(r.resource_status) ? 'bad' : /COMPLETE/.test(r.resource_status) ? 'good' : 'busy';
    svg.append(s('g', { class: `resource ${state}`, 'data-resource': r.resource_name, 'data-status': r.resource_status },
      s('title', {}, r.resource_status_reason || r.resource_status),
      s('rect', { x: p.x, y: p.y, width: W, height: H, rx: 6 }),
      s('text', { x: p.x + 10, y: p.y + 18, class: 'label' }, r.resource_name),
      s('text', { x: p.x + 10, y: p.y + 33, class: 'sub' }, r.resource_type),
      s('text', { x: p.x + 10, y: p.y + 47, class: 'sub status' }, r.resource_status)));
  }
  return svg;
}
