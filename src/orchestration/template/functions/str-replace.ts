// str_replace: substitute params into a template string. Longer keys win; for equal
// lengths the lexicographically smaller one. Replaced text is never re-scanned.
// Before 2015-10-15 param values must be scalars; from then maps/lists go in as JSON.
import { pyJsonDumps, pyStr } from '../py.js';
import { FnArgError, FnCall, isMap, keyError } from './types.js';
import type { FunctionDef, Json, Snippet } from './types.js';

export interface StrReplaceMode {
  /** Maps and lists are substituted as JSON (ReplaceJson, 2015-10-15+). */
  readonly json: boolean;
  /** Every param must occur in the template (str_replace_strict). */
  readonly strict: boolean;
  /** Empty or null values are errors (str_replace_vstrict). */
  readonly allowEmpty: boolean;
}

export interface StrReplaceArgs {
  readonly template: Snippet;
  readonly params: Snippet;
}

/** Builds a str_replace-family function; `split` reads template and params from the args. */
export function makeStrReplace(
  description: string,
  mode: StrReplaceMode,
  split: (args: Snippet, name: string) => StrReplaceArgs = splitMap,
): FunctionDef {
  return {
    description,
    check(args, name) {
      const { params } = split(args, name);
      if (!isMap(params) && !(params instanceof FnCall)) throw new FnArgError(`"${name}" parameters must be a mapping`);
    },
    evaluate(args, name, r) {
      const parts = split(args, name);
      const template = r.resolve(parts.template);
      const mapping = r.resolve(parts.params);
      if (typeof template !== 'string') throw new FnArgError(`"${name}" template must be a string`);
      if (!isMap(mapping)) throw new FnArgError(`"${name}" params must be a map`);
      const unreplaced = new Set(Object.keys(mapping));
      const keys = byLengthThenName(Object.keys(mapping));
      const replace = (strings: string[], i: number): string[] => {
        const placeholder = keys[i];
        if (placeholder === undefined) return strings;
        if (placeholder === '') throw new FnArgError('empty separator');
        const value = replacement(mapping[placeholder] as Json, placeholder, name, mode);
        return strings.map((s) => {
          const pieces = s.split(placeholder);
          if (pieces.length > 1) unreplaced.delete(placeholder);
          return replace(pieces, i + 1).join(value);
        });
      };
      const result = replace([template], 0)[0]!;
      if (mode.strict && unreplaced.size > 0) {
        throw new FnArgError(`The following params were not found in the template: ${byLengthThenName([...unreplaced]).join(',')}`);
      }
      return result;
    },
  };
}

function byLengthThenName(keys: string[]): string[] {
  return [...keys].sort().sort((a, b) => [...b].length - [...a].length);
}

function replacement(value: Json, param: string, name: string, mode: StrReplaceMode): string {
  const empty = () =>
    new FnArgError(`${name} has an undefined or empty value for param ${param}, must be a defined non-empty value`);
  if (value === null) {
    if (mode.allowEmpty) return '';
    throw empty();
  }
  if (typeof value === 'object') {
    if (!mode.json) throw new FnArgError(`"${name}" params must be strings or numbers, param ${param} is not valid`);
    if (!mode.allowEmpty && (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0)) throw empty();
    return pyJsonDumps(value, true);
  }
  const s = pyStr(value);
  if (!mode.allowEmpty && s === '') throw empty();
  return s;
}

function splitMap(args: Snippet, name: string): StrReplaceArgs {
  if (!isMap(args)) throw new FnArgError(`Arguments to "${name}" must be a map`);
  if (!('params' in args) || !('template' in args)) {
    const example = `${name}:\n              template: This is var1 template var2\n              params:\n                var1: a\n                var2: string`;
    throw keyError(`"${name}" syntax should be ${example}`);
  }
  return { template: args['template'] as Snippet, params: args['params'] as Snippet };
}

/** 2013-05-23 … 2015-04-30. */
export const strReplace = makeStrReplace('Replaces placeholders in a string with parameter values.', {
  json: false,
  strict: false,
  allowEmpty: true,
});

/** From 2015-10-15: map and list values are substituted as JSON. */
export const strReplaceJson = makeStrReplace(
  'Replaces placeholders in a string with values; maps and lists are substituted as JSON.',
  { json: true, strict: false, allowEmpty: true },
);
