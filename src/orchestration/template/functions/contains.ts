// contains (2017-09-01+, also a condition function): whether a value is in a list
// (or, as Python's `in` does, a substring of a string).
import { pyIn, pyTruthy } from '../py.js';
import { FnArgError } from './types.js';
import type { FunctionDef, Snippet } from './types.js';

export const contains: FunctionDef = {
  description: 'Returns true if the value is in the sequence.',
  check(args, name) {
    if (!pyTruthy(args) || !Array.isArray(args)) {
      throw new FnArgError(`Incorrect arguments to "${name}" should be: "${name}" : [ "value1", [ "value1", "value2"]]`);
    }
    if (args.length !== 2) throw new FnArgError(`Arguments to "${name}" must be of the form: [value1, [value1, value2]]`);
  },
  evaluate(args, name, r) {
    const [v, s] = args as Snippet[];
    const value = r.resolve(v ?? null);
    const seq = r.resolve(s ?? null);
    if (!Array.isArray(seq) && typeof seq !== 'string') throw new FnArgError(`Second argument to "${name}" should be a sequence.`);
    return pyIn(value, seq);
  },
};
