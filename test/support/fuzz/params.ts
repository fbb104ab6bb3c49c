// Real values for a route's `:params`, so hostile bodies reach the checks behind the lookup:
// taken from the concrete paths the seeding requests used, else discovered by listing the
// collection the parameter indexes (`/v2.0/ports` for `/v2.0/ports/:id`) as the admin.
import type { Prng } from './prng.js';

export type Lister = (path: string) => Promise<unknown>;

const segmentsOf = (path: string) => path.split('?')[0]!.split('/');

export class ParamSource {
  /** Concrete paths seen (seeding requests, discovered items). */
  private readonly seen: string[][] = [];
  private readonly listed = new Map<string, string[]>();

  constructor(private readonly list: Lister) {}

  /** Records a concrete path a request really used. */
  observe(path: string): void { this.seen.push(segmentsOf(path)); }

  /** Forgets listings (after writes that may have added or removed items). */
  invalidate(): void { this.listed.clear(); }

  /** Real values for every param of `pattern` (left to right), or undefined where none is known. */
  async resolve(r: Prng, pattern: string): Promise<Record<string, string> | undefined> {
    const segs = segmentsOf(pattern);
    const chosen: string[] = [];
    const out: Record<string, string> = {};
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i]!;
      if (!s.startsWith(':')) { chosen.push(s); continue; }
      const name = s.slice(1);
      const fromSeen = this.seen.filter((c) => c.length > i && chosen.every((x, j) => c[j] === x)).map((c) => c[i]!);
      const candidates = [...new Set([...fromSeen, ...await this.discover(chosen.join('/'), name)])];
      if (!candidates.length) return undefined;
      const v = r.pick(candidates);
      chosen.push(v);
      out[name] = decodeURIComponent(v);
    }
    return out;
  }

  private async discover(path: string, param: string): Promise<string[]> {
    const key = `${path}\u0000${param}`;
    let found = this.listed.get(key);
    if (!found) {
      found = itemsOf(await this.list(path).catch(() => undefined)).map((item) => idOf(item, param)).filter((v): v is string => v !== undefined).map(encodeURIComponent);
      this.listed.set(key, found);
    }
    return found;
  }
}

/** The items of a list response: the first array at its top level. */
function itemsOf(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (body === null || typeof body !== 'object') return [];
  return Object.values(body).find(Array.isArray) ?? [];
}

/** The value of `param` an item names: `param`, `<param>_id`, `<x>_<param>`, `id`, `name` (a one-key wrapper is looked into). */
function idOf(item: unknown, param: string): string | undefined {
  if (typeof item === 'string') return item;
  if (item === null || typeof item !== 'object') return undefined;
  const o = item as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && o[keys[0]!] && typeof o[keys[0]!] === 'object') return idOf(o[keys[0]!], param);
  const named = [param, `${param}_id`, `${param}_name`, ...keys.filter((k) => k.endsWith(`_${param}`)), 'id', 'name'];
  for (const k of named) if (typeof o[k] === 'string' && o[k]) return o[k] as string;
  return undefined;
}
