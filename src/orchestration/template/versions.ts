// Every heat_template_version Pier accepts, as data: which intrinsic and condition
// functions it allows, which sections and keys. Mirrors Heat's HOTemplateYYYYMMDD
// classes (heat/engine/hot/template.py) and the aliases registered in its setup.cfg.
import { HeatError } from './errors.js';
import { and } from './functions/and.js';
import { cfnBase64 } from './functions/cfn-base64.js';
import { cfnGetAZs } from './functions/cfn-get-azs.js';
import { cfnJoin } from './functions/cfn-join.js';
import { cfnMemberListToMap } from './functions/cfn-member-list-to-map.js';
import { cfnRef } from './functions/cfn-ref.js';
import { cfnReplace } from './functions/cfn-replace.js';
import { cfnResourceFacade } from './functions/cfn-resource-facade.js';
import { cfnSelect } from './functions/cfn-select.js';
import { cfnSplit } from './functions/cfn-split.js';
import { contains } from './functions/contains.js';
import { digest } from './functions/digest.js';
import { equals } from './functions/equals.js';
import { filter } from './functions/filter.js';
import { getAttr, getAttrAll } from './functions/get-attr.js';
import { getFile } from './functions/get-file.js';
import { getParam } from './functions/get-param.js';
import { getResource } from './functions/get-resource.js';
import { ifFn, ifNullable } from './functions/if.js';
import { listConcat } from './functions/list-concat.js';
import { listConcatUnique } from './functions/list-concat-unique.js';
import { listJoin, listJoinMultiple } from './functions/list-join.js';
import { makeUrl } from './functions/make-url.js';
import { mapMerge } from './functions/map-merge.js';
import { mapReplace } from './functions/map-replace.js';
import { not } from './functions/not.js';
import { or } from './functions/or.js';
import { removed } from './functions/removed.js';
import { repeat, repeatNested, repeatWithMap } from './functions/repeat.js';
import { resourceFacade } from './functions/resource-facade.js';
import { strReplace, strReplaceJson } from './functions/str-replace.js';
import { strReplaceStrict } from './functions/str-replace-strict.js';
import { strReplaceVstrict } from './functions/str-replace-vstrict.js';
import { strSplit } from './functions/str-split.js';
import type { FunctionDef, Json } from './functions/types.js';
import { yaql } from './functions/yaql.js';

export type FunctionTable = Readonly<Record<string, FunctionDef>>;
export type DeletionPolicy = 'Delete' | 'Retain' | 'Snapshot';

export interface TemplateVersion {
  /** 'YYYY-MM-DD', the value of heat_template_version. */
  readonly version: string;
  /** Release names accepted in its place ('newton'…). */
  readonly aliases: readonly string[];
  /** Intrinsic functions, including removed ones (which fail with Heat's message). */
  readonly functions: FunctionTable;
  /** Functions allowed in condition definitions (`conditions`, `condition:`, first arg of `if`). */
  readonly conditionFunctions: FunctionTable;
  readonly sections: readonly string[];
  readonly resourceKeys: readonly string[];
  readonly outputKeys: readonly string[];
  readonly deletionPolicies: Readonly<Record<string, DeletionPolicy>>;
  /** Keys of a parameter definition. */
  readonly parameterKeys: readonly string[];
  /** Whether the `modulo` parameter constraint is honoured (2017-02-24+). */
  readonly moduloConstraint: boolean;
}

// OpenStack: functions removed from 2014-10-16 (CFN forms kept only in 2013-05-23).
const REMOVED_2014: FunctionTable = {
  'Fn::GetAZs': removed, 'Fn::Join': removed, 'Fn::Split': removed, 'Fn::Replace': removed,
  'Fn::Base64': removed, 'Fn::MemberListToMap': removed, 'Fn::ResourceFacade': removed, Ref: removed,
};

const F20130523: FunctionTable = {
  'Fn::GetAZs': cfnGetAZs, get_param: getParam, get_resource: getResource, Ref: cfnRef, get_attr: getAttr,
  'Fn::Select': cfnSelect, 'Fn::Join': cfnJoin, list_join: listJoin, 'Fn::Split': cfnSplit, str_replace: strReplace,
  'Fn::Replace': cfnReplace, 'Fn::Base64': cfnBase64, 'Fn::MemberListToMap': cfnMemberListToMap,
  resource_facade: resourceFacade, 'Fn::ResourceFacade': cfnResourceFacade, get_file: getFile,
};
const F20141016: FunctionTable = {
  get_attr: getAttr, get_file: getFile, get_param: getParam, get_resource: getResource, list_join: listJoin,
  resource_facade: resourceFacade, str_replace: strReplace, 'Fn::Select': cfnSelect, ...REMOVED_2014,
};
const F20150430: FunctionTable = { ...F20141016, repeat, digest };
const F20151015: FunctionTable = {
  ...F20150430, get_attr: getAttrAll, list_join: listJoinMultiple, str_replace: strReplaceJson, str_split: strSplit,
  'Fn::Select': removed,
};
const F20160408: FunctionTable = { ...F20151015, map_merge: mapMerge };
const F20161014: FunctionTable = { ...F20160408, repeat: repeatWithMap, yaql, map_replace: mapReplace, if: ifFn };
const F20170224: FunctionTable = { ...F20161014, filter, str_replace_strict: strReplaceStrict };
const F20170901: FunctionTable = {
  ...F20170224, repeat: repeatNested, make_url: makeUrl, list_concat: listConcat,
  str_replace_vstrict: strReplaceVstrict, list_concat_unique: listConcatUnique, contains,
};
const F20210416: FunctionTable = { ...F20170901, if: ifNullable };

const C20161014: FunctionTable = { get_param: getParam, equals, not, and, or };
const C20170901: FunctionTable = { ...C20161014, yaql, contains };

const SECTIONS_2013 = ['heat_template_version', 'description', 'parameter_groups', 'parameters', 'resources', 'outputs'];
const RESOURCE_KEYS_2013 = ['type', 'properties', 'metadata', 'depends_on', 'deletion_policy', 'update_policy', 'description'];
const POLICIES: Readonly<Record<string, DeletionPolicy>> = { Delete: 'Delete', Retain: 'Retain', Snapshot: 'Snapshot' };
const PARAM_KEYS = ['type', 'description', 'default', 'schema', 'constraints', 'hidden', 'label', 'immutable'];

const V2013: TemplateVersion = {
  version: '2013-05-23', aliases: [], functions: F20130523, conditionFunctions: {},
  sections: SECTIONS_2013, resourceKeys: RESOURCE_KEYS_2013, outputKeys: ['description', 'value'],
  deletionPolicies: POLICIES, parameterKeys: PARAM_KEYS, moduloConstraint: false,
};
const V20161014: TemplateVersion = {
  ...V2013, version: '2016-10-14', aliases: ['newton'], functions: F20161014, conditionFunctions: C20161014,
  sections: [...SECTIONS_2013, 'conditions'], resourceKeys: [...RESOURCE_KEYS_2013, 'external_id', 'condition'],
  outputKeys: ['description', 'value', 'condition'],
  // OpenStack: lower-case aliases of the deletion policies were added in 2016-10-14.
  deletionPolicies: { ...POLICIES, delete: 'Delete', retain: 'Retain', snapshot: 'Snapshot' },
};
const V20170224: TemplateVersion = {
  ...V20161014, version: '2017-02-24', aliases: ['ocata'], functions: F20170224, moduloConstraint: true,
};
const V20170901: TemplateVersion = {
  ...V20170224, version: '2017-09-01', aliases: ['pike'], functions: F20170901, conditionFunctions: C20170901,
};
const V20180302: TemplateVersion = {
  ...V20170901, version: '2018-03-02', aliases: ['queens'], parameterKeys: [...PARAM_KEYS, 'tags'],
};

/** Oldest first. */
export const TEMPLATE_VERSIONS: readonly TemplateVersion[] = [
  V2013,
  { ...V2013, version: '2014-10-16', functions: F20141016 },
  { ...V2013, version: '2015-04-30', functions: F20150430 },
  { ...V2013, version: '2015-10-15', functions: F20151015 },
  { ...V2013, version: '2016-04-08', functions: F20160408 },
  V20161014,
  V20170224,
  V20170901,
  V20180302,
  { ...V20180302, version: '2018-08-31', aliases: ['rocky'] },
  { ...V20180302, version: '2021-04-16', aliases: ['wallaby'], functions: F20210416 },
];

const BY_NAME = new Map<string, TemplateVersion>(
  TEMPLATE_VERSIONS.flatMap((v) => [v.version, ...v.aliases].map((n) => [n, v] as const)),
);

export function findVersion(nameOrAlias: string): TemplateVersion | undefined {
  return BY_NAME.get(nameOrAlias);
}

/** The oldest version in which a (non-removed) function name exists, for error messages. */
export function firstVersionWith(fn: string): TemplateVersion | undefined {
  return TEMPLATE_VERSIONS.find((v) => v.functions[fn] !== undefined && !v.functions[fn]!.removed);
}

const VERSION_KEYS = ['heat_template_version', 'HeatTemplateFormatVersion', 'AWSTemplateFormatVersion'];

/** OpenStack: heat.engine.template.get_version + get_template_class, HOT only. */
export function templateVersion(doc: { readonly [key: string]: Json }): TemplateVersion {
  const present = VERSION_KEYS.filter((k) => typeof doc[k] === 'string');
  const invalid = (explanation: string) =>
    new HeatError('InvalidTemplateVersion', `The template version is invalid: ${explanation}`);
  if (present.length > 1) throw invalid(`Ambiguous versions (${present.join(', ')})`);
  const key = present[0];
  if (key === undefined) throw invalid('Template version was not provided');
  const value = doc[key] as string;
  if (key !== 'heat_template_version') {
    throw invalid(`"${key}: ${value}". CFN templates are not supported by Pier; use a HOT template (heat_template_version)`);
  }
  const version = findVersion(value);
  if (version === undefined) {
    const available = [...BY_NAME.keys()].sort().join(', ');
    throw invalid(`"${key}: ${value}". "${key}" should be one of: ${available}`);
  }
  return version;
}

export interface TemplateVersionInfo {
  readonly version: string;
  readonly type: 'hot';
  readonly aliases: readonly string[];
}

/** Body items of GET /template_versions (Heat lists 'heat_template_version.YYYY-MM-DD'). */
export function listTemplateVersions(): TemplateVersionInfo[] {
  return TEMPLATE_VERSIONS.map((v) => ({
    version: `heat_template_version.${v.version}`,
    type: 'hot',
    aliases: v.aliases.map((a) => `heat_template_version.${a}`),
  }));
}

export interface TemplateFunctionInfo {
  readonly functions: string;
  readonly description: string;
}

/** Body items of GET /template_versions/{v}/functions, or undefined for an unknown version.
 * Accepts 'heat_template_version.2016-10-14' (as Heat does) and aliases. */
export function listTemplateFunctions(templateVersion: string, withConditionFunctions = false): TemplateFunctionInfo[] | undefined {
  const [key, name] = splitOnce(templateVersion);
  const version = key === 'heat_template_version' && name !== undefined ? findVersion(name) : undefined;
  if (version === undefined) return undefined;
  const table: FunctionTable = withConditionFunctions
    ? { ...version.functions, ...version.conditionFunctions }
    : version.functions;
  return Object.entries(table)
    .filter(([, def]) => !def.removed)
    .map(([fn, def]) => ({ functions: fn, description: def.description }));
}

function splitOnce(s: string): [string, string | undefined] {
  const i = s.indexOf('.');
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}
