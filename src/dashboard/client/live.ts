// Live updates: the server-sent event stream at /dashboard/events, read through fetch (an
// EventSource cannot send X-Auth-Token, and a token in a URL ends up in logs). Panels subscribe
// to resource kinds; a burst of changes re-renders each panel once.
import { current } from './api.js';

type Handler = (changes: { resource: string; action: string; id?: string }[]) => void;
const handlers = new Set<{ kinds: Set<string>; f: Handler }>();
let abort: AbortController | undefined;
let onEnd: (why: string) => void = () => {};

/** Calls `f` with each burst of changes to any of `kinds`; returns the unsubscribe. */
export function onChange(kinds: string[], f: Handler): () => void {
  const entry = { kinds: new Set(kinds), f };
  handlers.add(entry);
  return () => handlers.delete(entry);
}

export function whenStreamEnds(f: (why: string) => void): void { onEnd = f; }

export function stop(): void { abort?.abort(); abort = undefined; }

/** Opens the stream for the current session (reconnecting after a network break). */
export function start(): void {
  stop();
  const mine = new AbortController();
  abort = mine;
  void (async () => {
    for (let attempt = 0; !mine.signal.aborted; attempt++) {
      const token = current()?.token;
      if (!token) return;
      try {
        const res = await fetch('/dashboard/events', { headers: { 'x-auth-token': token }, signal: mine.signal, credentials: 'omit' });
        if (res.status === 401) { onEnd('Your session has ended: log in again.'); return; }
        if (!res.ok || !res.body) throw new Error(String(res.status));
        document.body.dataset.live = 'on';
        attempt = 0;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let cut: number;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const message = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            const event = /^event: (.*)$/m.exec(message)?.[1];
            const data = /^data: (.*)$/m.exec(message)?.[1];
            if (event === 'changes' && data) dispatch(JSON.parse(data));
            if (event === 'end' && data) { onEnd((JSON.parse(data) as { reason: string }).reason); return; }
          }
        }
      } catch { if (mine.signal.aborted) return; }
      document.body.dataset.live = 'off';
      await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 10_000)));
    }
  })();
}

function dispatch(changes: { resource: string; action: string; id?: string }[]): void {
  for (const { kinds, f } of handlers) {
    const mine = changes.filter((c) => kinds.has(c.resource));
    if (mine.length) f(mine);
  }
}
