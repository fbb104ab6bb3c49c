// list_join: join lists of strings with a delimiter. Before 2015-10-15 exactly one
// list of strings; from 2015-10-15 several lists, maps and lists joined as JSON.
import { pyJsonDumps, pyRepr, pyTruthy } from '../py.js';
import { FnArgError, isMap } from './types.js';
import type { FunctionDef, Json, Snippet } from './types.js';

function usage(name: string, multi: boolean): FnArgError {
  const example = `"${name}" : [ " ", [ "str1", "str2"]${multi ? ' ...' : ''}]`;
  return new FnArgError(`Incorrect arguments to "${name}" should be: ${example}`);
}

function delimiter(r: { resolve(s: Snippet): Json }, s: Snippet, name: string): string {
  const delim = r.resolve(s);
  if (typeof delim !== 'string') throw new FnArgError(`"${name}" delimiter must be a string`);
  return delim;
}

export const listJoin: FunctionDef = {
  description: 'Joins a list of strings with a delimiter.',
  check(args, name) {
    if (!Array.isArray(args) || args.length !== 2) throw usage(name, false);
  },
  evaluate(args, name, r) {
    const [delimArg, listArg] = args as Snippet[];
    const strings = r.resolve(listArg ?? null) ?? [];
    if (!Array.isArray(strings)) throw new FnArgError(`"${name}" must operate on a list`);
    const delim = delimiter(r, delimArg ?? null, name);
    return strings
      .map((s) => {
        if (s === null) return '';
        if (typeof s !== 'string') throw new FnArgError(`Items to join must be strings not ${pyRepr(s).slice(0, 200)}`);
        return s;
      })
      .join(delim);
  },
};

export const listJoinMultiple: FunctionDef = {
  description: 'Joins one or more lists of strings (maps and lists as JSON) with a delimiter.',
  check(args, name) {
    if (!Array.isArray(args) || args.length < 2) throw usage(name, true);
  },
  evaluate(args, name, r) {
    const [delimArg, ...lists] = args as Snippet[];
    const strings: Json[] = [];
    for (const jl of r.resolve(lists) as Json[]) {
      if (!pyTruthy(jl)) continue;
      if (!Array.isArray(jl)) throw new FnArgError(`"${name}" must operate on a list`);
      strings.push(...jl);
    }
    const delim = delimiter(r, delimArg ?? null, name);
    return strings
      .map((s) => {
        if (s === null) return '';
        if (typeof s === 'string') return s;
        if (Array.isArray(s) || isMap(s)) return pyJsonDumps(s, true);
        throw new FnArgError(`Items to join must be string, map or list not ${pyRepr(s).slice(0, 200)}`);
      })
      .join(delim);
  },
};
