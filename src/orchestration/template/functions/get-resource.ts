// get_resource: the reference id of another resource in the stack.
import { pyStr } from '../py.js';
import { FnArgError } from './types.js';
import type { FunctionDef } from './types.js';

export const getResource: FunctionDef = {
  description: 'Returns the reference id (usually the physical id) of a resource.',
  refs(args, resolveStatic) {
    const name = resolveStatic(args);
    return name === undefined ? [] : [{ resource: pyStr(name) }];
  },
  evaluate(args, name, r) {
    const res = r.resolve(args);
    if (typeof res !== 'string') throw new FnArgError(`Argument to "${name}" must be a string`);
    return r.ctx.resourceId(res);
  },
};
