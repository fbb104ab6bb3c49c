// Template snippets of one stack evaluated against its live resources: get_resource gives a
// resource's reference id, get_attr its attributes (fetched from the plugins before the
// synchronous evaluation, for exactly the references the snippet makes).
import {
  HeatError, Unresolved, findUnresolved, outputEnabled, resolve, resourceRefs, snippetRefs,
  type EvalContext, type Json, type JsonMap, type LocatedRef, type Snippet,
} from '../template/index.js';
import { checkProperties, type Resolvedish } from '../resources/properties.js';
import type { ResourceContext } from '../resources/types.js';
import type { LoadedStack } from './loaded.js';
import type { ResourceRow } from './persist.js';

const key = (res: string, attr: string | null) => `${res}\u0000${attr ?? ''}`;

export class StackEval {
  private readonly cache = new Map<string, Json>();

  constructor(
    readonly loaded: LoadedStack,
    /** The current row of each resource (the replacement during an update). */
    readonly rows: ReadonlyMap<string, ResourceRow>,
    readonly contextFor: (row: ResourceRow) => ResourceContext,
  ) {}

  private live(name: string): ResourceRow | undefined {
    const r = this.rows.get(name);
    return r && (r.physical_id !== null || (r.status === 'COMPLETE' && r.action !== 'INIT')) ? r : undefined;
  }

  /** Fetches the attributes `refs` name, for resources that exist. */
  async prefetch(refs: readonly LocatedRef[]): Promise<void> {
    await Promise.all(refs.map(async (ref) => {
      if (ref.attribute === undefined) return;
      const k = key(ref.resource, ref.attribute);
      if (this.cache.has(k)) return;
      const row = this.live(ref.resource);
      const plugin = this.loaded.plugins.get(ref.resource);
      if (!row || !plugin) return;
      const ctx = this.contextFor(row);
      if (ref.attribute !== null) {
        this.cache.set(k, await plugin.resolve(ctx, row.physical_id, ref.attribute));
        return;
      }
      const all: JsonMap = {};
      for (const a of Object.keys(plugin.attributes)) if (a !== 'show') all[a] = await plugin.resolve(ctx, row.physical_id, a);
      this.cache.set(k, all);
    }));
  }

  context(): EvalContext {
    const { params, spec, conditions } = this.loaded;
    return {
      param: (n) => params.values[n],
      file: (k) => spec.files[k],
      condition: (c) => conditions.isEnabled(c),
      resourceId: (name) => {
        const row = this.live(name);
        const plugin = this.loaded.plugins.get(name);
        if (!row || !plugin) return new Unresolved(`resource ${name} is not created`);
        return plugin.refId ? plugin.refId(this.contextFor(row), row.physical_id) : row.physical_id;
      },
      attribute: (res, attr) => {
        const v = this.cache.get(key(res, attr));
        return v === undefined ? new Unresolved(`attribute ${res}.${attr ?? ''} is not available`) : v;
      },
    };
  }

  private async evaluate(s: Snippet, refs: readonly LocatedRef[]): Promise<Resolvedish> {
    await this.prefetch(refs);
    return resolve(s, this.context()) as Resolvedish;
  }

  /** A resource's properties, checked against its plugin's schema (partial: unresolved values pass). */
  async properties(name: string, partial = false): Promise<JsonMap> {
    const def = this.loaded.template.resources[name]!;
    const plugin = this.loaded.plugins.get(name)!;
    const refs = resourceRefs(this.loaded.template, name, this.graphOptions());
    const value = await this.evaluate(def.properties, refs);
    if (value !== null && (typeof value !== 'object' || Array.isArray(value) || value instanceof Unresolved)) {
      if (value instanceof Unresolved && partial) return {};
      throw new HeatError('StackValidationFailed', 'Properties must be a map', [`resources.${name}.properties`], 'Property error');
    }
    const checked = checkProperties(plugin.properties, value as Record<string, Resolvedish> | null, `resources.${name}.properties`, partial, plugin.openProperties);
    if (!partial) {
      const u = findUnresolved(checked as never);
      if (u) throw new HeatError('StackValidationFailed', `${u.reason}`, [`resources.${name}.properties`], 'Property error');
    }
    return checked as JsonMap;
  }

  /** A resource's metadata, resolved. */
  async metadata(name: string): Promise<Json> {
    const def = this.loaded.template.resources[name]!;
    const refs = snippetRefs(def.metadata, `${name}.Metadata`, this.graphOptions());
    const v = await this.evaluate(def.metadata, refs);
    return findUnresolved(v as never) ? null : (v as Json);
  }

  /** An output's value; errors (an attribute that cannot be had) become its output_error. */
  async output(name: string): Promise<{ value: Json; error?: string }> {
    const { template, conditions, params } = this.loaded;
    const def = template.outputs[name]!;
    if (!outputEnabled(template, name, conditions, (n) => params.values[n])) return { value: null };
    try {
      const v = await this.evaluate(def.value, snippetRefs(def.value, name, this.graphOptions()));
      const u = findUnresolved(v as never);
      return u ? { value: null, error: u.reason } : { value: v as Json };
    } catch (e) {
      return { value: null, error: (e as Error).message };
    }
  }

  private graphOptions() {
    return { param: (n: string) => this.loaded.params.values[n], conditions: this.loaded.conditions };
  }
}
