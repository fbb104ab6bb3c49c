// Walks a dependency graph: a node runs once everything it requires (or, in reverse, everything
// requiring it) is done; independent nodes run in parallel, at most `limit` at once. The first
// failure stops new nodes from starting; running ones finish.
import type { DependencyGraph } from '../template/index.js';

export interface TraverseOptions {
  /** Walk dependants first (delete order). */
  readonly reverse?: boolean;
  readonly limit?: number;
  /** Checked before each node starts; a string stops the walk with that error. */
  readonly stop?: () => string | null;
}

/** The graph with edges turned round: node → the nodes that require it. */
export function reversed(graph: DependencyGraph): DependencyGraph {
  const out: DependencyGraph = new Map([...graph.keys()].map((k) => [k, new Set<string>()]));
  for (const [k, reqs] of graph) for (const r of reqs) out.get(r)?.add(k);
  return out;
}

/** Runs `run` over every node in order; resolves with the first error (or null). */
export function traverse(graph: DependencyGraph, run: (node: string) => Promise<void>, opts: TraverseOptions = {}): Promise<Error | null> {
  const g = opts.reverse ? reversed(graph) : graph;
  const limit = opts.limit ?? 10;
  const waiting = new Map([...g].map(([k, v]) => [k, new Set([...v].filter((d) => g.has(d)))]));
  let active = 0;
  let failure: Error | null = null;
  return new Promise((done) => {
    const pump = () => {
      if (!failure) {
        const stop = opts.stop?.();
        if (stop) failure = new Error(stop);
      }
      if (!failure) {
        for (const [node, reqs] of waiting) {
          if (active >= limit) break;
          if (reqs.size) continue;
          waiting.delete(node);
          active++;
          run(node).then(() => {
            for (const other of waiting.values()) other.delete(node);
          }, (err: unknown) => {
            failure ??= err instanceof Error ? err : new Error(String(err));
          }).finally(() => { active--; pump(); });
        }
      }
      if (active === 0) done(failure ?? (waiting.size && !failure ? new Error('unreachable nodes') : null));
    };
    pump();
  });
}
