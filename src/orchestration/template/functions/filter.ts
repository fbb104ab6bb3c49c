// filter (2017-02-24+): a list without the given values.
import { pyIn, pyTruthy } from '../py.js';
import { FnArgError } from './types.js';
import type { FunctionDef, Snippet } from './types.js';

export const filter: FunctionDef = {
  description: 'Returns the list without the given values.',
  check(args, name) {
    if (!Array.isArray(args)) throw new FnArgError(`Argument to "${name}" must be a list`);
    if (args.length !== 2) {
      throw new FnArgError(
        `"${name}" expected 2 arguments of the form [values, sequence] but got ${args.length} arguments instead`,
      );
    }
  },
  evaluate(args, name, r) {
    const [v, s] = args as Snippet[];
    const sequence = r.resolve(s ?? null);
    if (!pyTruthy(sequence)) return sequence;
    if (!Array.isArray(sequence)) throw new FnArgError(`"${name}" only works with lists`);
    const values = r.resolve(v ?? null);
    if (!pyTruthy(values)) return sequence;
    if (!Array.isArray(values)) throw new FnArgError(`"${name}" filters a list of values`);
    return sequence.filter((x) => !pyIn(x, values));
  },
};
