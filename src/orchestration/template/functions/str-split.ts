// str_split (2015-10-15+): split a string into a list, optionally picking one item.
import { pyIndex, pyInt } from '../py.js';
import { FnArgError, isMap } from './types.js';
import type { FunctionDef } from './types.js';

function usage(name: string): string {
  return `Incorrect arguments to "${name}" should be: "${name}" : [ ",", "apples,pears", <index>]`;
}

export const strSplit: FunctionDef = {
  description: 'Splits a string by a delimiter into a list, optionally returning one item.',
  check(args, name) {
    if (typeof args === 'string' || isMap(args)) throw new FnArgError(usage(name));
  },
  evaluate(args, name, r) {
    const a = r.resolve(args);
    if (!Array.isArray(a) || a.length < 2) throw new FnArgError(usage(name));
    const [delim, str, index] = a;
    if (str === null) return null;
    if (typeof delim !== 'string' || typeof str !== 'string') {
      throw new FnArgError(`"${name}" delimiter and string must be strings`);
    }
    if (delim === '') throw new FnArgError('empty separator');
    const parts = str.split(delim);
    if (a.length < 3) return parts;
    const i = pyInt(index);
    if (i === undefined) throw new FnArgError(`Incorrect index to "${name}" should be: "${name}" : [ ",", "apples,pears", <index>]`);
    const item = pyIndex(parts, i);
    if (item === undefined) {
      throw new FnArgError(`Incorrect index to "${name}" should be between 0 and ${parts.length - 1}`);
    }
    return item;
  },
};
