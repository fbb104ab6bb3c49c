// Evaluation of parsed snippets against an EvalContext. A function whose arguments
// contain an Unresolved value yields that Unresolved (it cannot be computed yet);
// plain maps and lists keep Unresolved leaves so callers can see what is missing.
import { HeatError, validationFailed } from './errors.js';
import { FnCall, OMIT, Unresolved, isMap } from './functions/types.js';
import type { EvalContext, Json, Omit, Resolver, Snippet } from './functions/types.js';

/** Plain data that may hold Unresolved leaves. */
export type Resolved = null | boolean | number | string | Resolved[] | { [key: string]: Resolved } | Unresolved;

class NotReady {
  constructor(readonly value: Unresolved) {}
}

/** Resolve a snippet; an omitted value (`if` without false branch) becomes null, as in Heat. */
export function resolve(s: Snippet, ctx: EvalContext): Resolved {
  const v = walk(s, ctx);
  return v === OMIT ? null : v;
}

/** The first Unresolved inside a resolved value, if any. */
export function findUnresolved(v: Resolved): Unresolved | undefined {
  if (v instanceof Unresolved) return v;
  if (Array.isArray(v)) {
    for (const x of v) {
      const u = findUnresolved(x);
      if (u) return u;
    }
  } else if (v !== null && typeof v === 'object') {
    for (const x of Object.values(v)) {
      const u = findUnresolved(x);
      if (u) return u;
    }
  }
  return undefined;
}

function walk(s: Snippet, ctx: EvalContext): Resolved | Omit {
  if (s instanceof FnCall) return call(s, ctx);
  if (Array.isArray(s)) {
    const out: Resolved[] = [];
    for (const x of s) {
      const v = walk(x, ctx);
      if (v !== OMIT) out.push(v);
    }
    return out;
  }
  if (isMap(s)) {
    const out: { [key: string]: Resolved } = {};
    for (const [k, x] of Object.entries(s)) {
      const v = walk(x as Snippet, ctx);
      if (v !== OMIT) out[k] = v;
    }
    return out;
  }
  return s;
}

function plain(v: Resolved | Omit, nullable: boolean): Json | Omit {
  if (v === OMIT) return nullable ? OMIT : null;
  const u = findUnresolved(v);
  if (u) throw new NotReady(u);
  return v as Json;
}

function call(c: FnCall, ctx: EvalContext): Resolved | Omit {
  const r: Resolver = {
    ctx,
    resolve: (x) => plain(walk(x, ctx), false) as Json,
    resolveNullable: (x) => plain(walk(x, ctx), true),
  };
  try {
    return c.def.evaluate(c.args, c.name, r);
  } catch (e) {
    if (e instanceof NotReady) return e.value;
    if (e instanceof HeatError) throw e;
    if (e instanceof Error) throw validationFailed(c.path, e.message);
    throw e;
  }
}
