// not (condition function, 2016-10-14+): negates a condition (a name, a boolean or a function).
import { FnArgError } from './types.js';
import type { FunctionDef } from './types.js';

export const not: FunctionDef = {
  description: 'Returns the negation of a condition.',
  check(args, name) {
    if (args === null) throw new FnArgError(`Argument to "${name}" must be a condition`);
  },
  evaluate(args, _name, r) {
    return !r.ctx.condition(r.resolve(args));
  },
};
