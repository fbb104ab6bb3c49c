// Environments: parse and check a document, merge several in order (as Heat merges
// environment_files), and look resource types up in a resource_registry (aliases,
// wildcards, templates, per-resource overrides, hooks). OpenStack:
// heat/common/environment_format.py, environment_util.py, heat/engine/environment.py.
import { HeatError } from './errors.js';
import { loadYaml } from './format.js';
import { isMap } from './functions/types.js';
import type { Json, JsonMap } from './functions/types.js';
import type { ParamType } from './parameters.js';
import { pyRepr, pyStr } from './py.js';

export const ENVIRONMENT_SECTIONS = [
  'parameters', 'resource_registry', 'parameter_defaults', 'encrypted_param_names', 'event_sinks',
  'parameter_merge_strategies',
] as const;

export interface Environment {
  parameters: JsonMap;
  parameter_defaults: JsonMap;
  resource_registry: JsonMap;
  encrypted_param_names: Json[];
  /** Accepted and kept, but Pier sends no events to sinks. */
  event_sinks: Json[];
}

/** An environment with every section present and empty. */
export function emptyEnvironment(): Environment {
  return { parameters: {}, parameter_defaults: {}, resource_registry: {}, encrypted_param_names: [], event_sinks: [] };
}

/** OpenStack: environment_format.parse — text (or null) to a checked document. */
export function parseEnvironment(text: string | null | undefined): JsonMap {
  if (text === null || text === undefined) return {};
  let env: Json;
  try {
    env = loadYaml(text) ?? {};
  } catch (e) {
    throw new HeatError('ValueError', (e as Error).message);
  }
  if (!isMap(env)) throw new HeatError('ValueError', 'The environment is not a valid YAML mapping data type.');
  return validateEnvironment(env as JsonMap);
}

/** OpenStack: environment_format.validate — known, non-empty sections only. */
export function validateEnvironment(env: JsonMap): JsonMap {
  for (const [k, v] of Object.entries(env)) {
    if (!(ENVIRONMENT_SECTIONS as readonly string[]).includes(k)) {
      throw new HeatError('ValueError', `environment has wrong section "${k}"`);
    }
    if (v === null) throw new HeatError('ValueError', `environment has empty section "${k}"`);
  }
  return env;
}

/** A checked document → Environment, with resource_registry hooks validated. */
export function toEnvironment(doc: JsonMap): Environment {
  const env = emptyEnvironment();
  const map = (k: string) => (isMap(doc[k]) ? { ...(doc[k] as JsonMap) } : {});
  env.parameters = map('parameters');
  env.parameter_defaults = map('parameter_defaults');
  env.resource_registry = map('resource_registry');
  env.encrypted_param_names = Array.isArray(doc['encrypted_param_names']) ? doc['encrypted_param_names'] : [];
  env.event_sinks = Array.isArray(doc['event_sinks']) ? doc['event_sinks'] : [];
  new ResourceRegistry(env.resource_registry);
  return env;
}

const STRATEGIES: readonly string[] = ['overwrite', 'merge', 'deep_merge'];

function mergeList(old: Json | undefined, add: Json): Json {
  if (old === undefined || old === null || old === '' || (Array.isArray(old) && old.length === 0)) return add;
  if (Array.isArray(add)) return [...(Array.isArray(old) ? old : [old]), ...add];
  return [pyStr(old), pyStr(add)].join(',');
}

/** OpenStack: environment_util.merge_map. */
function mergeMap(old: Json | undefined, add: JsonMap, deep = false): JsonMap {
  if (!isMap(old) || Object.keys(old).length === 0) return add;
  const out: JsonMap = { ...(old as JsonMap) };
  for (const [k, v] of Object.entries(add)) {
    if (v === null) continue;
    const prev = out[k];
    if (!deep) out[k] = v;
    else if (isMap(v)) out[k] = prev ? mergeMap(prev, v as JsonMap, true) : v;
    else if (Array.isArray(v)) out[k] = prev ? mergeList(prev, v) : v;
    else if (typeof v === 'string') out[k] = (typeof prev === 'string' ? prev : '') + v;
    else out[k] = v;
  }
  return out;
}

function mergeParam(name: string, old: Json | undefined, value: Json, type: ParamType, deep: boolean): Json {
  let v = value;
  if (type === 'json' && typeof v === 'string' && v) {
    try {
      v = JSON.parse(v) as Json;
    } catch (e) {
      throw new HeatError('ValueError', `Invalid parameter in environment ${(e as Error).message}.`);
    }
  }
  switch (type) {
    case 'json':
      return mergeMap(old ?? {}, v as JsonMap, deep);
    case 'comma_delimited_list':
      return mergeList(old, v);
    case 'string':
      return (typeof old === 'string' ? old : '') + pyStr(v);
    case 'number':
      return (typeof old === 'number' ? old : 0) + (typeof v === 'number' ? v : Number(v));
    default:
      throw new HeatError('InvalidMergeStrategyForParam', `Invalid merge strategy 'merge' for parameter '${name}'.`);
  }
}

// OpenStack: environment_util.get_param_merge_strategy.
function strategyFor(strategies: JsonMap, key: string, chosen: ReadonlyMap<string, string>): string {
  const fallback = typeof strategies['default'] === 'string' ? strategies['default'] : 'overwrite';
  const s = strategies[key] ?? chosen.get(key) ?? fallback;
  return typeof s === 'string' && STRATEGIES.includes(s) ? s : fallback;
}

// OpenStack: environment_util.merge_parameters.
function mergeParameters(
  old: JsonMap,
  incoming: JsonMap,
  types: Readonly<Record<string, ParamType>>,
  strategies: JsonMap,
  chosen: Map<string, string>,
  file: string,
): JsonMap {
  const known = Object.entries(incoming).filter(([k, v]) => k in types && v !== null);
  for (const [key] of known) {
    const strategy = strategyFor(strategies, key, chosen);
    const previous = chosen.get(key);
    if (previous === undefined) chosen.set(key, strategy);
    else if (previous !== strategy) {
      throw new HeatError(
        'ConflictingMergeStrategyForParam',
        `Conflicting merge strategy '${strategy}' for parameter '${key}' in file '${file}'.`,
      );
    }
  }
  if (Object.keys(old).length === 0) return incoming;
  const out: JsonMap = { ...old };
  for (const [key, value] of known) {
    const strategy = chosen.get(key);
    out[key] = strategy === 'overwrite' ? value : mergeParam(key, out[key], value, types[key]!, strategy === 'deep_merge');
  }
  return out;
}

/**
 * Merge environment documents in order onto `base`, as Heat merges environment_files:
 * later files override parameters unless parameter_merge_strategies asks to merge or
 * deep_merge them (by the types of the template's parameters, `paramTypes`);
 * resource_registry entries override key by key; lists are concatenated.
 */
export function mergeEnvironments(
  base: Environment,
  docs: readonly { readonly name: string; readonly doc: JsonMap }[],
  paramTypes: Readonly<Record<string, ParamType>>,
): Environment {
  const env: Environment = { ...base };
  const chosen = new Map<string, string>();
  for (const { name: file, doc } of docs) {
    const strategies = isMap(doc['parameter_merge_strategies']) ? (doc['parameter_merge_strategies'] as JsonMap) : {};
    for (const section of ['parameters', 'parameter_defaults'] as const) {
      const incoming = doc[section];
      if (isMap(incoming) && Object.keys(incoming).length > 0) {
        env[section] = mergeParameters(env[section], incoming as JsonMap, paramTypes, strategies, chosen, file);
      }
    }
    if (isMap(doc['resource_registry'])) env.resource_registry = mergeMap(env.resource_registry, doc['resource_registry'] as JsonMap);
    if (Array.isArray(doc['encrypted_param_names'])) env.encrypted_param_names = [...env.encrypted_param_names, ...doc['encrypted_param_names']];
    if (Array.isArray(doc['event_sinks'])) env.event_sinks = [...env.event_sinks, ...doc['event_sinks']];
  }
  new ResourceRegistry(env.resource_registry);
  return env;
}

export const HOOK_TYPES = ['pre-create', 'pre-update', 'pre-delete', 'post-create', 'post-update', 'post-delete'] as const;
export const RESTRICTED_ACTIONS = ['update', 'replace'] as const;

/** What a resource type resolves to: a type implemented by Pier, or a provider template. */
export type RegistryMatch = { readonly kind: 'type'; readonly type: string } | { readonly kind: 'template'; readonly template: string };

const isTemplateName = (s: string) => s.endsWith('.yaml') || s.endsWith('.template');

function checkListOf(key: string, value: Json, allowed: readonly string[], kind: 'InvalidBreakPointHook' | 'InvalidRestrictedAction') {
  const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value : null;
  if (values && values.every((v) => typeof v === 'string' && allowed.includes(v))) return;
  const tuple = `(${allowed.map((a) => pyRepr(a)).join(', ')})`;
  const message = key === 'hooks'
    ? `Invalid hook type "${pyStr(value)}" for resource breakpoint, acceptable hook types are: ${tuple}`
    : `Invalid restricted_action type "${pyStr(value)}" for resource, acceptable restricted_action types are: ${tuple}`;
  throw new HeatError(kind, message);
}

/** A user resource_registry. Types it does not map resolve to themselves. */
export class ResourceRegistry {
  constructor(readonly registry: JsonMap) {
    const resources = registry['resources'];
    if (isMap(resources)) {
      for (const entry of Object.values(resources as JsonMap)) {
        if (!isMap(entry)) continue;
        const e = entry as JsonMap;
        if ('hooks' in e) checkListOf('hooks', e['hooks'] ?? null, HOOK_TYPES, 'InvalidBreakPointHook');
        if ('restricted_actions' in e) {
          checkListOf('restricted_actions', e['restricted_actions'] ?? null, RESTRICTED_ACTIONS, 'InvalidRestrictedAction');
        }
      }
    }
  }

  /** Resolve a resource type (for the resource `resourceName`, whose overrides apply first). */
  resolve(type: string, resourceName?: string): RegistryMatch {
    const seen = new Set<string>();
    let current = type;
    for (;;) {
      if (isTemplateName(current)) return { kind: 'template', template: current };
      if (seen.has(current)) return { kind: 'type', type: current };
      seen.add(current);
      const next = this.lookup(current, resourceName);
      if (next === undefined) return { kind: 'type', type: current };
      current = next;
    }
  }

  private lookup(type: string, resourceName: string | undefined): string | undefined {
    const perResource = resourceName !== undefined ? this.registry['resources'] : undefined;
    if (isMap(perResource)) {
      const entry = (perResource as JsonMap)[resourceName!];
      if (isMap(entry) && typeof (entry as JsonMap)[type] === 'string') return (entry as JsonMap)[type] as string;
    }
    const direct = this.registry[type];
    if (typeof direct === 'string') return direct;
    // OpenStack: "OS::Networking::*": "OS::Neutron::*" — longest matching prefix wins here.
    const globs = Object.keys(this.registry)
      .filter((k) => k.endsWith('*') && typeof this.registry[k] === 'string' && type.startsWith(k.slice(0, -1)))
      .sort((a, b) => b.length - a.length);
    for (const g of globs) {
      const target = this.registry[g] as string;
      if (target === type) continue;
      return target.endsWith('*') ? target.slice(0, -1) + type.slice(g.length - 1) : target;
    }
    return undefined;
  }

  private matching(resourceName: string, key: string): string[] {
    const resources = this.registry['resources'];
    if (!isMap(resources)) return [];
    const out: string[] = [];
    for (const [pattern, entry] of Object.entries(resources as JsonMap)) {
      if (!isMap(entry) || !globMatch(pattern, resourceName)) continue;
      const v = (entry as JsonMap)[key];
      if (typeof v === 'string') out.push(v);
      else if (Array.isArray(v)) out.push(...v.map(pyStr));
    }
    return out;
  }

  /** Whether a breakpoint hook (pre-create …) is set for the resource. */
  hasHook(resourceName: string, hook: (typeof HOOK_TYPES)[number]): boolean {
    return this.matching(resourceName, 'hooks').includes(hook);
  }

  /** Actions (update, replace) the environment forbids on the resource. */
  restrictedActions(resourceName: string): Set<string> {
    return new Set(this.matching(resourceName, 'restricted_actions'));
  }
}

// fnmatch.fnmatchcase: * ? [seq] [!seq]
function globMatch(pattern: string, name: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const j = pattern.indexOf(']', i + 2);
      if (j < 0) re += '\\[';
      else {
        const body = pattern.slice(i + 1, j).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = j;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's').test(name);
}
