// The dashboard's building blocks: tables, forms made from field lists, messages, and the
// panel shape every view has. Errors are shown in words the API chose, in a live region.
import { h, fill, type Child } from './dom.js';
import { onChange } from './live.js';

export interface Panel {
  id: string;
  title: string;
  /** Whether this user's catalog and roles make the panel useful (hidden otherwise). */
  visible(): boolean;
  /** Draws into `el`; returns what to undo when another panel opens. */
  render(el: HTMLElement): (() => void) | void;
}

/** Shows a message in the page's live region (`role=alert` for errors). */
export function notify(text: string, kind: 'error' | 'info' = 'info'): void {
  const box = document.getElementById('messages')!;
  const m = h('div', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text, h('button', { class: 'link', 'aria-label': 'Dismiss', onclick: () => m.remove() }, '×'));
  box.append(m);
  if (kind === 'info') setTimeout(() => m.remove(), 5000);
}

/** Runs `work` with `button` disabled, reporting a failure with the API's message. */
export async function act(button: HTMLButtonElement | null, work: () => Promise<unknown>, done?: string): Promise<boolean> {
  if (button) button.disabled = true;
  try {
    await work();
    if (done) notify(done);
    return true;
  } catch (err) {
    notify((err as Error).message, 'error');
    return false;
  } finally {
    if (button) button.disabled = false;
  }
}

export interface Column<T> { title: string; cell(row: T): Child }

export function table<T>(columns: Column<T>[], rows: T[], empty = 'Nothing here yet.'): HTMLElement {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.title)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => h('td', { 'data-label': c.title }, c.cell(r))))))));
}

export interface Field {
  name: string;
  label: string;
  type?: 'text' | 'password' | 'number' | 'textarea' | 'select' | 'multiselect' | 'checkbox' | 'file';
  options?: { value: string; label: string }[];
  value?: string;
  required?: boolean;
  placeholder?: string;
  autocomplete?: string;
}

export type FormValues = Record<string, string | string[] | boolean | File | undefined>;

/** A form from `fields`; `submit` gets the values, its failure is shown beside the button. */
export function form(name: string, fields: Field[], submitLabel: string, submit: (v: FormValues, f: HTMLFormElement) => Promise<unknown>): HTMLFormElement {
  const inputs = fields.map((f) => {
    const id = `${name}-${f.name}`;
    const common = { id, name: f.name, required: f.required, placeholder: f.placeholder, autocomplete: f.autocomplete ?? (f.type === 'password' ? 'new-password' : undefined) };
    let input: HTMLElement;
    if (f.type === 'textarea') input = h('textarea', { ...common, rows: 6 }, f.value ?? '');
    else if (f.type === 'select' || f.type === 'multiselect') {
      input = h('select', { ...common, multiple: f.type === 'multiselect' }, (f.options ?? []).map((o) => h('option', { value: o.value, selected: o.value === f.value }, o.label)));
    } else if (f.type === 'checkbox') input = h('input', { ...common, type: 'checkbox', checked: f.value === 'true' });
    else input = h('input', { ...common, type: f.type ?? 'text', value: f.value });
    return h('div', { class: `field ${f.type ?? 'text'}` }, h('label', { for: id }, f.label), input);
  });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, submitLabel);
  const el = h('form', { class: 'create', 'aria-label': name, 'data-form': name }, inputs, h('div', { class: 'form-actions' }, button, error));
  el.addEventListener('submit', (e) => {
    e.preventDefault();
    const values: FormValues = {};
    for (const f of fields) {
      const input = el.elements.namedItem(f.name) as HTMLInputElement & HTMLSelectElement;
      if (f.type === 'multiselect') values[f.name] = [...input.selectedOptions].map((o) => o.value);
      else if (f.type === 'checkbox') values[f.name] = input.checked;
      else if (f.type === 'file') values[f.name] = input.files?.[0];
      else values[f.name] = input.value;
    }
    fill(error);
    button.disabled = true;
    submit(values, el).then(() => el.reset(), (err: Error) => fill(error, err.message)).finally(() => { button.disabled = false; });
  });
  return el;
}

/** A standard panel body: a heading with a create toggle, a list that redraws on changes to `kinds`. */
export function listPanel(el: HTMLElement, opts: {
  title: string; kinds: string[]; createLabel?: string;
  createForm?: () => Promise<HTMLElement>;
  list: () => Promise<HTMLElement>;
}): () => void {
  const body = h('div', { class: 'list', 'aria-live': 'polite' }, h('p', { class: 'loading' }, 'Loading…'));
  const createBox = h('div', { class: 'create-box' });
  let alive = true;
  const redraw = async () => {
    try {
      const content = await opts.list();
      if (alive) fill(body, content);
    } catch (err) {
      if (alive) fill(body, h('p', { class: 'message error', role: 'alert' }, (err as Error).message));
    }
  };
  const toggle = opts.createForm && h('button', {
    class: 'primary', 'aria-expanded': 'false',
    onclick: async () => {
      if (createBox.childElementCount) { fill(createBox); toggle!.setAttribute('aria-expanded', 'false'); return; }
      toggle!.setAttribute('aria-expanded', 'true');
      try { fill(createBox, await opts.createForm!()); } catch (err) { fill(createBox, h('p', { class: 'message error', role: 'alert' }, (err as Error).message)); }
    },
  }, opts.createLabel ?? 'Create');
  fill(el, h('div', { class: 'panel-head' }, h('h2', {}, opts.title), toggle), createBox, body);
  void redraw();
  let pending: number | undefined;
  const off = onChange(opts.kinds, () => { clearTimeout(pending); pending = window.setTimeout(redraw, 150); });
  return () => { alive = false; off(); clearTimeout(pending); };
}

/** Status as a badge whose colour says active / building / error. */
export function status(text: string | undefined | null): HTMLElement {
  const t = String(text ?? '');
  const kind = /ERROR|FAILED|DOWN/i.test(t) ? 'bad' : /ACTIVE|COMPLETE|^UP$|AVAILABLE/i.test(t) ? 'good' : /SHUTOFF|STOPPED|PAUSED|SUSPENDED/i.test(t) ? 'idle' : 'busy';
  return h('span', { class: `badge ${kind}`, 'data-status': t }, t);
}

export function confirmThen(question: string, work: () => Promise<unknown>, button: HTMLButtonElement, done?: string): void {
  if (window.confirm(question)) void act(button, work, done);
}

export const options = <T>(rows: T[], value: (r: T) => string, label: (r: T) => string, none?: string): { value: string; label: string }[] =>
  [...(none !== undefined ? [{ value: '', label: none }] : []), ...rows.map((r) => ({ value: value(r), label: label(r) }))];
