// The HOT template layer's import surface: parse, check, evaluate. Pure logic —
// no store, no HTTP; live data comes in through EvalContext.
export { HeatError, type HeatErrorType } from './errors.js';
export { parseTemplate, loadYaml, MAX_TEMPLATE_SIZE } from './format.js';
export {
  TEMPLATE_VERSIONS, findVersion, templateVersion, listTemplateVersions, listTemplateFunctions,
  type TemplateVersion, type TemplateVersionInfo, type TemplateFunctionInfo, type DeletionPolicy,
} from './versions.js';
export { loadTemplate, type Template, type ResourceDefinition, type OutputDefinition } from './template.js';
export { parseSnippet, parseConditionSnippet, fnCalls, type ParseScope } from './parse.js';
export { resolve, findUnresolved, type Resolved } from './resolve.js';
export {
  dependencies, outputDependencies, resourceRefs, snippetRefs, checkCycles,
  type DependencyGraph, type GraphOptions, type LocatedRef,
} from './dependencies.js';
export {
  evaluateConditions, conditionContext, resourceEnabled, outputEnabled, type Conditions,
} from './conditions.js';
export {
  parameterSchemata, resolveParameters, convertParameter, constraintError, displayValue,
  immutableParamsModified, immutableParamsError, PSEUDO_PARAMETERS,
  type ParamSchema, type ParamType, type Constraint, type CustomConstraintCheck, type StackIdentity,
  type ParameterInputs, type StackParameters,
} from './parameters.js';
export { validateParameterGroups } from './parameter-groups.js';
export {
  parseEnvironment, validateEnvironment, toEnvironment, emptyEnvironment, mergeEnvironments, ResourceRegistry,
  HOOK_TYPES, RESTRICTED_ACTIONS, type Environment, type RegistryMatch,
} from './environment.js';
export { selectFromAttribute } from './functions/get-attr.js';
export {
  FnCall, Unresolved, OMIT,
  type EvalContext, type Json, type JsonMap, type Snippet, type FunctionDef, type ResourceRef, type Value,
} from './functions/types.js';
