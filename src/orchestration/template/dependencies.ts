// The resource dependency graph a template implies: explicit depends_on plus every
// get_resource / get_attr / Ref in properties and metadata (Heat's rules in
// rsrc_defn.required_resource_names). Unknown references and cycles are errors.
import { HeatError } from './errors.js';
import type { Conditions } from './conditions.js';
import { conditionContext } from './conditions.js';
import { FnCall, isMap } from './functions/types.js';
import type { EvalContext, Json, ResourceRef, Snippet } from './functions/types.js';
import { findUnresolved, resolve } from './resolve.js';
import type { Template } from './template.js';

export interface GraphOptions {
  /** Parameter values, to follow references computed from parameters. */
  readonly param?: (name: string) => Json | undefined;
  /** With conditions, disabled resources drop out and `if` only counts its chosen branch. */
  readonly conditions?: Conditions;
}

/** A reference found in a snippet, with Heat's location key ("web.Properties.net"). */
export interface LocatedRef extends ResourceRef {
  readonly key: string;
}

/** requirer → the resources it requires. */
export type DependencyGraph = Map<string, Set<string>>;

class NotStatic extends Error {}

function staticResolver(opts: GraphOptions): (s: Snippet) => Json | undefined {
  const param = opts.param ?? ((): never => { throw new NotStatic(); });
  const conds: Conditions = opts.conditions ?? { isEnabled: () => { throw new NotStatic(); } };
  const base = conditionContext(param, conds);
  const notStatic = (): never => { throw new NotStatic(); };
  const ctx: EvalContext = { ...base, resourceId: notStatic, attribute: notStatic, file: notStatic };
  return (s) => {
    try {
      const v = resolve(s, ctx);
      return findUnresolved(v) ? undefined : (v as Json);
    } catch {
      return undefined;
    }
  };
}

/** Every resource reference in a snippet. `key` starts as e.g. "web.Properties". */
export function snippetRefs(s: Snippet, key: string, opts: GraphOptions = {}): LocatedRef[] {
  const resolveStatic = staticResolver(opts);
  const decide = opts.conditions
    ? (c: Snippet) => {
        const v = resolveStatic(c);
        try {
          return v === undefined ? undefined : opts.conditions!.isEnabled(v);
        } catch {
          return undefined;
        }
      }
    : undefined;
  const out: LocatedRef[] = [];
  const walk = (x: Snippet, path: string): void => {
    if (x instanceof FnCall) {
      const children = x.def.children ? x.def.children(x.args, decide) : [x.args];
      for (const c of children) walk(c, `${path}.${x.name}`);
      for (const ref of x.def.refs?.(x.args, resolveStatic) ?? []) out.push({ ...ref, key: path });
    } else if (Array.isArray(x)) {
      x.forEach((v, i) => walk(v, `${path}[${i}]`));
    } else if (isMap(x)) {
      for (const [k, v] of Object.entries(x)) walk(v as Snippet, `${path}.${k}`);
    }
  };
  walk(s, key);
  return out;
}

/** References from a resource's properties and metadata (for attribute validation too). */
export function resourceRefs(t: Template, name: string, opts: GraphOptions = {}): LocatedRef[] {
  const def = t.resources[name];
  if (!def) return [];
  return [...snippetRefs(def.properties, `${name}.Properties`, opts), ...snippetRefs(def.metadata, `${name}.Metadata`, opts)];
}

function isEnabled(t: Template, name: string, opts: GraphOptions): boolean {
  const cond = t.resources[name]?.condition ?? null;
  if (cond === null || !opts.conditions) return true;
  const v = staticResolver(opts)(cond);
  return opts.conditions.isEnabled(v === undefined ? null : v);
}

function invalidReference(resource: string, key: string): HeatError {
  return new HeatError('InvalidTemplateReference', `The specified reference "${resource}" (in ${key}) is incorrect.`);
}

/** The dependency graph of the enabled resources; throws on unknown references and cycles. */
export function dependencies(t: Template, opts: GraphOptions = {}): DependencyGraph {
  const enabled = new Set(Object.keys(t.resources).filter((n) => isEnabled(t, n, opts)));
  const graph: DependencyGraph = new Map();
  for (const name of enabled) {
    const def = t.resources[name]!;
    const requires = new Set<string>();
    graph.set(name, requires);
    // OpenStack: an external resource depends on nothing.
    if (def.externalId !== null) continue;
    const add = (res: string, key: string) => {
      if (!(res in t.resources)) throw invalidReference(res, key);
      if (enabled.has(res)) requires.add(res);
    };
    for (const dep of def.dependsOn) add(dep, name);
    for (const ref of resourceRefs(t, name, opts)) add(ref.resource, ref.key);
  }
  checkCycles(graph);
  return graph;
}

/** Resources each output refers to; throws on unknown references. */
export function outputDependencies(t: Template, opts: GraphOptions = {}): DependencyGraph {
  const graph: DependencyGraph = new Map();
  for (const [name, def] of Object.entries(t.outputs)) {
    const requires = new Set<string>();
    for (const ref of snippetRefs(def.value, name, opts)) {
      if (!(ref.resource in t.resources)) throw invalidReference(ref.resource, ref.key);
      requires.add(ref.resource);
    }
    graph.set(name, requires);
  }
  return graph;
}

/** OpenStack: Graph.toposort — a cycle is reported with the nodes left unsorted. */
export function checkCycles(graph: DependencyGraph): void {
  const remaining = new Map([...graph].map(([k, v]) => [k, new Set([...v].filter((d) => graph.has(d)))]));
  let progress = true;
  while (progress && remaining.size > 0) {
    progress = false;
    for (const [k, reqs] of remaining) {
      if (reqs.size > 0) continue;
      remaining.delete(k);
      for (const other of remaining.values()) other.delete(k);
      progress = true;
    }
  }
  if (remaining.size > 0) {
    const text = [...remaining].map(([k, v]) => `${k}: {${[...v].join(', ')}}`).join(', ');
    throw new HeatError('CircularDependencyException', `Circular Dependency Found: {${text}}`);
  }
}
