// Raw template values → Snippets: a single-key map whose key is a function of the
// template version becomes a FnCall; anything else stays data. Errors carry Heat's
// dotted paths ("resources.web.properties.name.str_replace: …").
import { HeatError, validationFailed } from './errors.js';
import { FnArgError, FnCall, isMap } from './functions/types.js';
import type { FunctionDef, Json, MacroParser, Snippet } from './functions/types.js';
import { firstVersionWith } from './versions.js';
import type { FunctionTable, TemplateVersion } from './versions.js';

export interface ParseScope {
  readonly version: TemplateVersion;
  /** Resource names of the template (Ref decides between resource and parameter). */
  readonly resourceNames: ReadonlySet<string>;
}

// OpenStack: in condition context every regular function is "invalid in this
// context" except removed ones and the version's condition functions.
const invalidHere: FunctionDef = {
  description: '',
  check(_args, name) {
    throw new FnArgError(`The function "${name}" is invalid in this context`);
  },
  evaluate() {
    return null;
  },
};

function conditionTable(v: TemplateVersion): FunctionTable {
  const table: Record<string, FunctionDef> = {};
  for (const [name, def] of Object.entries(v.functions)) table[name] = def.removed ? def : invalidHere;
  return { ...table, ...v.conditionFunctions };
}

const conditionTables = new WeakMap<TemplateVersion, FunctionTable>();

/** Parse a value where intrinsic functions are allowed (properties, outputs…). */
export function parseSnippet(raw: Json, path: string, scope: ParseScope): Snippet {
  return walk(raw, path, scope, false);
}

/** Parse a condition definition (`conditions`, `condition:`, first argument of `if`). */
export function parseConditionSnippet(raw: Json, path: string, scope: ParseScope): Snippet {
  return walk(raw, path, scope, true);
}

function tableFor(scope: ParseScope, condition: boolean): FunctionTable {
  if (!condition) return scope.version.functions;
  let t = conditionTables.get(scope.version);
  if (!t) conditionTables.set(scope.version, (t = conditionTable(scope.version)));
  return t;
}

function walk(raw: Json, path: string, scope: ParseScope, condition: boolean): Snippet {
  if (Array.isArray(raw)) return raw.map((v, i) => walk(v, `${path}[${i}]`, scope, condition));
  if (!isMap(raw)) return raw;
  const keys = Object.keys(raw);
  if (keys.length === 1) {
    const name = keys[0]!;
    const def = tableFor(scope, condition)[name];
    if (def) return call(name, def, raw[name] as Json, `${path}.${name}`, scope, condition);
    // Heat leaves unknown single-key maps as data; a name that is a function in another
    // HOT version is almost surely a mistake, so Pier says which version it needs.
    const since = condition ? undefined : firstVersionWith(name);
    if (since) {
      throw validationFailed(
        `${path}.${name}`,
        `The function "${name}" is not supported in heat_template_version ${scope.version.version} (available from ${since.version})`,
      );
    }
  }
  const out: { [key: string]: Snippet } = {};
  for (const k of keys) out[k] = walk(raw[k] as Json, `${path}.${k}`, scope, condition);
  return out;
}

function call(name: string, def: FunctionDef, rawArgs: Json, path: string, scope: ParseScope, condition: boolean): FnCall {
  if (def.removed) {
    throw new HeatError(
      'InvalidTemplateVersion',
      `The template version is invalid: The function ${name} is not supported in this version of HOT.`,
      [path],
    );
  }
  if (def.supported === false) throw new HeatError('NotSupported', `The "${name}" function is not supported.`, [path]);
  const parser: MacroParser = {
    parse: (r, p) => walk(r, p, scope, false),
    parseCondition: (r, p) => walk(r, p, scope, true),
    isResource: (n) => scope.resourceNames.has(n),
  };
  try {
    const args = def.parseArgs ? def.parseArgs(rawArgs, name, parser, path) : walk(rawArgs, path, scope, condition);
    def.check?.(args, name);
    return new FnCall(name, def, args, path);
  } catch (e) {
    if (e instanceof FnArgError) throw validationFailed(path, e.message);
    throw e;
  }
}

/** Every FnCall in a snippet, depth first (for validation and reference scans). */
export function* fnCalls(s: Snippet): Generator<FnCall> {
  if (s instanceof FnCall) {
    yield s;
    yield* fnCalls(s.args);
  } else if (Array.isArray(s)) {
    for (const x of s) yield* fnCalls(x);
  } else if (isMap(s)) {
    for (const x of Object.values(s)) yield* fnCalls(x as Snippet);
  }
}
