// Parameter schemas (the template's `parameters` section) and stack parameter values:
// conversion and constraint checks with Heat's messages, pseudo parameters.
// OpenStack: heat/engine/parameters.py, hot/parameters.py, constraints.py.
import { HeatError } from './errors.js';
import { isMap } from './functions/types.js';
import type { Json, JsonMap } from './functions/types.js';
import { boolFromString, pyEquals, pyIn, pyJsonDumps, pyMod, pyStr, pyTruthy, strToNum } from './py.js';
import type { Template } from './template.js';

export type ParamType = 'string' | 'number' | 'comma_delimited_list' | 'json' | 'boolean';
const TYPES: readonly string[] = ['string', 'number', 'comma_delimited_list', 'json', 'boolean'];

export type Constraint = { readonly description?: string } & (
  | { readonly kind: 'length' | 'range'; readonly min: number | null; readonly max: number | null }
  | { readonly kind: 'modulo'; readonly step: number; readonly offset: number }
  | { readonly kind: 'allowed_values'; readonly values: readonly Json[] }
  | { readonly kind: 'allowed_pattern'; readonly pattern: string }
  | { readonly kind: 'custom_constraint'; readonly name: string }
);

export interface ParamSchema {
  readonly name: string;
  readonly type: ParamType;
  readonly description: string | null;
  /** null = no default (the parameter is required). */
  readonly default: Json;
  readonly hidden: boolean;
  readonly label: string | null;
  readonly immutable: boolean;
  readonly tags: readonly string[] | null;
  readonly constraints: readonly Constraint[];
}

/** Checks a value against a named custom constraint; returns an error message or null. */
export type CustomConstraintCheck = (constraint: string, value: Json) => Promise<string | null>;

export interface StackIdentity {
  readonly stackName?: string;
  readonly stackId?: string;
  readonly projectId?: string;
}

export const PSEUDO_PARAMETERS = ['OS::stack_id', 'OS::stack_name', 'OS::region', 'OS::project_id'] as const;

// Which parameter types each constraint applies to (Heat's valid_types).
const VALID_FOR: Readonly<Record<Constraint['kind'], { cls: string; types: readonly ParamType[] }>> = {
  length: { cls: 'Length', types: ['string', 'comma_delimited_list', 'json'] },
  range: { cls: 'Range', types: ['number'] },
  modulo: { cls: 'Modulo', types: ['number'] },
  allowed_values: { cls: 'AllowedValues', types: ['string', 'number', 'boolean', 'comma_delimited_list'] },
  allowed_pattern: { cls: 'AllowedPattern', types: ['string'] },
  custom_constraint: { cls: 'CustomConstraint', types: ['string', 'number', 'boolean', 'comma_delimited_list'] },
};

const schemaError = (message: string) => new HeatError('InvalidSchemaError', message);

function checkDict(v: Json | undefined, allowed: readonly string[], entity: string): JsonMap {
  if (!isMap(v)) throw schemaError(`Invalid ${entity}, expected a mapping`);
  for (const k of Object.keys(v)) if (!allowed.includes(k)) throw schemaError(`Invalid key '${k}' for ${entity}`);
  return v as JsonMap;
}

function num(v: Json | undefined, what: string): number | null {
  if (v === undefined || v === null) return null;
  try {
    return strToNum(v);
  } catch {
    throw schemaError(`${what} must be numeric`);
  }
}

const CONSTRAINT_KEYS = ['description', 'length', 'range', 'modulo', 'allowed_values', 'allowed_pattern', 'custom_constraint'];

function parseConstraint(c: JsonMap, modulo: boolean): Constraint {
  const description = typeof c['description'] === 'string' ? { description: c['description'] } : {};
  if (modulo && 'modulo' in c) {
    const d = checkDict(c['modulo'], ['step', 'offset'], 'modulo constraint');
    const step = num(d['step'], 'step/offset');
    const offset = num(d['offset'], 'step/offset');
    if (step === null || offset === null) {
      throw schemaError('A modulo constraint must have a step value and an offset value specified.');
    }
    if (!Number.isInteger(step) || !Number.isInteger(offset)) throw schemaError('step/offset must be integer');
    if (step === 0) throw schemaError('step cannot be 0.');
    if (Math.abs(offset) >= Math.abs(step)) throw schemaError('offset must be smaller (by absolute value) than step.');
    if (step * offset < 0) throw schemaError('step and offset must be both positive or both negative.');
    return { kind: 'modulo', step, offset, ...description };
  }
  for (const kind of ['range', 'length'] as const) {
    if (!(kind in c)) continue;
    const d = checkDict(c[kind], ['min', 'max'], `${kind} constraint`);
    if (kind === 'length' && d['min'] == null && d['max'] == null) {
      throw schemaError('A length constraint must have a min value and/or a max value specified.');
    }
    const min = num(d['min'], 'min/max');
    const max = num(d['max'], 'min/max');
    if (min === null && max === null) throw schemaError('A range constraint must have a min value and/or a max value specified.');
    if (kind === 'length' && [min, max].some((x) => x !== null && !Number.isInteger(x))) {
      throw schemaError('min/max length must be integral');
    }
    return { kind, min, max, ...description };
  }
  if ('allowed_values' in c) {
    const values = c['allowed_values'];
    if (!Array.isArray(values)) throw schemaError('AllowedValues must be a list');
    return { kind: 'allowed_values', values, ...description };
  }
  if ('allowed_pattern' in c) {
    const pattern = c['allowed_pattern'];
    if (typeof pattern !== 'string') throw schemaError('AllowedPattern must be a string');
    return { kind: 'allowed_pattern', pattern, ...description };
  }
  if ('custom_constraint' in c) return { kind: 'custom_constraint', name: pyStr(c['custom_constraint'] ?? null), ...description };
  throw schemaError('No constraint expressed');
}

/** Schemas of the template's parameters; parameter_defaults replace template defaults. */
export function parameterSchemata(t: Template, parameterDefaults: JsonMap = {}): Record<string, ParamSchema> {
  const out: Record<string, ParamSchema> = {};
  for (const [name, raw] of Object.entries(t.parameters)) {
    const d = checkDict(raw, t.version.parameterKeys, `parameter (${name})`);
    if (!('type' in d)) throw schemaError(`Missing parameter type for parameter: ${name}`);
    if (t.version.parameterKeys.includes('tags') && 'tags' in d && !Array.isArray(d['tags'])) {
      throw schemaError(`Tags property should be a list for parameter: ${name}`);
    }
    const type = d['type'];
    if (typeof type !== 'string' || !TYPES.includes(type)) throw schemaError(`Invalid type (${pyStr(type ?? null)})`);
    const constraints = d['constraints'];
    if (constraints !== undefined && constraints !== null && !Array.isArray(constraints)) {
      throw schemaError(`Invalid parameter constraints for parameter ${name}, expected a list`);
    }
    const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : null);
    out[name] = {
      name,
      type: type as ParamType,
      description: str('description'),
      default: name in parameterDefaults ? (parameterDefaults[name] ?? null) : (d['default'] ?? null),
      hidden: pyTruthy(d['hidden']),
      label: str('label'),
      immutable: pyTruthy(d['immutable']),
      tags: Array.isArray(d['tags']) ? d['tags'].map(pyStr) : null,
      constraints: (constraints ?? []).map((c) =>
        parseConstraint(checkDict(c, CONSTRAINT_KEYS, 'parameter constraints'), t.version.moduloConstraint),
      ),
    };
  }
  return out;
}

function invalid(name: string, message: string, type: 'StackValidationFailed' | 'InvalidSchemaError'): HeatError {
  return new HeatError(type, `Parameter '${name}' is invalid: ${message}`);
}

/** Heat's typed value of a raw parameter value; throws Error with Heat's message. */
export function convertParameter(type: ParamType, v: Json): Json {
  switch (type) {
    case 'string':
      return pyStr(v);
    case 'number':
      return strToNum(v);
    case 'boolean':
      return boolFromString(v);
    case 'comma_delimited_list':
      if (Array.isArray(v)) return v.map(pyStr);
      if (typeof v !== 'string') throw new Error(`Value must be a comma-delimited list string: '${typeof v}' object has no attribute 'split'`);
      return v === '' ? [] : v.split(',');
    case 'json':
      if (typeof v !== 'string' || v === '') return v;
      try {
        return JSON.parse(v) as Json;
      } catch (e) {
        throw new Error(`Value must be valid JSON: ${(e as Error).message}`);
      }
  }
}

function toSchemaType(type: ParamType, v: Json): Json {
  try {
    if (type === 'number') return strToNum(v);
    if (type === 'string') return pyStr(v);
    if (type === 'boolean') return boolFromString(v);
  } catch {
    throw new Error(`Value "${pyStr(v)}" is invalid for data type "${type}".`);
  }
  return v;
}

function regex(pattern: string): RegExp {
  // Python named groups → JavaScript.
  return new RegExp(`^(?:${pattern.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>')})`, 'u');
}

/** Error message if `value` breaks a (non-custom) constraint, else null. */
export function constraintError(c: Constraint, type: ParamType, value: Json): string | null {
  const fail = (msg: string) => c.description ?? msg;
  switch (c.kind) {
    case 'range': {
      const n = strToNum(value);
      if ((c.min !== null && n < c.min) || (c.max !== null && n > c.max)) {
        return fail(`${pyStr(value)} is out of range (min: ${pyStr(c.min)}, max: ${pyStr(c.max)})`);
      }
      return null;
    }
    case 'length': {
      const len = Array.isArray(value) ? value.length : isMap(value) ? Object.keys(value).length : [...pyStr(value)].length;
      if ((c.min !== null && len < c.min) || (c.max !== null && len > c.max)) {
        return fail(`length (${len}) is out of range (min: ${pyStr(c.min)}, max: ${pyStr(c.max)})`);
      }
      return null;
    }
    case 'modulo':
      return pyMod(strToNum(value), c.step) === c.offset
        ? null
        : fail(`${pyStr(value)} is not a multiple of ${c.step} with an offset of ${c.offset}`);
    case 'allowed_values': {
      const ok = Array.isArray(value)
        ? value.every((v) => pyIn(v, c.values as Json[]))
        : c.values.some((a) => pyEquals(toSchemaType(type, a), toSchemaType(type, value)));
      return ok ? null : fail(`${pyJsonDumps(value)} is not an allowed value [${c.values.map((a) => pyJsonDumps(a)).join(', ')}]`);
    }
    case 'allowed_pattern': {
      const s = pyStr(value);
      const m = regex(c.pattern).exec(s);
      return m && m[0].length === s.length ? null : fail(`"${s}" does not match pattern "${c.pattern}"`);
    }
    case 'custom_constraint':
      return null;
  }
}

async function checkValue(
  schema: ParamSchema,
  raw: Json,
  custom: CustomConstraintCheck | undefined,
): Promise<string | null> {
  let value: Json;
  try {
    const converted = convertParameter(schema.type, raw);
    // OpenStack: list and json constraints see the parsed value, the others the raw one.
    value = schema.type === 'comma_delimited_list' || schema.type === 'json' ? converted : raw;
  } catch (e) {
    return (e as Error).message;
  }
  for (const c of schema.constraints) {
    let err: string | null;
    try {
      if (c.kind === 'custom_constraint') {
        err = custom ? await custom(c.name, value) : null;
        if (err !== null && c.description) err = c.description;
      } else {
        err = constraintError(c, schema.type, value);
      }
    } catch (e) {
      err = (e as Error).message;
    }
    if (err !== null) return err;
  }
  return null;
}

/** Schema-level checks: constraints fit the type; the default fits the constraints. */
function validateSchema(s: ParamSchema): void {
  for (const c of s.constraints) {
    const v = VALID_FOR[c.kind];
    if (!v.types.includes(s.type)) throw invalid(s.name, `${v.cls} constraint invalid for ${s.type}`, 'InvalidSchemaError');
  }
  if (s.default === null) return;
  let d: Json = s.default;
  if (s.type === 'comma_delimited_list') d = Array.isArray(d) ? d.map(pyStr) : pyStr(d).split(',');
  for (const c of s.constraints) {
    let err: string | null;
    try {
      err = constraintError(c, s.type, d);
    } catch (e) {
      err = (e as Error).message;
    }
    if (err !== null) throw invalid(s.name, `Invalid default ${pyStr(s.default)} (${err})`, 'InvalidSchemaError');
  }
}

export interface ParameterInputs {
  /** The environment's `parameters` (user values). */
  readonly parameters?: JsonMap;
  readonly parameter_defaults?: JsonMap;
}

export interface StackParameters {
  readonly schemata: Readonly<Record<string, ParamSchema>>;
  /** Converted values, pseudo parameters included. */
  readonly values: Readonly<Record<string, Json>>;
}

/** Validate and convert all parameters. Throws HeatError with Heat's messages. */
export async function resolveParameters(
  t: Template,
  inputs: ParameterInputs,
  identity: StackIdentity = {},
  customConstraint?: CustomConstraintCheck,
): Promise<StackParameters> {
  const user = inputs.parameters ?? {};
  const defaults = inputs.parameter_defaults ?? {};
  const templateSchemata = parameterSchemata(t);
  for (const name of Object.keys(user)) {
    if (!(name in templateSchemata)) {
      throw new HeatError('UnknownUserParameter', `The Parameter (${name}) was not defined in template.`);
    }
  }
  const schemata: Record<string, ParamSchema> = { ...pseudoSchemata(identity), ...templateSchemata };
  const values: Record<string, Json> = {};
  for (const s of Object.values(schemata)) {
    validateSchema(s);
    const raw = user[s.name] ?? defaults[s.name] ?? s.default;
    if (raw === null || raw === undefined) {
      throw new HeatError('UserParameterMissing', `The Parameter (${s.name}) was not provided.`);
    }
    const err = await checkValue(s, raw, customConstraint);
    if (err !== null) throw invalid(s.name, err, 'StackValidationFailed');
    values[s.name] = convertParameter(s.type, raw);
  }
  return { schemata, values };
}

function pseudoSchemata(id: StackIdentity): Record<string, ParamSchema> {
  const pseudo = (name: string, description: string, value: string): ParamSchema => ({
    name, type: 'string', description, default: value, hidden: false, label: null, immutable: false, tags: null, constraints: [],
  });
  return {
    'OS::stack_id': pseudo('OS::stack_id', 'Stack ID', id.stackId ?? ''),
    'OS::project_id': pseudo('OS::project_id', 'Project ID', id.projectId ?? ''),
    // OpenStack: OS::stack_name exists only when the stack has a name; OS::region is never set.
    ...(id.stackName ? { 'OS::stack_name': pseudo('OS::stack_name', 'Stack Name', id.stackName) } : {}),
  };
}

/** How Heat shows a parameter value in API responses (str(param)). */
export function displayValue(s: ParamSchema, value: Json): string {
  if (s.hidden) return '******';
  if (s.type === 'comma_delimited_list' && Array.isArray(value)) return value.map(pyStr).join(',');
  if (s.type === 'json') return pyJsonDumps(value);
  return pyStr(value);
}

/** Names of immutable parameters whose value an update would change. */
export function immutableParamsModified(old: StackParameters, updated: StackParameters): string[] {
  return Object.keys(updated.schemata).filter(
    (n) =>
      !(PSEUDO_PARAMETERS as readonly string[]).includes(n) &&
      n in old.values &&
      updated.schemata[n]!.immutable &&
      !pyEquals(old.values[n], updated.values[n]),
  );
}

/** The HeatError for immutableParamsModified's result. */
export function immutableParamsError(names: readonly string[]): HeatError {
  return new HeatError(
    'ImmutableParameterModified',
    `The following parameters are immutable and may not be updated: ${names.join(', ')}`,
  );
}
