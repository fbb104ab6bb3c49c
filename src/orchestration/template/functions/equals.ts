// equals (condition function, 2016-10-14+): whether two values are equal (Python ==).
import { pyEquals } from '../py.js';
import { FnArgError } from './types.js';
import type { FunctionDef, Snippet } from './types.js';

export const equals: FunctionDef = {
  description: 'Returns true if the two values are equal.',
  check(args, name) {
    if (!Array.isArray(args) || args.length !== 2) {
      throw new FnArgError(`Arguments to "${name}" must be of the form: [value_1, value_2]`);
    }
  },
  evaluate(args, _name, r) {
    const [a, b] = args as Snippet[];
    return pyEquals(r.resolve(a ?? null), r.resolve(b ?? null));
  },
};
