// A parsed HOT document → a checked Template: version, sections, resource and output
// definitions with functions parsed. Messages follow Heat's template validation
// (heat/engine/hot/template.py, template_common.py). Nothing is resolved here.
import { HeatError, validationFailed } from './errors.js';
import { FnCall, isMap } from './functions/types.js';
import type { Json, JsonMap, Snippet } from './functions/types.js';
import { parseConditionSnippet, parseSnippet } from './parse.js';
import type { ParseScope } from './parse.js';
import { pyType, pyTypeName } from './py.js';
import { templateVersion } from './versions.js';
import type { DeletionPolicy, TemplateVersion } from './versions.js';

export interface ResourceDefinition {
  readonly name: string;
  readonly type: string;
  /** A map (or a function yielding one); null when absent. */
  readonly properties: Snippet;
  readonly metadata: Snippet;
  /** Explicit depends_on, always a list. */
  readonly dependsOn: readonly string[];
  /** A policy name (already checked) or a function to resolve later; null = Delete. */
  readonly deletionPolicy: DeletionPolicy | FnCall | null;
  readonly updatePolicy: Snippet;
  readonly description: string | null;
  readonly externalId: Snippet;
  /** Condition name, boolean or condition function; null = always enabled. */
  readonly condition: Snippet;
}

export interface OutputDefinition {
  readonly name: string;
  readonly value: Snippet;
  readonly description: string | null;
  readonly condition: Snippet;
}

export interface Template {
  readonly version: TemplateVersion;
  readonly description: string;
  /** The raw `parameters` section (see parameters.ts). */
  readonly parameters: JsonMap;
  readonly parameterGroups: Json;
  readonly conditions: Readonly<Record<string, Snippet>>;
  readonly resources: Readonly<Record<string, ResourceDefinition>>;
  readonly outputs: Readonly<Record<string, OutputDefinition>>;
  /** The document as given. */
  readonly raw: JsonMap;
}

/** Check and parse a template document (from parseTemplate). Throws HeatError. */
export function loadTemplate(doc: JsonMap): Template {
  const version = templateVersion(doc);
  for (const k of Object.keys(doc)) {
    if (!version.sections.includes(k)) throw new HeatError('InvalidTemplateSection', `The template section is invalid: ${k}`);
  }
  const rawResources = sectionMap(doc, 'resources', 'resource');
  const scope: ParseScope = { version, resourceNames: new Set(Object.keys(rawResources)) };

  const resources: Record<string, ResourceDefinition> = {};
  for (const name of Object.keys(rawResources).sort()) {
    resources[name] = resourceDefinition(name, rawResources[name] as JsonMap, scope);
  }

  const rawConditions = doc['conditions'] ?? {};
  if (!isMap(rawConditions)) {
    throw new HeatError(
      'StackValidationFailed',
      `Condition definitions must be a map. Found a ${pyTypeName(rawConditions)} instead`,
      [],
      'Conditions validation error',
    );
  }
  const conditions: Record<string, Snippet> = {};
  for (const [n, c] of Object.entries(rawConditions)) conditions[n] = parseConditionSnippet(c as Json, `conditions.${n}`, scope);

  const outputs: Record<string, OutputDefinition> = {};
  for (const [n, o] of Object.entries(asMap(doc['outputs']))) outputs[n] = outputDefinition(n, o as Json, scope);

  const description = doc['description'];
  return {
    version,
    description: typeof description === 'string' && description ? description : 'No description',
    parameters: asMap(doc['parameters']),
    parameterGroups: doc['parameter_groups'] ?? null,
    conditions,
    resources,
    outputs,
    raw: doc,
  };
}

function asMap(v: Json | undefined): JsonMap {
  return isMap(v) ? (v as JsonMap) : {};
}

// OpenStack: HOTemplate20130523.validate_section for "resources".
function sectionMap(doc: JsonMap, section: string, objName: string): JsonMap {
  const data = doc[section] ?? {};
  if (!isMap(data)) {
    throw validationFailed('', `"${section}" must contain a map of ${objName} maps. Found a [${pyType(data)}] instead`);
  }
  return data as JsonMap;
}

function resourceDefinition(name: string, data: Json, scope: ParseScope): ResourceDefinition {
  const { version } = scope;
  const missingType = 'Each resource must contain a type key.';
  if (data === null || data === '' || (isMap(data) && Object.keys(data).length === 0)) throw validationFailed('', missingType);
  if (!isMap(data)) {
    throw validationFailed('', `"resources" must contain a map of resource maps. Found a [${pyType(data)}] instead`);
  }
  for (const k of Object.keys(data)) {
    if (!version.resourceKeys.includes(k)) throw validationFailed('', `"${k}" is not a valid keyword inside a resource definition`);
  }
  if (!('type' in data)) throw validationFailed('', missingType);

  const path = (key: string) => `resources.${name}.${key}`;
  const field = (key: string, ok: (v: Snippet) => boolean, typename: string, condition = false): Snippet => {
    if (!(key in data)) return null;
    const v = condition
      ? parseConditionSnippet(data[key] as Json, path(key), scope)
      : parseSnippet(data[key] as Json, path(key), scope);
    if (!ok(v)) throw validationFailed('', `Resource ${name} ${key} type must be ${typename}`);
    return v;
  };
  const isObject = (v: Snippet) => isMap(v) || v instanceof FnCall;
  const isStringOrFn = (v: Snippet) => typeof v === 'string' || v instanceof FnCall;

  const type = field('type', (v) => typeof v === 'string', 'string') as string;
  const properties = field('properties', isObject, 'object');
  const metadata = field('metadata', isObject, 'object');

  let dependsOn: string[] = [];
  const deps = data['depends_on'];
  if (deps !== undefined && deps !== null) {
    if (typeof deps === 'string') dependsOn = [deps];
    else if (Array.isArray(deps)) {
      if (!deps.every((d) => typeof d === 'string')) {
        throw validationFailed('', `Resource ${name} depends_on must be a list of strings`);
      }
      dependsOn = deps as string[];
    } else throw validationFailed('', `Resource ${name} depends_on type must be list or string`);
  }

  const policy = field('deletion_policy', isStringOrFn, 'string');
  let deletionPolicy: DeletionPolicy | FnCall | null = null;
  if (policy instanceof FnCall) deletionPolicy = policy;
  else if (typeof policy === 'string') {
    const p = version.deletionPolicies[policy];
    if (p === undefined) throw validationFailed('', `Invalid deletion policy "${policy}"`);
    deletionPolicy = p;
  }

  const updatePolicy = field('update_policy', isObject, 'object');
  const description = 'description' in data ? data['description'] : null;
  if (description !== null && typeof description !== 'string') {
    throw validationFailed('', `Resource ${name} description type must be string`);
  }
  const externalId = field('external_id', isStringOrFn, 'string');
  const condition = field(
    'condition',
    (v) => typeof v === 'string' || typeof v === 'boolean' || v instanceof FnCall,
    'string_or_boolean',
    true,
  );
  if (externalId !== null && dependsOn.length > 0) {
    throw new HeatError(
      'InvalidExternalResourceDependency',
      `Invalid dependency with external ${type} resource: ${typeof externalId === 'string' ? externalId : name}`,
    );
  }
  return { name, type, properties, metadata, dependsOn, deletionPolicy, updatePolicy, description, externalId, condition };
}

// OpenStack: CommonTemplate.outputs.
function outputDefinition(name: string, data: Json, scope: ParseScope): OutputDefinition {
  const err = (msg: string) => new HeatError('StackValidationFailed', msg, ['outputs', name], 'Output validation error');
  if (!isMap(data)) throw err(`Output definitions must be a map. Found a ${pyTypeName(data)} instead`);
  if (!('value' in data)) throw err('Each output definition must contain a value key.');
  for (const k of Object.keys(data)) {
    if (!scope.version.outputKeys.includes(k)) throw validationFailed('', `"${k}" is not a valid keyword inside a output definition`);
  }
  const description = data['description'];
  return {
    name,
    value: parseSnippet(data['value'] as Json, `outputs.${name}.value`, scope),
    description: typeof description === 'string' ? description : null,
    condition: 'condition' in data ? parseConditionSnippet(data['condition'] as Json, `outputs.${name}.condition`, scope) : null,
  };
}
