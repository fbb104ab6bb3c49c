// The live terminal: Nova's serial remote console (a ws:// URL with a one-time token) shown in
// xterm.js. Bytes go both ways unchanged; the shell runs in the server's container.
import { Terminal } from '@xterm/xterm';
import { svc } from './api.js';
import { h, fill } from './dom.js';
import { notify } from './ui.js';

let open: { ws: WebSocket; term: Terminal } | undefined;

export function closeTerminal(): void {
  open?.ws.close();
  open?.term.dispose();
  open = undefined;
}

export async function openTerminal(where: HTMLElement, serverId: string, name: string): Promise<void> {
  closeTerminal();
  const state = h('span', { class: 'term-state', role: 'status' }, 'connecting…');
  const screen = h('div', { class: 'terminal', 'data-terminal': name });
  fill(where, h('div', { class: 'panel-head' }, h('h3', {}, `Terminal: ${name}`), state, h('button', { onclick: () => { closeTerminal(); fill(where); } }, 'Close')), screen);
  let url: string;
  try {
    const r = await svc<{ remote_console: { url: string } }>('compute', 'POST', `/servers/${serverId}/remote-consoles`, { body: { remote_console: { protocol: 'serial', type: 'serial' } } });
    url = r.remote_console.url;
  } catch (err) {
    fill(state, (err as Error).message);
    notify((err as Error).message, 'error');
    return;
  }
  const term = new Terminal({ rows: 24, cols: 80, convertEol: false, cursorBlink: true, fontSize: 13, fontFamily: 'ui-monospace, monospace' });
  term.open(screen);
  const ws = new WebSocket(url, ['binary']);
  ws.binaryType = 'arraybuffer';
  open = { ws, term };
  const encoder = new TextEncoder();
  ws.onopen = () => { fill(state, 'connected'); term.focus(); };
  ws.onmessage = (e) => term.write(typeof e.data === 'string' ? e.data : new Uint8Array(e.data as ArrayBuffer));
  ws.onclose = (e) => fill(state, e.code === 1000 ? 'closed' : 'disconnected');
  ws.onerror = () => fill(state, 'the console could not connect');
  term.onData((d) => { if (ws.readyState === WebSocket.OPEN) ws.send(encoder.encode(d)); });
}
