// Fn::Split (HOT 2013-05-23 only): split a string by a literal delimiter.
import { pyType } from '../py.js';
import { FnArgError, isMap } from './types.js';
import type { FunctionDef, Snippet } from './types.js';

export const cfnSplit: FunctionDef = {
  description: 'Splits a string by a delimiter into a list (CFN style).',
  check(args, name) {
    const usage = `Incorrect arguments to "${name}" should be: "${name}" : [ ",", "str1,str2"]]`;
    if (typeof args === 'string' || isMap(args) || !Array.isArray(args) || args.length !== 2) throw new FnArgError(usage);
  },
  evaluate(args, name, r) {
    const [delim, s] = args as Snippet[];
    const str = r.resolve(s ?? null);
    if (typeof delim !== 'string') throw new FnArgError(`Delimiter for ${name} must be string`);
    if (typeof str !== 'string') throw new FnArgError(`String to split must be string; got ${pyType(str)}`);
    return str.split(delim);
  },
};
